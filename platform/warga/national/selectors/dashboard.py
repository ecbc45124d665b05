"""The dashboard's reads: KPIs, the breakdown by region (also the map's counts), categories
and the daily series, from the roll-ups folded per region and day (and per region and category)
and the duration histograms folded the same way; no fact is read (docs/decisions/0042, 0066,
0080, 0171)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tenants.scope import any_scope
from warga.national.histograms import histogram_median
from warga.national.models import (
    DurationMeasure,
    RegionLevel,
)
from warga.national.selectors.scope import NationalScope, _hours, _names, _rate, _rows
from warga.regions.selectors import region_codes_inside


def _duration_medians(*, scope: NationalScope, start: date, end: date) -> dict[str, float | None]:
    """Median seconds to first response and to resolution of the period's reports, from the
    duration histograms (a few hundred rows whatever the number of reports; within 5 % of the
    exact median, docs/decisions/0042)."""
    where, params = scope.region_fold_where()
    counts: dict[str, list[tuple[int, int]]] = {}
    for row in _rows(
        f"""
        SELECT measure, bucket, sum(reports)::bigint AS reports
        FROM national_region_duration
        WHERE day BETWEEN %s AND %s AND {where}
        GROUP BY measure, bucket HAVING sum(reports) > 0
        """,
        [start, end, *params],
    ):
        counts.setdefault(row["measure"], []).append((row["bucket"], row["reports"]))
    return {measure: histogram_median(pairs) for measure, pairs in counts.items()}


@any_scope
def dashboard_kpis(*, scope: NationalScope, start: date, end: date) -> dict[str, Any]:
    """KPIs of reports created from `start` to `end` (national days, inclusive), from the
    roll-ups' per-region sums alone (docs/decisions/0066, 0080): no fact is read."""
    where, params = scope.rollup_where()
    (row,) = _rows(
        f"""
        SELECT coalesce(sum(reports), 0)::int AS volume,
               coalesce(sum(open), 0)::int AS open,
               coalesce(sum(resolved), 0)::int AS resolved,
               coalesce(sum(sla_met), 0)::int AS sla_met,
               coalesce(sum(sla_known), 0)::int AS sla_known,
               (sum(rating_sum)::float / nullif(sum(ratings), 0)) AS rating_mean,
               coalesce(sum(ratings), 0)::int AS ratings,
               coalesce(sum(disputes), 0)::int AS disputes,
               coalesce(sum(disputed_reports), 0)::int AS disputed_reports
        FROM national_region_day
        WHERE day BETWEEN %s AND %s AND {where}
        """,
        [start, end, *params],
    )
    medians = _duration_medians(scope=scope, start=start, end=end)
    return {
        "volume": row["volume"],
        "open": row["open"],
        "resolved": row["resolved"],
        "resolved_percent": _rate(row["resolved"], row["volume"]),
        "sla_compliance_percent": _rate(row["sla_met"], row["sla_known"]),
        "sla_steps_known": row["sla_known"],
        "median_hours_to_first_response": _hours(medians.get(DurationMeasure.FIRST_RESPONSE)),
        "median_hours_to_resolution": _hours(medians.get(DurationMeasure.RESOLUTION)),
        "rating_mean": None if row["rating_mean"] is None else round(row["rating_mean"], 2),
        "ratings": row["ratings"],
        "disputes": row["disputes"],
        "disputed_reports": row["disputed_reports"],
    }


@any_scope
def dashboard_breakdown(
    *, scope: NationalScope, start: date, end: date, level: str, parent_code: str | None = None
) -> list[dict[str, Any]]:
    """Counts per region at `level` (province, regency or district), optionally inside
    `parent_code` (drill-down): also the map layer's counts. Largest first."""
    where, params = scope.where()
    parent_sql = ""
    parent_params: list[Any] = []
    if parent_code and level == RegionLevel.DISTRICT:
        # The kecamatan of one kabupaten/kota by their codes (the index on level, region_code,
        # day): a few hundred rows, not the ~17,000 of its province's kecamatan.
        parent_sql = "AND region_code = ANY(%s)"
        parent_params = [region_codes_inside(level=level, parent_code=parent_code)]
    elif parent_code and level != RegionLevel.PROVINCE:
        # Codes nest: regencies of 32 are 32.xx; the province narrows the rows read to its own
        # (the index on level, province_code, day).
        parent_sql = "AND region_code LIKE %s AND province_code = %s"
        parent_params = [parent_code + ".%", parent_code[:2]]
    rows = _rows(
        f"""
        SELECT region_code, sum(reports)::int AS volume, sum(resolved)::int AS resolved, sum(open)::int AS open
        FROM national_region_day
        WHERE level = %s AND day BETWEEN %s AND %s AND {where} {parent_sql}
        GROUP BY region_code ORDER BY volume DESC, region_code
        """,
        [level, start, end, *params, *parent_params],
    )
    names = _names(level, [row["region_code"] for row in rows])
    return [
        {
            "code": row["region_code"],
            "name": names.get(row["region_code"], ""),
            "volume": row["volume"],
            "open": row["open"] or 0,
            "resolved": row["resolved"] or 0,
        }
        for row in rows
    ]


@any_scope
def dashboard_by_category(*, scope: NationalScope, start: date, end: date) -> list[dict[str, Any]]:
    """Counts per category and type, largest first, from the rows of the one region looked at
    (the country's are the sum of its provinces')."""
    where, params = scope.region_fold_where()
    return _rows(
        f"""
        SELECT category_code, type, sum(reports)::int AS volume
        FROM national_region_category
        WHERE day BETWEEN %s AND %s AND {where}
        GROUP BY category_code, type HAVING sum(reports) > 0
        ORDER BY volume DESC, category_code, type
        """,
        [start, end, *params],
    )


@any_scope
def dashboard_series(*, scope: NationalScope, start: date, end: date) -> list[dict[str, Any]]:
    """Reports created per national day, every day of the period (zero days included)."""
    where, params = scope.rollup_where("r.")
    return _rows(
        f"""
        SELECT d::date AS day, coalesce(sum(r.reports), 0)::int AS volume
        FROM generate_series(%s::date, %s::date, interval '1 day') AS d
        LEFT JOIN national_region_day AS r ON r.day = d::date AND {where}
        GROUP BY d ORDER BY d
        """,
        [start, end, *params],
    )
