"""Reads of the national read model: the dashboard, open data, the export, freshness, surge
flags and stalled relays; and of the national triage desk (its queue, offers).

Every dashboard read takes a `NationalScope`: the whole country for the national government,
one province's code for a province government's oversight (its own kabupaten/kota). The
same functions serve both, so a province can never see more than its prefix. Nothing here
walks a government's schema and no dashboard read touches a fact: counts and rates come from
the roll-ups folded per region and day, median times from the duration histograms folded the
same way (docs/decisions/0042, 0066, 0080).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection, models
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from tenants.models import Government, Level
from warga.national.histograms import histogram_median
from warga.national.models import (
    COUNTRY_CODE,
    COUNTRY_LEVEL,
    DurationMeasure,
    Offer,
    OfferStatus,
    RegionLevel,
    RelayBatch,
    RelaySource,
    ReportFact,
    SurgeFlag,
    TriageHold,
)
from warga.regions.models import District, Province, Regency, Village
from warga.regions.selectors import population_figures
from warga.reports.lifecycle import OPEN_STATUSES, Status
from warga.reports.models import Report, ReportEvent

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
    """Which regions a reader may see: all (province_code None) or one province; and, for a
    drill-down, the one province or kabupaten/kota (`region_code`, inside province_code) the
    KPIs, series and categories are narrowed to. Callers check that region_code lies inside
    the reader's province before building a scope with it."""

    province_code: str | None = None
    region_code: str | None = None

    def where(self, alias: str = "") -> tuple[str, list[Any]]:
        column = f"{alias}province_code"
        if self.province_code is None:
            return "TRUE", []
        return f"{column} = %s", [self.province_code]

    def fact_where(self) -> tuple[str, list[Any]]:
        """`where` plus the drill-down region, over national_report_fact."""
        where, params = self.where()
        if self.region_code:
            column = "province_code" if len(self.region_code) == 2 else "regency_code"
            where, params = f"{where} AND {column} = %s", [*params, self.region_code]
        return where, params

    def rollup_where(self, alias: str = "") -> tuple[str, list[Any]]:
        """`where` plus the roll-up level to read: the province rows, or the regency's own
        rows when drilled into a kabupaten/kota."""
        where, params = self.where(alias)
        if self.region_code and len(self.region_code) > 2:
            return f"{alias}level = 'regency' AND {alias}region_code = %s AND {where}", [self.region_code, *params]
        if self.region_code:
            return f"{alias}level = 'province' AND {alias}region_code = %s AND {where}", [self.region_code, *params]
        return f"{alias}level = 'province' AND {where}", params

    def duration_where(self) -> tuple[str, list[Any]]:
        """The rows of `national_region_duration` of exactly the region looked at: the
        kabupaten/kota or province drilled into, the reader's province, or the country."""
        region = self.region_code or self.province_code
        if region is None:
            return f"level = '{COUNTRY_LEVEL}' AND region_code = '{COUNTRY_CODE}'", []
        level = RegionLevel.REGENCY if len(region) > 2 else RegionLevel.PROVINCE
        return "level = %s AND region_code = %s", [level, region]


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


def _duration_medians(*, scope: NationalScope, start: date, end: date) -> dict[str, float | None]:
    """Median seconds to first response and to resolution of the period's reports, from the
    duration histograms (a few hundred rows whatever the number of reports; within 5 % of the
    exact median, docs/decisions/0042)."""
    where, params = scope.duration_where()
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
        # Codes nest: regencies of 32 are 32.xx, districts of 32.73 are 32.73.xx; the province
        # narrows the rows read to its own (the index on province_code, day).
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


def dashboard_by_category(*, scope: NationalScope, start: date, end: date) -> list[dict[str, Any]]:
    """Counts per category and type, largest first."""
    where, params = scope.rollup_where()
    return _rows(
        f"""
        SELECT category_code, type, sum(reports)::int AS volume
        FROM national_rollup
        WHERE day BETWEEN %s AND %s AND {where}
        GROUP BY category_code, type ORDER BY volume DESC, category_code, type
        """,
        [start, end, *params],
    )


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


