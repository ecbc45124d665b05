"""The roll-ups of the national read model: rebuilt from the facts for each (day, province) a
relay batch touched, with the duration histograms and the per-region folds the pages read
(docs/decisions/0009, 0042, 0066, 0080); and the national reporting day they are keyed by.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from tenants.scope import any_scope
from warga.national.histograms import BUCKET_SQL
from warga.national.models import (
    COUNTRY_CODE,
    COUNTRY_LEVEL,
)
from warga.reports.lifecycle import OPEN_STATUSES

# The national reporting day: one calendar for the whole country's roll-ups.
NATIONAL_DAY_ZONE = ZoneInfo("Asia/Jakarta")
# Advisory lock classes (first key of the two-key form): one relay per government, one
# writer per fact, one recompute per roll-up cell group, one surge run.
LOCK_RELAY = 0x4E01
LOCK_FACT = 0x4E02
LOCK_ROLLUP = 0x4E03
LOCK_SURGE = 0x4E04


@any_scope
def national_day(moment: datetime) -> date:
    return moment.astimezone(NATIONAL_DAY_ZONE).date()


def _lock(lock_class: int, keys: Iterable[str]) -> None:
    """Transaction-scoped advisory locks on `keys`, always taken in one order (no deadlock)."""
    ordered = sorted(set(keys))
    if not ordered:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, k)) FROM "
            "(SELECT DISTINCT hashtext(key) AS k FROM unnest(%s::text[]) AS key ORDER BY 1) AS keys",
            [lock_class, ordered],
        )


# One roll-up row per day x region (three levels) x category x type x status, with the sums of
# everything the dashboard shows (docs/decisions/0066). The WHERE clause comes between the two.
ROLLUP_INSERT_SQL = """
    INSERT INTO national_rollup
        (day, level, region_code, province_code, category_code, type, status, reports,
         sla_met, sla_known, rating_sum, ratings, disputes, disputed_reports)
    SELECT created_day, level, region_code, province_code, category_code, type, status, count(*),
           count(*) FILTER (WHERE sla_verify_met) + count(*) FILTER (WHERE sla_follow_up_met)
             + count(*) FILTER (WHERE sla_resolve_met),
           count(sla_verify_met) + count(sla_follow_up_met) + count(sla_resolve_met),
           coalesce(sum(rating), 0), count(rating),
           coalesce(sum(dispute_count), 0), count(*) FILTER (WHERE dispute_count > 0)
    FROM national_report_fact AS f
    CROSS JOIN LATERAL (VALUES
        ('province', f.province_code), ('regency', f.regency_code), ('district', f.district_code)
    ) AS r (level, region_code)
"""
ROLLUP_GROUP_SQL = " GROUP BY created_day, level, region_code, province_code, category_code, type, status"
# One histogram row per day x region (three levels) x category x measure x non-empty bucket
# (docs/decisions/0042). More conditions (AND ...) come between the two.
HISTOGRAM_INSERT_SQL = f"""
    INSERT INTO national_duration_histogram
        (day, level, region_code, province_code, category_code, measure, bucket, reports)
    SELECT created_day, r.level, r.region_code, province_code, category_code, m.measure,
           {BUCKET_SQL.format(seconds="m.seconds")}, count(*)
    FROM national_report_fact AS f
    CROSS JOIN LATERAL (VALUES
        ('province', f.province_code), ('regency', f.regency_code), ('district', f.district_code)
    ) AS r (level, region_code)
    CROSS JOIN LATERAL (VALUES
        ('first_response', extract(epoch FROM f.first_response_at - f.created_at)),
        ('resolution', extract(epoch FROM f.resolved_at - f.created_at))
    ) AS m (measure, seconds)
    WHERE m.seconds IS NOT NULL
