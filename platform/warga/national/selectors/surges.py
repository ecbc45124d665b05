"""Surges: kecamatan x category far above their trailing baseline, and the flags recorded
for them (warga.national.services.surges)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tenants.scope import any_scope
from warga.national.models import (
    RegionLevel,
    SurgeFlag,
)
from warga.national.selectors.scope import NationalScope, _names, _rows

# A surge: at least SURGE_MIN_REPORTS in the recent window and SURGE_FACTOR times what the
# trailing baseline would predict for a window that long (floods triple a day's volume).
SURGE_RECENT_DAYS = 1
SURGE_BASELINE_DAYS = 28
SURGE_FACTOR = 3.0
SURGE_MIN_REPORTS = 10


@any_scope
def dashboard_surges(
    *,
    scope: NationalScope,
    end: date,
    recent_days: int = SURGE_RECENT_DAYS,
    baseline_days: int = SURGE_BASELINE_DAYS,
    factor: float = SURGE_FACTOR,
    min_reports: int = SURGE_MIN_REPORTS,
) -> list[dict[str, Any]]:
    """Kecamatan x category whose last `recent_days` (to `end`) far exceed their trailing
    `baseline_days`: a flood in one kecamatan stands out even when the country is calm."""
    where, params = scope.where()
    recent_start = end - timedelta(days=recent_days - 1)
    baseline_start = recent_start - timedelta(days=baseline_days)
    rows = _rows(
        f"""
        SELECT region_code, category_code, recent, baseline
        FROM (
            SELECT region_code, category_code,
                   coalesce(sum(reports) FILTER (WHERE day >= %s), 0)::int AS recent,
                   coalesce(sum(reports) FILTER (WHERE day < %s), 0)::int AS baseline
            FROM national_rollup
            WHERE level = 'district' AND day BETWEEN %s AND %s AND {where}
            GROUP BY region_code, category_code
        ) AS cells
        WHERE recent >= %s AND recent >= %s * greatest(baseline::float * %s / %s, 1)
        ORDER BY recent DESC, region_code, category_code
        """,
        [recent_start, recent_start, baseline_start, end, *params, min_reports, factor, recent_days, baseline_days],
    )
    names = _names(RegionLevel.DISTRICT, [row["region_code"] for row in rows])
    return [
        {
            "district_code": row["region_code"],
            "name": names.get(row["region_code"], ""),
            "category_code": row["category_code"],
            "recent": row["recent"],
            "expected": round(row["baseline"] * recent_days / baseline_days, 2),
        }
        for row in rows
    ]


@any_scope
def surge_flags_history(*, scope: NationalScope, start: date, end: date) -> dict[str, list[dict[str, Any]]]:
    """The surges page: flags still open (newest first) and flags over whose last surging
    day falls in the period (latest first), within `scope`, each with its window and the
    baseline it was compared with. Two queries for the flags, one for the names."""
    flags = SurgeFlag.objects.all()
    if scope.province_code is not None:
        flags = flags.filter(province_code=scope.province_code)
    still = list(flags.filter(resolved_at__isnull=True).order_by("-first_seen", "-id"))
    ended = list(flags.filter(resolved_at__isnull=False, last_day__range=(start, end)).order_by("-last_day", "-id"))
    rows = _flag_rows(still + ended)
    return {"open": rows[: len(still)], "ended": rows[len(still) :]}


def _flag_rows(rows: list[SurgeFlag]) -> list[dict[str, Any]]:
    names = _names(RegionLevel.DISTRICT, [flag.region_code for flag in rows])
    return [
        {
            "id": flag.pk,
            "level": flag.level,
            "region_code": flag.region_code,
            "name": names.get(flag.region_code, ""),
            "category_code": flag.category_code,
            "window_days": flag.window_days,
            "baseline_days": flag.baseline_days,
            "first_day": flag.first_day,
            "last_day": flag.last_day,
            "recent": flag.recent,
            "expected": flag.expected,
            "first_seen": flag.first_seen,
            "resolved_at": flag.resolved_at,
        }
        for flag in rows
    ]


@any_scope
def surge_flags_open(*, scope: NationalScope) -> list[dict[str, Any]]:
    """The surges flagged and not yet over, newest first, within `scope`."""
    flags = SurgeFlag.objects.filter(resolved_at__isnull=True)
    if scope.province_code is not None:
        flags = flags.filter(province_code=scope.province_code)
    rows = list(flags.order_by("-first_seen", "-id"))
    names = _names(RegionLevel.DISTRICT, [flag.region_code for flag in rows])
    return [
        {
            "id": flag.pk,
            "level": flag.level,
            "region_code": flag.region_code,
            "name": names.get(flag.region_code, ""),
            "category_code": flag.category_code,
            "first_day": flag.first_day,
            "last_day": flag.last_day,
            "recent": flag.recent,
            "expected": flag.expected,
            "first_seen": flag.first_seen,
        }
        for flag in rows
    ]