class Normalisation(models.TextChoices):
    PER_100K_INHABITANTS = "per_100k_inhabitants", "Per 100.000 penduduk"
    PER_REPORT = "per_report", "Per laporan"


PER_INHABITANTS = 100_000


def _per_100k(count: int, population: int) -> float:
    return round(count * PER_INHABITANTS / population, 2)


def dashboard_rankings(
    *,
    scope: NationalScope,
    start: date,
    end: date,
    level: str = RegionLevel.REGENCY,
    parent_code: str | None = None,
    min_volume: int = RANKING_MIN_VOLUME,
) -> dict[str, Any]:
    """Regions with at least `min_volume` reports in the period, ranked; the others listed
    apart, unranked. With `parent_code` (a drill-down into 32 or 32.73) only the regions
    inside it are ranked: a kecamatan of Kota Bandung competes with its neighbours, not with
    the whole country's.

    A region whose population is loaded (warga.regions, `import_population`) is ranked per
    100,000 inhabitants: resolved reports per 100,000, then SLA compliance. One without is
    ranked per report, as before figures existed: resolved share, then SLA compliance. The
    two measures do not compare, so each is its own ranking (rank 1 in each), listed
    per-inhabitant first; every row names its normalisation and the figure's year and source."""
    where, params = scope.where()
    if parent_code:
        # Codes nest (32 > 32.73 > 32.73.01); the province narrows the rows read to its own.
        where = f"{where} AND region_code LIKE %s AND province_code = %s"
        params = [*params, parent_code + ".%", parent_code[:2]]
    # From the per-region roll-up (docs/decisions/0080): 514 x 30 rows for a month's kab/kota.
    rows = _rows(
        f"""
        SELECT region_code AS code, sum(reports)::int AS volume, sum(resolved)::int AS resolved,
               sum(sla_met)::int AS sla_met, sum(sla_known)::int AS sla_known,
               (sum(rating_sum)::float / nullif(sum(ratings), 0)) AS rating_mean
        FROM national_region_day
        WHERE level = %s AND day BETWEEN %s AND %s AND {where}
        GROUP BY region_code
        """,
        [level, start, end, *params],
    )
    codes = [row["code"] for row in rows]
    names = _names(level, codes)
    figures = population_figures(codes=codes)
    entries = []
    for row in rows:
        figure = figures.get(row["code"])
        entry: dict[str, Any] = {
            "code": row["code"],
            "name": names.get(row["code"], ""),
            "volume": row["volume"],
            "resolved_percent": _rate(row["resolved"], row["volume"]),
            "sla_compliance_percent": _rate(row["sla_met"], row["sla_known"]),
            "rating_mean": None if row["rating_mean"] is None else round(row["rating_mean"], 2),
            "normalisation": Normalisation.PER_REPORT if figure is None else Normalisation.PER_100K_INHABITANTS,
            "population": None,
            "reports_per_100k": None,
            "resolved_per_100k": None,
        }
        if figure is not None:
            entry |= {
                "population": {"inhabitants": figure.population, "year": figure.year, "source": figure.source},
                "reports_per_100k": _per_100k(row["volume"], figure.population),
                "resolved_per_100k": _per_100k(row["resolved"], figure.population),
            }
        entries.append(entry)
    eligible = [entry for entry in entries if entry["volume"] >= min_volume]
    per_inhabitant = sorted(
        (e for e in eligible if e["normalisation"] == Normalisation.PER_100K_INHABITANTS),
        key=lambda e: (-e["resolved_per_100k"], -(e["sla_compliance_percent"] or 0), e["code"]),
    )
    per_report = sorted(
        (e for e in eligible if e["normalisation"] == Normalisation.PER_REPORT),
        key=lambda e: (-(e["resolved_percent"] or 0), -(e["sla_compliance_percent"] or 0), e["code"]),
    )
    for ranking in (per_inhabitant, per_report):
        for position, entry in enumerate(ranking, start=1):
            entry["rank"] = position
    unranked = sorted((e for e in entries if e["volume"] < min_volume), key=lambda e: e["code"])
    return {
        "min_volume": min_volume,
        "per_inhabitants": PER_INHABITANTS,
        "ranked": per_inhabitant + per_report,
        "ranked_counts": {
            Normalisation.PER_100K_INHABITANTS.value: len(per_inhabitant),
            Normalisation.PER_REPORT.value: len(per_report),
        },
        "below_min_volume": unranked,
    }