"""
HISTOGRAM_GROUP_SQL = " GROUP BY 1, 2, 3, 4, 5, 6, 7"
_OPEN_SQL = ", ".join(f"'{status}'" for status in sorted(OPEN_STATUSES))
# The roll-ups folded to one row per day x region (docs/decisions/0080): what the dashboard,
# its map and drill-down and the rankings sum. More conditions (AND ...) between the two.
REGION_DAY_INSERT_SQL = f"""
    INSERT INTO national_region_day
        (day, level, region_code, province_code, reports, open, resolved, sla_met, sla_known,
         rating_sum, ratings, disputes, disputed_reports)
    SELECT day, level, region_code, province_code, sum(reports),
           coalesce(sum(reports) FILTER (WHERE status IN ({_OPEN_SQL})), 0),
           coalesce(sum(reports) FILTER (WHERE status IN ('resolved', 'closed')), 0),
           sum(sla_met), sum(sla_known), sum(rating_sum), sum(ratings), sum(disputes), sum(disputed_reports)
    FROM national_rollup
    WHERE TRUE
"""
REGION_DAY_GROUP_SQL = " GROUP BY day, level, region_code, province_code"
# The histograms with categories summed, for provinces and kabupaten/kota; the country's rows
# are the sum of the province rows (COUNTRY_DURATION_SQL rebuilds them; the relay adds deltas).
REGION_DURATION_INSERT_SQL = """
    INSERT INTO national_region_duration (day, level, region_code, province_code, measure, bucket, reports)
    SELECT day, level, region_code, province_code, measure, bucket, sum(reports)
    FROM national_duration_histogram
    WHERE level IN ('province', 'regency')
"""
REGION_DURATION_GROUP_SQL = " GROUP BY day, level, region_code, province_code, measure, bucket"
COUNTRY_DURATION_SQL = f"""
    INSERT INTO national_region_duration (day, level, region_code, province_code, measure, bucket, reports)
    SELECT day, '{COUNTRY_LEVEL}', '{COUNTRY_CODE}', '', measure, bucket, sum(reports)
    FROM national_region_duration WHERE level = 'province'
    GROUP BY day, measure, bucket
"""
# The roll-ups with statuses summed, for provinces and kabupaten/kota: the categories chart's rows;
# the country's are the sum of the province rows, like the durations'.
REGION_CATEGORY_INSERT_SQL = """
    INSERT INTO national_region_category (day, level, region_code, province_code, category_code, type, reports)
    SELECT day, level, region_code, province_code, category_code, type, sum(reports)
    FROM national_rollup
    WHERE level IN ('province', 'regency')
"""
REGION_CATEGORY_GROUP_SQL = " GROUP BY day, level, region_code, province_code, category_code, type"
COUNTRY_CATEGORY_SQL = f"""
    INSERT INTO national_region_category (day, level, region_code, province_code, category_code, type, reports)
    SELECT day, '{COUNTRY_LEVEL}', '{COUNTRY_CODE}', '', category_code, type, sum(reports)
    FROM national_region_category WHERE level = 'province'
    GROUP BY day, category_code, type
