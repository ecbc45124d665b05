"""Reads of the national read model: the dashboard, open data, the export, freshness.

Every dashboard read takes a `NationalScope`: the whole country for the national government,
one province's code for a province government's oversight (its own kabupaten/kota). The
same functions serve both, so a province can never see more than its prefix. Nothing here
walks a government's schema: counts come from the roll-ups, times and rates from the facts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from tenants.models import Government, Level
from warga.national.models import RegionLevel, RelayBatch, ReportFact
from warga.regions.models import District, Province, Regency

# A region with fewer reports in the period is listed but not ranked: a rate over three
# reports says nothing, and ranking it invites gaming (the Qlue quota lesson).
RANKING_MIN_VOLUME = 20
# Open-data cells below this count are suppressed: small counts can point at a person.
OPEN_DATA_MIN_CELL = 5
FRESHNESS_WINDOW = timedelta(minutes=15)
# Above this p95 lag the national host's /healthz fails its "national" check.
FRESHNESS_LAG_LIMIT_SECONDS = 60.0
RESOLVED_STATUSES = ("resolved", "closed")
EXPORT_COLUMNS = (
    "tracking_number",
    "owner_code",
    "province_code",
    "regency_code",
    "district_code",
    "village_code",
    "category_code",
    "type",
    "privacy",
    "status",
    "created_at",
    "first_response_at",
    "verified_at",
    "in_progress_at",
    "resolved_at",
    "closed_at",
    "sla_verify_met",
    "sla_follow_up_met",
    "sla_resolve_met",
    "rating",
    "support_count",
    "transfer_count",
)


@dataclass(frozen=True)
class NationalScope:
    """Which regions a reader may see: all (province_code None) or one province."""

    province_code: str | None = None

    def where(self, alias: str = "") -> tuple[str, list[Any]]:
        column = f"{alias}province_code"
        if self.province_code is None:
            return "TRUE", []
        return f"{column} = %s", [self.province_code]


def scope_for(*, government: Government) -> NationalScope | None:
    """The national government sees the country, a province government its own province;
    a kabupaten/kota has its own reports and no oversight view (None)."""
    if government.level == Level.NATIONAL:
        return NationalScope()
    if government.level == Level.PROVINCE and government.code:
        return NationalScope(province_code=government.code)
    return None


def _rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600.0, 2)


def dashboard_kpis(*, scope: NationalScope, start: date, end: date) -> dict[str, Any]:
    """KPIs of reports created from `start` to `end` (national days, inclusive)."""
    where, params = scope.where()
    (row,) = _rows(
        f"""
        SELECT count(*) AS volume,
               count(*) FILTER (WHERE is_open) AS open,
               count(*) FILTER (WHERE status IN ('resolved', 'closed')) AS resolved,
               count(*) FILTER (WHERE sla_verify_met) + count(*) FILTER (WHERE sla_follow_up_met)
                 + count(*) FILTER (WHERE sla_resolve_met) AS sla_met,
               count(sla_verify_met) + count(sla_follow_up_met) + count(sla_resolve_met) AS sla_known,
               percentile_cont(0.5) WITHIN GROUP (
                 ORDER BY extract(epoch FROM first_response_at - created_at)) AS first_response_median,
               percentile_cont(0.5) WITHIN GROUP (
                 ORDER BY extract(epoch FROM resolved_at - created_at)) AS resolution_median,
               avg(rating)::float AS rating_mean,
               count(rating) AS ratings
        FROM national_report_fact
        WHERE created_day BETWEEN %s AND %s AND {where}
        """,
        [start, end, *params],
    )
    return {
        "volume": row["volume"],
        "open": row["open"],
        "resolved": row["resolved"],
        "resolved_percent": _rate(row["resolved"], row["volume"]),
        "sla_compliance_percent": _rate(row["sla_met"], row["sla_known"]),
        "sla_steps_known": row["sla_known"],
        "median_hours_to_first_response": _hours(row["first_response_median"]),
        "median_hours_to_resolution": _hours(row["resolution_median"]),
        "rating_mean": None if row["rating_mean"] is None else round(row["rating_mean"], 2),
        "ratings": row["ratings"],
    }


def _names(level: str, codes: list[str]) -> dict[str, str]:
    model: Any = {RegionLevel.PROVINCE: Province, RegionLevel.REGENCY: Regency, RegionLevel.DISTRICT: District}[
        RegionLevel(level)
    ]
    return dict(model.objects.filter(code__in=codes).values_list("code", "name"))


def dashboard_breakdown(
    *, scope: NationalScope, start: date, end: date, level: str, parent_code: str | None = None
) -> list[dict[str, Any]]:
    """Counts per region at `level` (province, regency or district), optionally inside
    `parent_code` (drill-down): also the map layer's counts. Largest first."""
    where, params = scope.where()
    parent_sql, parent_params = "", []
    if parent_code and level != RegionLevel.PROVINCE:
        # Codes nest: regencies of 32 are 32.xx, districts of 32.73 are 32.73.xx.
        parent_sql, parent_params = "AND region_code LIKE %s", [parent_code + ".%"]
    rows = _rows(
        f"""
        SELECT region_code, sum(reports)::int AS volume,
               (sum(reports) FILTER (WHERE status IN ('resolved', 'closed')))::int AS resolved,
               (sum(reports) FILTER (WHERE status NOT IN ('resolved', 'closed', 'archived', 'withdrawn')))::int AS open
        FROM national_rollup
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


def dashboard_by_category(*, scope: NationalScope, start: date, end: date) -> list[dict[str, Any]]:
    """Counts per category and type, largest first."""
    where, params = scope.where()
    return _rows(
        f"""
        SELECT category_code, type, sum(reports)::int AS volume
        FROM national_rollup
        WHERE level = 'province' AND day BETWEEN %s AND %s AND {where}
        GROUP BY category_code, type ORDER BY volume DESC, category_code, type
        """,
        [start, end, *params],
    )


def dashboard_series(*, scope: NationalScope, start: date, end: date) -> list[dict[str, Any]]:
    """Reports created per national day, every day of the period (zero days included)."""
    where, params = scope.where("r.")
    return _rows(
        f"""
        SELECT d::date AS day, coalesce(sum(r.reports), 0)::int AS volume
        FROM generate_series(%s::date, %s::date, interval '1 day') AS d
        LEFT JOIN national_rollup AS r ON r.day = d::date AND r.level = 'province' AND {where}
        GROUP BY d ORDER BY d
        """,
        [start, end, *params],
    )


def dashboard_rankings(
    *,
    scope: NationalScope,
    start: date,
    end: date,
    level: str = RegionLevel.REGENCY,
    min_volume: int = RANKING_MIN_VOLUME,
) -> dict[str, Any]:
    """Regions ranked by resolved share, then SLA compliance, both normalised per report.

    No population figures are held yet, so rates are per report; regions below `min_volume`
    reports in the period are listed apart, unranked."""
    column = {"province": "province_code", "regency": "regency_code", "district": "district_code"}[level]
    where, params = scope.where()
    rows = _rows(
        f"""
        SELECT {column} AS code, count(*) AS volume,
               count(*) FILTER (WHERE status IN ('resolved', 'closed')) AS resolved,
               count(*) FILTER (WHERE sla_verify_met) + count(*) FILTER (WHERE sla_follow_up_met)
                 + count(*) FILTER (WHERE sla_resolve_met) AS sla_met,
               count(sla_verify_met) + count(sla_follow_up_met) + count(sla_resolve_met) AS sla_known,
               avg(rating)::float AS rating_mean
        FROM national_report_fact
        WHERE created_day BETWEEN %s AND %s AND {where}
        GROUP BY {column}
        """,
        [start, end, *params],
    )
    names = _names(level, [row["code"] for row in rows])
    entries = [
        {
            "code": row["code"],
            "name": names.get(row["code"], ""),
            "volume": row["volume"],
            "resolved_percent": _rate(row["resolved"], row["volume"]),
            "sla_compliance_percent": _rate(row["sla_met"], row["sla_known"]),
            "rating_mean": None if row["rating_mean"] is None else round(row["rating_mean"], 2),
        }
        for row in rows
    ]
    ranked = sorted(
        (entry for entry in entries if entry["volume"] >= min_volume),
        key=lambda e: (-(e["resolved_percent"] or 0), -(e["sla_compliance_percent"] or 0), e["code"]),
    )
    for position, entry in enumerate(ranked, start=1):
        entry["rank"] = position
    unranked = sorted((e for e in entries if e["volume"] < min_volume), key=lambda e: e["code"])
    return {"min_volume": min_volume, "ranked": ranked, "below_min_volume": unranked}


# A surge: at least SURGE_MIN_REPORTS in the recent window and SURGE_FACTOR times what the
# trailing baseline would predict for a window that long (floods triple a day's volume).
SURGE_RECENT_DAYS = 1
SURGE_BASELINE_DAYS = 28
SURGE_FACTOR = 3.0
SURGE_MIN_REPORTS = 10


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


def relay_freshness(*, window: timedelta = FRESHNESS_WINDOW) -> dict[str, Any]:
    """Lag between an outbox event's creation and its application, over the relay batches
    of the last `window`: p95 weighted by events (from each batch's own p95) and the maximum."""
    since = timezone.now() - window
    batches = list(
        RelayBatch.objects.filter(finished_at__gte=since).values_list("events", "lag_p95_seconds", "lag_max_seconds")
    )
    last = RelayBatch.objects.order_by("-finished_at").values_list("finished_at", flat=True).first()
    events = sum(count for count, _, _ in batches)
    p95: float | None = None
    if batches:
        covered = 0
        for count, lag, _ in sorted(batches, key=lambda batch: batch[1]):
            covered += count
            if covered >= 0.95 * events:
                p95 = lag
                break
    return {
        "window_seconds": int(window.total_seconds()),
        "batches": len(batches),
        "events": events,
        "lag_p95_seconds": None if p95 is None else round(p95, 3),
        "lag_max_seconds": round(max(b[2] for b in batches), 3) if batches else None,
        "last_batch_at": last.isoformat() if last else None,
    }


def open_data_cells(*, start: date, end: date) -> list[dict[str, Any]]:
    """Reports per kabupaten/kota x category x month, for everyone. A cell under
    OPEN_DATA_MIN_CELL reports is published as suppressed, without its count."""
    rows = _rows(
        """
        SELECT to_char(date_trunc('month', day), 'YYYY-MM') AS month, region_code, category_code,
               sum(reports)::int AS reports
        FROM national_rollup
        WHERE level = 'regency' AND day BETWEEN %s AND %s
        GROUP BY 1, region_code, category_code ORDER BY 1, region_code, category_code
        """,
        [start, end],
    )
    return [
        {
            "month": row["month"],
            "region_code": row["region_code"],
            "category_code": row["category_code"],
            "reports": row["reports"] if row["reports"] >= OPEN_DATA_MIN_CELL else None,
            "suppressed": row["reports"] < OPEN_DATA_MIN_CELL,
        }
        for row in rows
    ]


def facts_for_export(*, scope: NationalScope, start: date, end: date) -> Iterator[tuple[Any, ...]]:
    """Facts of the period, oldest first, fetched from a server-side cursor in chunks so an
    export of millions of rows holds only one chunk in memory."""
    facts = ReportFact.objects.filter(created_day__range=(start, end)).order_by("created_at", "id")
    if scope.province_code is not None:
        facts = facts.filter(province_code=scope.province_code)
    return facts.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000)
