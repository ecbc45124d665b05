"""The per-region folds of the read model (docs/decisions/0080): `national_region_day` equals
the facts counted per day and region, the country's duration rows equal the sum of the
province rows however the relays' recomputes were split, and the pages' reads touch neither
facts nor the per-category roll-ups."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.warga.national.test_rollup_kpis import DAYS, _random_facts
from warga.national.histograms import bucket_of
from warga.national.models import RegionLevel, ReportFact
from warga.national.selectors import (
    NationalScope,
    dashboard_breakdown,
    dashboard_by_category,
    dashboard_kpis,
    dashboard_rankings,
    dashboard_series,
)
from warga.national.services import (
    COUNTRY_CATEGORY_SQL,
    COUNTRY_DURATION_SQL,
    REGION_CATEGORY_GROUP_SQL,
    REGION_CATEGORY_INSERT_SQL,
    REGION_DAY_GROUP_SQL,
    REGION_DAY_INSERT_SQL,
    REGION_DURATION_GROUP_SQL,
    REGION_DURATION_INSERT_SQL,
    rollup_recompute,
)

LEVELS = {"province": "province_code", "regency": "regency_code", "district": "district_code"}


def _rows(sql: str) -> set[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return set(cursor.fetchall())


def _with_durations(facts: list[ReportFact], seed: int) -> list[ReportFact]:
    generator = random.Random(seed)
    for fact in facts:
        if generator.random() < 0.7:
            fact.first_response_at = fact.created_at + timedelta(minutes=generator.randrange(0, 6000))
        if fact.status in ("resolved", "closed"):
            fact.resolved_at = fact.created_at + timedelta(hours=generator.randrange(1, 400))
    return facts


def _expected_country() -> set[tuple[object, ...]]:
    counts: dict[tuple[object, ...], int] = {}
    for fact in ReportFact.objects.all():
        for measure, moment in (("first_response", fact.first_response_at), ("resolution", fact.resolved_at)):
            if moment is not None:
                key = (fact.created_day, measure, bucket_of((moment - fact.created_at).total_seconds()))
                counts[key] = counts.get(key, 0) + 1
    return {(*key, count) for key, count in counts.items()}


def test_region_rows_equal_the_facts_and_the_country_the_sum_of_its_provinces(db: None) -> None:
    facts = _with_durations(_random_facts(seed=11, count=300), seed=3)
    ReportFact.objects.bulk_create(facts)
    # Recomputed in pieces, as relays of different governments would: a day, then the rest.
    rollup_recompute(cells={(DAYS[0], "32")})
    rollup_recompute(cells={(DAYS[1], "32"), (DAYS[0], "31")})
    rollup_recompute(cells={(day, province) for day in DAYS for province in ("31", "32")})
    # Then some reports move on (a first response, a resolution) and their cells are recomputed.
    moved = ReportFact.objects.filter(province_code="32").order_by("id")[:40]
    for fact in moved:
        fact.first_response_at = fact.created_at + timedelta(minutes=7)
        fact.resolved_at = fact.created_at + timedelta(days=3)
        fact.status, fact.is_open = "resolved", False
        fact.save()
    rollup_recompute(cells={(fact.created_day, "32") for fact in moved})

    for level, column in LEVELS.items():
        assert _rows(
            f"SELECT day, region_code, reports, open, resolved, ratings, disputes FROM national_region_day "
            f"WHERE level = '{level}'"
        ) == _rows(
            f"SELECT created_day, {column}, count(*), count(*) FILTER (WHERE is_open), "
            "count(*) FILTER (WHERE status IN ('resolved', 'closed')), count(rating), sum(dispute_count) "
            f"FROM national_report_fact GROUP BY created_day, {column}"
        ), level
    country = _rows(
        "SELECT day, measure, bucket, reports FROM national_region_duration WHERE level = 'country' AND reports <> 0"
    )
    assert country == _expected_country()
    assert country == _rows(
        "SELECT day, measure, bucket, sum(reports) FROM national_region_duration WHERE level = 'province' "
        "GROUP BY day, measure, bucket"
    )
    for level, column in (("province", "province_code"), ("regency", "regency_code")):
        assert _rows(
            f"SELECT day, region_code, category_code, type, reports FROM national_region_category WHERE level = '{level}'"
        ) == _rows(
            f"SELECT created_day, {column}, category_code, type, count(*) FROM national_report_fact "
            f"GROUP BY created_day, {column}, category_code, type"
        ), level
    assert _rows(
        "SELECT day, category_code, type, reports FROM national_region_category WHERE level = 'country' AND reports <> 0"
    ) == _rows(
        "SELECT created_day, category_code, type, count(*) FROM national_report_fact GROUP BY created_day, category_code, type"
    )


def test_the_pages_reads_touch_neither_facts_nor_the_category_rollups(db: None) -> None:
    ReportFact.objects.bulk_create(_with_durations(_random_facts(seed=5, count=200), seed=5))
    rollup_recompute(cells={(day, province) for day in DAYS for province in ("31", "32")})
    start, end = DAYS[0], DAYS[-1]
    with CaptureQueriesContext(connection) as queries:
        for scope in (NationalScope(), NationalScope(region_code="32"), NationalScope(region_code="32.73")):
            dashboard_kpis(scope=scope, start=start, end=end)
            dashboard_series(scope=scope, start=start, end=end)
            categories = dashboard_by_category(scope=scope, start=start, end=end)
            assert (
                sum(row["volume"] for row in categories) == dashboard_kpis(scope=scope, start=start, end=end)["volume"]
            )
        dashboard_breakdown(scope=NationalScope(), start=start, end=end, level=RegionLevel.PROVINCE)
        dashboard_breakdown(scope=NationalScope(), start=start, end=end, level=RegionLevel.REGENCY, parent_code="32")
        rankings = dashboard_rankings(scope=NationalScope(), start=start, end=end, min_volume=1)
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "national_report_fact" not in read
    assert "national_rollup" not in read
    assert "national_duration_histogram" not in read
    # The rankings' figures are the facts' own.
    by_code = {row["code"]: row for row in rankings["ranked"]}
    expected = _rows(
        "SELECT regency_code, count(*), round(avg(rating)::numeric, 2)::float FROM national_report_fact "
        "GROUP BY regency_code"
    )
    assert {(code, row["volume"], row["rating_mean"]) for code, row in by_code.items()} == expected


def test_the_migration_fills_the_folds_with_the_relays_statements() -> None:
    migration = (
        Path(__file__).resolve().parents[3]
        / "platform/warga/national/migrations/0005_region_day_and_region_duration.py"
    ).read_text()
    written = " ".join(migration.split())
    for statement in (
        REGION_DAY_INSERT_SQL + REGION_DAY_GROUP_SQL,
        REGION_DURATION_INSERT_SQL + REGION_DURATION_GROUP_SQL,
        COUNTRY_DURATION_SQL,
    ):
        assert " ".join(statement.split()) in written


def test_the_category_migration_fills_the_fold_with_the_relays_statements() -> None:
    migration = (
        Path(__file__).resolve().parents[3] / "platform/warga/national/migrations/0009_region_category.py"
    ).read_text()
    written = " ".join(migration.split())
    for statement in (REGION_CATEGORY_INSERT_SQL + REGION_CATEGORY_GROUP_SQL, COUNTRY_CATEGORY_SQL):
        assert " ".join(statement.split()) in written