def rankings_by_sla(*, rankings: dict[str, Any]) -> list[dict[str, Any]]:
    """The regions `dashboard_rankings` ranked (at least its minimum volume), ranked again by
    resolution within SLA: share of SLA steps met, then volume. Regions where no SLA step is
    known yet are left out: no figure is not a bad figure. Each row gets `sla_rank`."""
    known = [entry for entry in rankings["ranked"] if entry["sla_compliance_percent"] is not None]
    ordered = sorted(known, key=lambda e: (-e["sla_compliance_percent"], -e["volume"], e["code"]))
    return [entry | {"sla_rank": position} for position, entry in enumerate(ordered, start=1)]


def region_names(*, level: str, codes: list[str]) -> dict[str, str]:
    """Names of provinces, regencies/cities or districts by code: one query."""
    return _names(level, codes)


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


def relay_freshness(*, window: timedelta = FRESHNESS_WINDOW, province_code: str | None = None) -> dict[str, Any]:
    """Lag between an outbox event's creation and its application, over the relay batches
    of the last `window`: p95 weighted by events (from each batch's own p95) and the maximum;
    and the governments whose relay is stalled on an event (with `province_code`, only that
    province's own: its overseers have no business with other governments' errors)."""
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
        # A relay that keeps failing writes no batches: the lag above cannot show it.
        "stalled": relays_stalled(province_code=province_code),
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


# Above this many failed runs in a row on the same outbox event a government's relay counts
# as stalled: /healthz of the national host fails and the dashboard names it. Beat sends the
# relay every 15 s, so three runs are well under a minute of a relay not moving.
RELAY_STALL_AFTER_FAILURES = 3


def relays_stalled(
    *, after_failures: int = RELAY_STALL_AFTER_FAILURES, province_code: str | None = None
) -> list[dict[str, Any]]:
    """Governments whose relay keeps failing on the same outbox event, longest stuck first;
    with `province_code`, only the province and its kabupaten/kota."""
    stuck = RelaySource.objects.filter(failing_event_id__isnull=False, failures__gte=after_failures)
    if province_code is not None:
        stuck = stuck.filter(Q(source_code=province_code) | Q(source_code__startswith=f"{province_code}."))
    sources = list(stuck.order_by("failing_since", "source_code"))
    if not sources:
        return []
    codes = [source.source_code for source in sources]
    names = dict(Government.objects.filter(code__in=codes).values_list("code", "name"))
    national = Government.objects.filter(level=Level.NATIONAL).values_list("name", flat=True).first()
    return [
        {
            "government_code": source.source_code,
            "government_name": names.get(source.source_code) or (national if source.source_code == "NAS" else "") or "",
            "event_id": source.failing_event_id,
            "error": source.failing_error,
            "failing_since": source.failing_since.isoformat() if source.failing_since else None,
            "failures": source.failures,
            "last_event_id": source.last_event_id,
        }
        for source in sources
    ]


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


# --- The national triage desk -----------------------------------------------------------------

TRIAGE_PAGE_SIZE = 50
TRIAGE_PAGE_SIZE_MAX = 200
_ANNOTATIONS = ("hold_reason", "held_at", "transfer_note")


class HeldView(models.TextChoices):
    EXCLUDE = "exclude", "Tanpa laporan yang ditahan (bawaan)"
    ONLY = "only", "Hanya yang ditahan"
    ALL = "all", "Semua"