"""


@dataclass(frozen=True)
class _CountryFold:
    """A per-region fold whose country rows are the running sum of its province rows: its
    table, the two columns besides the day that key a row (and their SQL types), and the
    statement that rebuilds its province and kabupaten/kota rows."""

    table: str
    keys: tuple[str, str]
    key_types: tuple[str, str]
    insert_sql: str
    group_sql: str


# In this order in every relay: two relays adding to the same country rows wait for each other
# and never deadlock.
_COUNTRY_FOLDS = (
    _CountryFold(
        "national_region_duration",
        ("measure", "bucket"),
        ("text", "int"),
        REGION_DURATION_INSERT_SQL,
        REGION_DURATION_GROUP_SQL,
    ),
    _CountryFold(
        "national_region_category",
        ("category_code", "type"),
        ("text", "text"),
        REGION_CATEGORY_INSERT_SQL,
        REGION_CATEGORY_GROUP_SQL,
    ),
)


@any_scope
def rollup_recompute(*, cells: Iterable[tuple[date, str]]) -> None:
    """Rebuild the roll-up rows, duration histograms and their per-region folds of each (day,
    province) from the facts, inside the caller's transaction. Under the cell's lock each
    statement sees every committed fact, so two relays touching the same province and day never
    leave a stale count behind. The country's duration and category rows, which every province adds to, move
    by the difference between the province's rows before and after (docs/decisions/0080)."""
    by_province: dict[str, set[date]] = {}
    for day, province in cells:
        by_province.setdefault(province, set()).add(day)
    _lock(LOCK_ROLLUP, [f"{province}:{day.isoformat()}" for province, days in by_province.items() for day in days])
    country: dict[str, dict[tuple[Any, ...], int]] = {}
    with connection.cursor() as cursor:
        for province, days in sorted(by_province.items()):
            day_list = sorted(days)
            where = "province_code = %s AND day = ANY(%s::date[])"
            cursor.execute("DELETE FROM national_rollup WHERE " + where, [province, day_list])
            cursor.execute(
                ROLLUP_INSERT_SQL + "WHERE province_code = %s AND created_day = ANY(%s::date[])" + ROLLUP_GROUP_SQL,
                [province, day_list],
            )
            cursor.execute("DELETE FROM national_duration_histogram WHERE " + where, [province, day_list])
            # Durations per fixed bucket, so that the dashboard's medians never read facts.
            cursor.execute(
                HISTOGRAM_INSERT_SQL + "AND province_code = %s AND created_day = ANY(%s::date[])" + HISTOGRAM_GROUP_SQL,
                [province, day_list],
            )
            cursor.execute("DELETE FROM national_region_day WHERE " + where, [province, day_list])
            cursor.execute(REGION_DAY_INSERT_SQL + "AND " + where + REGION_DAY_GROUP_SQL, [province, day_list])
            for fold in _COUNTRY_FOLDS:
                _province_fold_rebuild(cursor, fold, where, [province, day_list], country.setdefault(fold.table, {}))
        for fold in _COUNTRY_FOLDS:
            _country_rows_add(cursor, fold, country.get(fold.table, {}))


def _province_fold_rebuild(
    cursor: Any, fold: _CountryFold, where: str, params: list[Any], country: dict[tuple[Any, ...], int]
) -> None:
    """Rebuild `fold`'s province and kabupaten/kota rows under `where`, adding to `country` by
    how much each of its country rows moves (the province rows after, less before)."""
    before = f"SELECT day, {', '.join(fold.keys)}, reports FROM {fold.table} WHERE level = 'province' AND {where}"
    cursor.execute(before, params)
    for *key, reports in cursor.fetchall():
        country[tuple(key)] = country.get(tuple(key), 0) - reports
    cursor.execute(f"DELETE FROM {fold.table} WHERE {where}", params)
    cursor.execute(fold.insert_sql + "AND " + where + fold.group_sql, params)
    cursor.execute(before, params)
    for *key, reports in cursor.fetchall():
        country[tuple(key)] = country.get(tuple(key), 0) + reports


def _country_rows_add(cursor: Any, fold: _CountryFold, country: dict[tuple[Any, ...], int]) -> None:
    """Add each change to `fold`'s country row: one statement, rows in a fixed order, so two
    relays adding to the same country rows wait for each other (row locks) and never deadlock."""
    changes = sorted((key, delta) for key, delta in country.items() if delta)
    if not changes:
        return
    first, second = fold.keys
    first_type, second_type = fold.key_types
    cursor.execute(
        f"""
        INSERT INTO {fold.table} (day, level, region_code, province_code, {first}, {second}, reports)
        SELECT d, '{COUNTRY_LEVEL}', '{COUNTRY_CODE}', '', a, b, r
        FROM unnest(%s::date[], %s::{first_type}[], %s::{second_type}[], %s::int[]) WITH ORDINALITY AS u (d, a, b, r, n)
        ORDER BY n
        ON CONFLICT (day, level, region_code, {first}, {second})
        DO UPDATE SET reports = {fold.table}.reports + EXCLUDED.reports
        """,
        [
            [key[0] for key, _ in changes],
            [key[1] for key, _ in changes],
            [key[2] for key, _ in changes],
            [delta for _, delta in changes],
        ],
    )
