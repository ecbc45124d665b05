"""Medians from the duration histograms, checked against exact medians of the same facts: the
error bound of docs/decisions/0042 holds on generated data of every shape we could think of."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from warga.national.histograms import BUCKET_SQL, BUCKETS, bucket_bounds, bucket_of, histogram_median
from warga.national.models import DurationHistogram, ReportFact
from warga.national.selectors import NationalScope, dashboard_kpis
from warga.national.services import national_day, rollup_recompute

DAY = date(2026, 11, 20)
WIB = ZoneInfo("Asia/Jakarta")
# Each middle duration is estimated inside its own bucket, 5 % wide; bucket 0 (under a minute)
# adds up to 30 s to the mean of the two.
BOUND = 0.05


def test_sql_and_python_put_every_duration_in_the_same_bucket(db: None) -> None:
    seconds = [-5.0, 0.0, 59.9, 60.0, 63.0, 63.1, 3600.0, 86_400.0 * 3.5, 86_400.0 * 399, 86_400.0 * 5000]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            + BUCKET_SQL.format(seconds="s")
            + " FROM unnest(%s::numeric[]) WITH ORDINALITY AS t (s, n) ORDER BY n",
            [seconds],
        )
        in_sql = [bucket for (bucket,) in cursor.fetchall()]
    assert in_sql == [bucket_of(value) for value in seconds]
    assert in_sql[:5] == [0, 0, 0, 1, 2]
    assert in_sql[-1] == BUCKETS - 1
    for value in seconds[3:-1]:
        low, high = bucket_bounds(bucket_of(value))
        assert low <= value < high


def _facts(durations: list[tuple[float, float | None]], *, district: str = "32.73.01") -> list[ReportFact]:
    moment = datetime.combine(DAY, time(8), tzinfo=WIB)
    return [
        ReportFact(
            tracking_number=f"{district}-h-{n:06d}",
            owner_code=district[:5],
            owner_since=moment,
            province_code=district[:2],
            regency_code=district[:5],
            district_code=district,
            village_code=f"{district}.1001",
            category_code="jalan_rusak",
            type="pengaduan",
            privacy="publik",
            status="resolved" if resolution is not None else "verified",
            is_open=resolution is None,
            created_at=moment,
            created_day=national_day(moment),
            first_response_at=moment + timedelta(seconds=first),
            resolved_at=None if resolution is None else moment + timedelta(seconds=resolution),
            last_event_at=moment,
            applied_at=moment,
        )
        for n, (first, resolution) in enumerate(durations)
    ]


def _exact(column: str) -> float | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM {column} - created_at)) "
            "FROM national_report_fact"
        )
        (value,) = cursor.fetchone()  # type: ignore[misc]
    return None if value is None else float(value)


@pytest.mark.parametrize(
    ("count", "seed"),
    [(1, 1), (2, 2), (3, 3), (10, 4), (101, 5), (1000, 6), (2001, 7)],
)
def test_histogram_medians_stay_within_the_bound_of_exact_medians(db: None, count: int, seed: int) -> None:
    generator = random.Random(seed)
    # Log-normal around 3 hours to first response and 2 days to resolution; a fifth unresolved.
    durations = [
        (
            generator.lognormvariate(9.3, 1.5),
            None if generator.random() < 0.2 else generator.lognormvariate(12.0, 1.2),
        )
        for _ in range(count)
    ]
    facts = _facts(durations)
    ReportFact.objects.bulk_create(facts)
    rollup_recompute(cells={(DAY, "32")})

    kpis = dashboard_kpis(scope=NationalScope(), start=DAY, end=DAY)
    for key, column in (
        ("median_hours_to_first_response", "first_response_at"),
        ("median_hours_to_resolution", "resolved_at"),
    ):
        exact = _exact(column)
        estimate = kpis[key]
        if exact is None:
            assert estimate is None
            continue
        assert estimate is not None
        # KPIs are in hours to two decimals: allow that rounding (18 s) on top of the bound.
        assert abs(estimate * 3600 - exact) <= BOUND * exact + 30 + 18, (key, estimate * 3600, exact)
    # The histogram has a row per non-empty bucket and level, and counts every duration.
    province_rows = DurationHistogram.objects.filter(level="province", measure="first_response")
    assert sum(province_rows.values_list("reports", flat=True)) == count


def test_any_count_is_within_five_percent_and_thirty_seconds() -> None:
    generator = random.Random(11)
    for _ in range(500):
        values = sorted(generator.lognormvariate(6.0, 3.0) for _ in range(generator.randrange(1, 120)))
        middle = len(values) // 2
        exact = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
        estimate = histogram_median([(bucket_of(v), 1) for v in values])
        assert estimate is not None
        assert abs(estimate - exact) <= 0.05 * exact + 30, (estimate, exact)
    assert histogram_median([]) is None


def test_drilled_medians_read_the_region_s_own_histogram(db: None) -> None:
    ReportFact.objects.bulk_create(
        _facts([(3600.0, None)] * 3, district="32.73.01") + _facts([(7200.0 * 10, None)] * 3, district="31.71.01")
    )
    rollup_recompute(cells={(DAY, "32"), (DAY, "31")})
    bandung = dashboard_kpis(scope=NationalScope(region_code="32.73"), start=DAY, end=DAY)
    jakarta = dashboard_kpis(scope=NationalScope(province_code="31"), start=DAY, end=DAY)
    assert bandung["median_hours_to_first_response"] == pytest.approx(1.0, rel=0.05)
    assert jakarta["median_hours_to_first_response"] == pytest.approx(20.0, rel=0.05)


def test_the_migration_fills_histograms_with_the_same_buckets_as_the_relay() -> None:
    from pathlib import Path

    import warga.national.migrations as migrations

    text = (Path(migrations.__file__).parent / "0003_duration_histograms.py").read_text()
    written = " ".join(text.split("CASE WHEN", 1)[1].split("END,", 1)[0].split())
    assert "CASE WHEN " + written + " END" == " ".join(BUCKET_SQL.format(seconds="m.seconds").split())