class QueueReason(models.TextChoices):
    NOT_ONBOARDED = "not_onboarded", "Wilayahnya belum bergabung dengan Warga"
    DISPUTED = "disputed", "Dialihkan ke meja triase (bukan wewenang)"


@dataclass(frozen=True)
class TriagePage:
    count: int
    page: int
    page_size: int
    results: list[dict[str, Any]]


_DESK_COLUMNS = (
    "tracking_number",
    "type",
    "category_code",
    "privacy",
    "status",
    "province_code",
    "regency_code",
    "district_code",
    "village_code",
    "support_count",
    "created_at",
    "hold_reason",
    "held_at",
    "transfer_note",
)


def _desk_reports(*, held: str = HeldView.ALL) -> QuerySet[Report]:
    """The desk's open reports with their active hold and latest transfer note (subqueries),
    held ones excluded, only, or included."""
    holds = TriageHold.objects.filter(tracking_number=OuterRef("tracking_number"), released_at__isnull=True)
    transfers = ReportEvent.objects.filter(report=OuterRef("pk"), to_status=Status.TRANSFERRED).order_by("-at", "-id")
    reports = Report.objects.filter(status__in=OPEN_STATUSES).annotate(
        hold_reason=Subquery(holds.values("reason")[:1]),
        held_at=Subquery(holds.values("held_at")[:1]),
        transfer_note=Subquery(transfers.values("note")[:1]),
    )
    if held == HeldView.EXCLUDE:
        return reports.filter(hold_reason__isnull=True)
    if held == HeldView.ONLY:
        return reports.filter(hold_reason__isnull=False)
    return reports


