"""Rankings per 100,000 inhabitants where the population is loaded, per report elsewhere;
the minimum volume still decides who is ranked. The figures are made up for the tests."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from warga.national.models import ReportFact
from warga.national.selectors import NationalScope, dashboard_rankings
from warga.national.services import national_day, rollup_recompute
from warga.regions.models import Population, PopulationLevel

DAY = date(2026, 11, 20)
WIB = ZoneInfo("Asia/Jakarta")
SOURCE = "Angka uji (bukan data BPS)"


def _facts(regency: str, *, reports: int, resolved: int) -> list[ReportFact]:
    moment = datetime.combine(DAY, time(9), tzinfo=WIB)
    return [
        ReportFact(
            tracking_number=f"{regency}-2026-{n:06d}",
            owner_code=regency,
            owner_since=moment,
            province_code=regency[:2],
            regency_code=regency,
            district_code=f"{regency}.01",
            village_code=f"{regency}.01.1001",
            category_code="jalan_rusak",
            type="pengaduan",
            privacy="publik",
            status="resolved" if n < resolved else "received",
            is_open=n >= resolved,
            created_at=moment,
            created_day=national_day(moment),
            resolved_at=moment if n < resolved else None,
            last_event_at=moment,
            applied_at=moment,
        )
        for n in range(reports)
    ]


def _population(code: str, inhabitants: int, year: int = 2020) -> Population:
    return Population(code=code, level=PopulationLevel.REGENCY, population=inhabitants, year=year, source=SOURCE)


def _plant() -> None:
    ReportFact.objects.bulk_create(
        _facts("32.73", reports=40, resolved=30)  # Kota Bandung
        + _facts("32.04", reports=25, resolved=10)  # Kabupaten Bandung
        + _facts("31.71", reports=30, resolved=30)  # Jakarta Pusat
        + _facts("31.72", reports=20, resolved=5)  # Jakarta Utara: no figure
        + _facts("31.73", reports=21, resolved=20)  # Jakarta Barat: no figure
        + _facts("32.71", reports=5, resolved=5)  # Kota Bogor: too few to rank
    )
    # The rankings read the roll-ups, as the relay leaves them after applying these facts.
    rollup_recompute(cells={(DAY, "31"), (DAY, "32")})
    Population.objects.bulk_create(
        [
            _population("32.73", 2_500_000),
            _population("32.04", 500_000),
            _population("31.71", 1_000_000, year=2024),
            _population("32.71", 1_000_000),
        ]
    )


def _row(
    code: str,
    name: str,
    volume: int,
    resolved_percent: float,
    rank: int | None,
    per_100k: tuple[int, float, float] | None,
) -> dict[str, object]:
    row: dict[str, object] = {
        "code": code,
        "name": name,
        "volume": volume,
        "resolved_percent": resolved_percent,
        "sla_compliance_percent": None,
        "rating_mean": None,
        "normalisation": "per_report" if per_100k is None else "per_100k_inhabitants",
        "population": None,
        "reports_per_100k": None,
        "resolved_per_100k": None,
    }
    if per_100k is not None:
        inhabitants, reports, resolved = per_100k
        year = 2024 if code == "31.71" else 2020
        row |= {
            "population": {"inhabitants": inhabitants, "year": year, "source": SOURCE},
            "reports_per_100k": reports,
            "resolved_per_100k": resolved,
        }
    if rank is not None:
        row["rank"] = rank
    return row


def test_regions_with_a_population_are_ranked_per_100000_inhabitants_the_others_per_report(db: None) -> None:
    _plant()

    rankings = dashboard_rankings(scope=NationalScope(), start=DAY, end=DAY)

    assert rankings == {
        "min_volume": 20,
        "per_inhabitants": 100_000,
        "ranked": [
            # Resolved per 100,000: 30 of 1,000,000 -> 3.0; 10 of 500,000 -> 2.0; 30 of 2,500,000 -> 1.2.
            # Kabupaten Bandung resolves a smaller share (40 %) than Kota Bandung (75 %) but more
            # reports per inhabitant: per inhabitant it ranks higher.
            _row("31.71", "Kota Administrasi Jakarta Pusat", 30, 100.0, 1, (1_000_000, 3.0, 3.0)),
            _row("32.04", "Kabupaten Bandung", 25, 40.0, 2, (500_000, 5.0, 2.0)),
            _row("32.73", "Kota Bandung", 40, 75.0, 3, (2_500_000, 1.6, 1.2)),
            # No figure: ranked apart, by resolved share (20 of 21, then 5 of 20).
            _row("31.73", "Kota Administrasi Jakarta Barat", 21, 95.2, 1, None),
            _row("31.72", "Kota Administrasi Jakarta Utara", 20, 25.0, 2, None),
        ],
        "ranked_counts": {"per_100k_inhabitants": 3, "per_report": 2},
        # Below the minimum volume a region is listed, not ranked, even with a figure.
        "below_min_volume": [_row("32.71", "Kota Bogor", 5, 100.0, None, (1_000_000, 0.5, 0.5))],
    }


def test_a_province_ranks_only_its_own_regions_and_the_minimum_volume_still_applies(db: None) -> None:
    _plant()

    rankings = dashboard_rankings(scope=NationalScope(province_code="32"), start=DAY, end=DAY, min_volume=26)

    assert [(row["code"], row["normalisation"], row.get("rank")) for row in rankings["ranked"]] == [
        ("32.73", "per_100k_inhabitants", 1)
    ]
    assert rankings["ranked_counts"] == {"per_100k_inhabitants": 1, "per_report": 0}
    assert [row["code"] for row in rankings["below_min_volume"]] == ["32.04", "32.71"]


def test_without_any_figure_every_region_is_ranked_per_report_as_before(db: None) -> None:
    _plant()
    Population.objects.all().delete()

    rankings = dashboard_rankings(scope=NationalScope(), start=DAY, end=DAY)

    assert [(row["code"], row["rank"], row["resolved_percent"]) for row in rankings["ranked"]] == [
        ("31.71", 1, 100.0),
        ("31.73", 2, 95.2),
        ("32.73", 3, 75.0),
        ("32.04", 4, 40.0),
        ("31.72", 5, 25.0),
    ]
    assert {row["normalisation"] for row in rankings["ranked"]} == {"per_report"}
    assert rankings["ranked_counts"] == {"per_100k_inhabitants": 0, "per_report": 5}


def test_a_district_figure_ranks_kecamatan_per_inhabitant(db: None) -> None:
    _plant()
    Population.objects.create(
        code="32.73.01", level=PopulationLevel.DISTRICT, population=80_000, year=2020, source=SOURCE
    )

    rankings = dashboard_rankings(scope=NationalScope(province_code="32"), start=DAY, end=DAY, level="district")

    first = rankings["ranked"][0]
    # 30 resolved of 80,000 inhabitants: 37.5 per 100,000; 40 reports: 50.0.
    assert (first["code"], first["name"], first["rank"], first["reports_per_100k"], first["resolved_per_100k"]) == (
        "32.73.01",
        "Sukasari",
        1,
        50.0,
        37.5,
    )
    assert [(row["code"], row["normalisation"], row["rank"]) for row in rankings["ranked"][1:]] == [
        ("32.04.01", "per_report", 1)
    ]


def test_a_drill_down_ranks_only_the_regions_inside_the_region_drilled_into(db: None) -> None:
    _plant()

    # Into Jawa Barat at regency level: Jakarta's kota administrasi are not Jawa Barat's rivals.
    inside_province = dashboard_rankings(scope=NationalScope(), start=DAY, end=DAY, parent_code="32")
    assert [(row["code"], row["rank"]) for row in inside_province["ranked"]] == [("32.04", 1), ("32.73", 2)]
    assert [row["code"] for row in inside_province["below_min_volume"]] == ["32.71"]

    # Into Kota Bandung at kecamatan level: only Kota Bandung's kecamatan, not Jakarta Pusat's.
    inside_city = dashboard_rankings(
        scope=NationalScope(), start=DAY, end=DAY, level="district", parent_code="32.73", min_volume=1
    )
    assert [(row["code"], row["rank"]) for row in inside_city["ranked"]] == [("32.73.01", 1)]
    assert inside_city["below_min_volume"] == []
    assert inside_city["ranked_counts"] == {"per_100k_inhabitants": 0, "per_report": 1}
