"""Surge detection on generated facts: a planted flood in one kecamatan is flagged, steady
volume elsewhere is not."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from warga.national.models import ReportFact
from warga.national.selectors import NationalScope, dashboard_surges
from warga.national.services import national_day, rollup_recompute

TODAY = date(2026, 11, 20)
WIB = ZoneInfo("Asia/Jakarta")


def _facts(district: str, category: str, day: date, count: int, start: int) -> list[ReportFact]:
    moment = datetime.combine(day, time(10), tzinfo=WIB)
    return [
        ReportFact(
            tracking_number=f"{district[:5]}-2026-{start + n:06d}",
            owner_code=district[:5],
            owner_since=moment,
            province_code=district[:2],
            regency_code=district[:5],
            district_code=district,
            village_code=f"{district}.1001",
            category_code=category,
            type="pengaduan",
            privacy="publik",
            status="received",
            is_open=True,
            created_at=moment,
            created_day=national_day(moment),
            last_event_at=moment,
            applied_at=moment,
        )
        for n in range(count)
    ]


def test_a_planted_flood_in_one_kecamatan_is_flagged(db: None) -> None:
    facts: list[ReportFact] = []
    serial = 0
    # Four weeks of steady volume: 2 banjir a day in Sukasari (Bandung), 3 sampah a day in Gambir (Jakarta).
    for back in range(1, 29):
        day = TODAY - timedelta(days=back)
        facts += _facts("32.73.01", "banjir", day, 2, serial)
        serial += 2
        facts += _facts("31.71.01", "sampah", day, 3, serial)
        serial += 3
    # Today: the flood (24 banjir in Sukasari), Gambir as usual, and a quiet kecamatan with 4.
    facts += _facts("32.73.01", "banjir", TODAY, 24, serial)
    facts += _facts("31.71.01", "sampah", TODAY, 3, serial + 24)
    facts += _facts("32.73.02", "jalan_rusak", TODAY, 4, serial + 27)
    ReportFact.objects.bulk_create(facts)
    rollup_recompute(cells={(fact.created_day, fact.province_code) for fact in facts})

    assert dashboard_surges(scope=NationalScope(), end=TODAY) == [
        {"district_code": "32.73.01", "name": "Sukasari", "category_code": "banjir", "recent": 24, "expected": 2.0}
    ]
    # Jakarta's overseers see their own province only, where nothing surged.
    assert dashboard_surges(scope=NationalScope(province_code="31"), end=TODAY) == []
    # The day before, nothing stood out.
    assert dashboard_surges(scope=NationalScope(), end=TODAY - timedelta(days=1)) == []