def _desk_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with why it is at the desk, its hold, its offers and the ready government
    that owns its village today: three queries for any number of rows."""
    codes = {row["regency_code"] for row in rows} | {row["province_code"] for row in rows}
    ready = {
        government.code: government
        for government in Government.objects.filter(code__in=codes, is_ready=True).only("code", "name")
    }
    regency_names = dict(
        Regency.objects.filter(code__in={row["regency_code"] for row in rows}).values_list("code", "name")
    )
    offers: dict[str, list[dict[str, Any]]] = {}
    for offer in (
        Offer.objects.filter(tracking_number__in=[row["tracking_number"] for row in rows])
        .select_related("government")
        .order_by("offered_at", "id")
    ):
        offers.setdefault(offer.tracking_number, []).append(
            {
                "id": offer.pk,
                "government_code": offer.government.code,
                "government_name": offer.government.name,
                "status": offer.status,
                "offered_at": offer.offered_at,
                "decided_at": offer.decided_at,
                "decline_reason": offer.decline_reason,
            }
        )
    results: list[dict[str, Any]] = []
    for row in rows:
        owner = ready.get(row["regency_code"]) or ready.get(row["province_code"])
        item: dict[str, Any] = {name: value for name, value in row.items() if name not in _ANNOTATIONS}
        hold_reason, transfer_note = row["hold_reason"], row["transfer_note"]
        results.append(
            item
            | {
                "regency_name": regency_names.get(row["regency_code"], ""),
                "reason": QueueReason.DISPUTED if transfer_note is not None else QueueReason.NOT_ONBOARDED,
                "transfer_note": transfer_note or "",
                "hold": None if hold_reason is None else {"reason": hold_reason, "held_at": row["held_at"]},
                "ready_owner": None if owner is None else {"code": owner.code, "name": owner.name},
                "offers": offers.get(row["tracking_number"], []),
            }
        )
    return results


def triage_queue(
    *,
    province_code: str | None = None,
    category_code: str | None = None,
    status: str | None = None,
    held: str = HeldView.EXCLUDE,
    page: int = 1,
    page_size: int = TRIAGE_PAGE_SIZE,
) -> TriagePage:
    """The desk's open reports, oldest first, read in the national government's schema (the
    caller's context). Each says why it is here (region not onboarded, or refused by a
    government: the latest transfer note), its hold, the offers made for it, and which ready
    government would own its village today. Five queries whatever the page size."""
    reports = _desk_reports(held=held)
    if province_code:
        reports = reports.filter(province_code=province_code)
    if category_code:
        reports = reports.filter(category_code=category_code)
    if status:
        reports = reports.filter(status=status)
    count = reports.count()
    start = (page - 1) * page_size
    rows = list(reports.order_by("created_at", "id").values(*_DESK_COLUMNS)[start : start + page_size])
    if not rows:
        return TriagePage(count=count, page=page, page_size=page_size, results=[])
    return TriagePage(count=count, page=page, page_size=page_size, results=_desk_items(rows))


def triage_report(*, tracking_number: str) -> dict[str, Any] | None:
    """One open report at the desk as the queue shows it, with what the desk needs to decide:
    its description, its place by name, the ready governments of its province (where it can
    be assigned) and its trail. None when it is not (or no longer) at the desk. Never the
    reporter: the desk decides where a report belongs, not who sent it."""
    row = _desk_reports().filter(tracking_number=tracking_number).values(*_DESK_COLUMNS, "description", "pk").first()
    if row is None:
        return None
    report_id, description = row.pop("pk"), row.pop("description")
    (item,) = _desk_items([row])
    village = Village.objects.select_related("district").filter(code=row["village_code"]).first()
    province = Province.objects.filter(code=row["province_code"]).values_list("name", flat=True).first()
    candidates = list(
        Government.objects.filter(is_ready=True, code__startswith=row["province_code"])
        .exclude(level=Level.NATIONAL)
        .order_by("code")
        .values("code", "name")
    )
    trail = list(
        ReportEvent.objects.filter(report_id=report_id)
        .order_by("at", "id")
        .values("at", "from_status", "to_status", "note")
    )
    return item | {
        "description": description,
        "village_name": village.name if village else "",
        "district_name": village.district.name if village else "",
        "province_name": province or "",
        "candidates": candidates,
        "trail": trail,
    }


def offers_for(*, government: Government, status: str | None = OfferStatus.PENDING) -> list[Offer]:
    """Offers made to `government` (pending by default), oldest first: one query."""
    offers = Offer.objects.filter(government=government)
    if status:
        offers = offers.filter(status=status)
    return list(offers.order_by("offered_at", "id"))


def offers_with_places(*, government: Government, status: str | None = OfferStatus.PENDING) -> list[dict[str, Any]]:
    """`offers_for` with each offer's kecamatan and village by name, for the offers page:
    three queries however many offers."""
    offers = offers_for(government=government, status=status)
    villages = {
        village.code: village
        for village in Village.objects.select_related("district").filter(
            code__in={offer.village_code for offer in offers}
        )
    }
    return [
        {
            "offer": offer,
            "village_name": villages[offer.village_code].name if offer.village_code in villages else "",
            "district_name": villages[offer.village_code].district.name if offer.village_code in villages else "",
        }
        for offer in offers
    ]


# Schemas probed per statement by `governments_with_pending_relay`: one index probe each.
PENDING_PROBE_CHUNK = 200


def governments_with_pending_relay(governments: Iterable[Government]) -> list[Government]:
    """Those of `governments` whose outbox holds events not yet relayed.

    Public scope. One statement per 200 schemas, each a probe of the outbox's partial index on
    unrelayed rows, so the relay's backstop visits only governments with work instead of
    sending a task into every one (issue #17 item 6, docs/performance.md "Relay sweep").
    """
    candidates = list(governments)
    pending: list[Government] = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(candidates), PENDING_PROBE_CHUNK):
            chunk = candidates[start : start + PENDING_PROBE_CHUNK]
            probes = " UNION ALL ".join(
                f"SELECT {index} WHERE EXISTS "
                f"(SELECT 1 FROM {quote(government.schema_name)}.reports_outbox WHERE relayed_at IS NULL)"
                for index, government in enumerate(chunk)
            )
            cursor.execute(probes)
            pending.extend(chunk[index] for (index,) in cursor.fetchall())
    return pending
