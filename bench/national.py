"""The national read model: relay throughput, and the dashboard's queries against the naive way.

Governments are provisioned in the scratch database (small: 60, large: every government) and
given generated reports straight into their schemas (small: 100,000, large: 1,000,000), created in
id order over the last 90 days as intake writes them, each with the outbox events intake would have
written (a submission, and a status change for reports that moved on). Then:

- `national-relay`: every government's outbox is drained by `relay_drain`, as the beat task does,
  one government after another; figure: events applied per second.
- `national-sweep`: the relay's backstop with every outbox drained and events waiting in 5
  governments: the probe that finds them (`governments_with_pending_relay`), p50 over 10 runs,
  against what the backstop cost before, one empty `relay_drain` in every ready government; and
  the probe of each of beat's other fan-out jobs (settings.WARGA_FAN_OUT_PROBES) over every
  government, with work waiting in 5 of them (a photo waiting for its task).
- `national-dashboard`: the dashboard's reads (KPIs, province breakdown, categories, daily series)
  for the last 30 days over the read model, p50/p95, against the same answers computed the naive
  way, a UNION ALL over every government's `reports_report`, run alternately in the same process.
- `national-freshness`: a steady intake load (`report_submit` called at a fixed rate from a
  producer process, into several governments) while the product's Celery workers (deploy/dev.py
  `run`: a worker per queue class) and celery beat with the product's schedule run the relay; figure: commit-to-relayed lag per report, p50/p95/max, against
  the floor a relay polled every interval cannot beat; relay events/s of the worker's busy time.
- `national-scale` (only when named with --only; in a scratch database of its own when other
  national benchmarks run too): every government, then at 100,000, 1,000,000 and 10,000,000
  reports written with SQL into the schemas (no outbox), the read model rebuilt with SQL (facts,
  then roll-ups and histograms with the relay's own statements), and each page's reads
  (dashboard, province and kab/kota drill-down, rankings) against its UNION ALL.

In-process parts run as subprocesses against the scratch database:

    python bench/national.py generate --reports 100000 [--no-events]
    python bench/national.py relay
    python bench/national.py sweep --busy 5 --repeat 10
    python bench/national.py queries --repeat 15
    python bench/national.py load --rate 5 --seconds 60 --governments 6
    python bench/national.py facts
    python bench/national.py views --repeat 20 --naive-repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

NAMES = ("national-relay", "national-sweep", "national-dashboard", "national-freshness", "national-scale")
SMALL_GOVERNMENTS = 60
CATEGORIES = ("sampah", "jalan_rusak", "lampu_jalan", "banjir", "saluran_tersumbat", "pohon_tumbang")
# Final status of generated reports, and how many of every 10 end there.
STATUS_MIX = ("received",) * 3 + ("verified",) * 2 + ("in_progress",) * 2 + ("resolved",) * 2 + ("closed",)
DAYS = 90
PERIOD_DAYS = 30
# Steady intake for national-freshness: reports per second, seconds, governments receiving them.
FRESHNESS_RATE = 5.0
FRESHNESS_GOVERNMENTS = 6
# What beat adds to the interval: each government's copy is sent with a countdown drawn from
# 0..jitter_seconds (the "national-relay" beat entry in config/settings.py).
RELAY_JITTER_SECONDS = 5


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _territories() -> dict[str, list[str]]:
    """Government code -> the village codes its reports fall in (a province keeps the villages of
    regencies/cities that are not governments of their own here)."""
    from tenants.models import Government
    from warga.regions.models import Village

    codes = set(Government.objects.filter(is_ready=True, code__isnull=False).values_list("code", flat=True))
    territories: dict[str, list[str]] = {code: [] for code in codes}
    for village, regency in Village.objects.values_list("code", "district__regency_id").iterator(chunk_size=20000):
        owner = regency if regency in codes else regency[:2] if regency[:2] in codes else None
        if owner is not None:
            territories[owner].append(village)
    return {code: villages[:: max(1, len(villages) // 200)] for code, villages in territories.items() if villages}


FILLED = {
    "id",
    "tracking_number",
    "type",
    "category_code",
    "description",
    "latitude",
    "longitude",
    "province_code",
    "regency_code",
    "district_code",
    "village_code",
    "privacy",
    "status",
    "reporter_id",
    "support_count",
    "created_at",
    "status_changed_at",
    "updated_at",
}
EMPTY_BY_TYPE = {
    "text": "''",
    "character varying": "''",
    "boolean": "false",
    "integer": "0",
    "smallint": "0",
    "bigint": "0",
    "double precision": "0",
    "jsonb": "'{}'::jsonb",
    "timestamp with time zone": "now()",
}


def _other_required_columns(schema: str) -> tuple[str, str]:
    """Columns of reports_report this generator does not know that still need a value (other
    features add them): their names and an empty value each, so the insert keeps up."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = 'reports_report' AND is_nullable = 'NO' AND column_default IS NULL",
            [schema],
        )
        extra = [(name, kind) for name, kind in cursor.fetchall() if name not in FILLED]
    return "".join(f", {name}" for name, _ in extra), "".join(f", {EMPTY_BY_TYPE[kind]}" for _, kind in extra)


def generate(reports: int, *, events_too: bool = True, series: str = "B") -> dict[str, Any]:
    """Reports and (with `events_too`) their outbox events, written with SQL into each
    government's schema. `series` keeps tracking numbers of repeated calls apart."""
    from django.db import connection, transaction

    from tenants.models import Government

    territories = _territories()
    governments = {g.code: g.schema_name for g in Government.objects.filter(code__in=list(territories))}
    rng = random.Random(553)
    # Big cities get more reports than remote regencies: weights 1..10.
    weights = {code: rng.randint(1, 10) for code in territories}
    total_weight = sum(weights.values())
    started = time.perf_counter()
    written = events = 0
    for code in sorted(territories):
        count = max(1, reports * weights[code] // total_weight)
        schema = governments[code]
        extra_columns, extra_values = _other_required_columns(schema)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO "{schema}".reports_report
                    (tracking_number, type, category_code, description, latitude, longitude, province_code,
                     regency_code, district_code, village_code, privacy, status, reporter_id, support_count,
                     created_at, status_changed_at, updated_at{extra_columns})
                SELECT %s || '-' || %s || '-' || lpad(i::text, 8, '0'),
                       'pengaduan', (%s::text[])[1 + i %% %s],
                       'Laporan bangkitan untuk uji kinerja.', -6.9, 107.6,
                       substr(v, 1, 2), substr(v, 1, 5), substr(v, 1, 8), v, 'publik',
                       (%s::text[])[1 + (i * 7) %% 10], gen_random_uuid(), 0, t, t, t{extra_values}
                FROM generate_series(1, %s) AS i,
                     LATERAL (SELECT (%s::text[])[1 + (i * 31) %% %s] AS v,
                                     now() - ((%s - i)::bigint * %s * 86400 / %s) * interval '1 second' AS t) AS g
                """,
                [
                    code,
                    series,
                    list(CATEGORIES),
                    len(CATEGORIES),
                    list(STATUS_MIX),
                    count,
                    territories[code],
                    len(territories[code]),
                    count,
                    DAYS,
                    count,
                ],
            )
            if not events_too:
                written += count
                continue
            cursor.execute(
                f"""
                INSERT INTO "{schema}".reports_outbox (aggregate_type, aggregate_id, kind, payload, created_at)
                SELECT 'report', id, kind, payload, now() FROM (
                    SELECT id, 1 AS step, 'report.submitted' AS kind, jsonb_build_object(
                        'tracking_number', tracking_number, 'type', type, 'category_code', category_code,
                        'province_code', province_code, 'regency_code', regency_code,
                        'district_code', district_code, 'village_code', village_code, 'privacy', privacy,
                        'status', 'received', 'photos', 0, 'created_at', created_at) AS payload
                    FROM "{schema}".reports_report
                    UNION ALL
                    SELECT id, 2, 'report.status_changed', jsonb_build_object(
                        'tracking_number', tracking_number, 'from_status', 'received', 'to_status', status,
                        'at', created_at + interval '5 hours')
                    FROM "{schema}".reports_report WHERE status <> 'received'
                ) AS e ORDER BY id, step
                """
            )
            events += cursor.rowcount
        written += count
    return {
        "reports": written,
        "events": events,
        "governments": len(territories),
        "seconds": time.perf_counter() - started,
    }


def relay() -> dict[str, Any]:
    from tenants.context import government_context
    from tenants.selectors import governments_ready
    from warga.national.services import relay_drain

    started = time.perf_counter()
    events = batches = 0
    for government in governments_ready():
        with government_context(government):
            result = relay_drain(government=government)
        events += result.events
        batches += result.batches
    return {"events": events, "batches": batches, "seconds": time.perf_counter() - started}


def _naive(start: Any, end: Any, schemas: list[str]) -> dict[str, Any]:
    """The same answers read from every government's schema at query time."""
    from django.db import connection

    union = " UNION ALL ".join(
        f'SELECT province_code, category_code, type, status, created_at FROM "{schema}".reports_report'
        for schema in schemas
    )
    day = "(created_at AT TIME ZONE 'Asia/Jakarta')::date"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH r AS MATERIALIZED (SELECT * FROM ({union}) AS u WHERE {day} BETWEEN %s AND %s)
            SELECT 'kpi', NULL, NULL, count(*), count(*) FILTER (WHERE status IN ('resolved', 'closed')) FROM r
            UNION ALL SELECT 'province', province_code, NULL, count(*), NULL FROM r GROUP BY province_code
            UNION ALL SELECT 'category', category_code, type, count(*), NULL FROM r GROUP BY category_code, type
            UNION ALL SELECT 'day', {day}::text, NULL, count(*), NULL FROM r GROUP BY {day}
            """,
            [start, end],
        )
        rows = cursor.fetchall()
    return {"volume": next(row[3] for row in rows if row[0] == "kpi"), "rows": len(rows)}


def queries(repeat: int) -> dict[str, Any]:
    import datetime

    from django.utils import timezone

    from tenants.selectors import governments_ready
    from warga.national.selectors import (
        NationalScope,
        dashboard_breakdown,
        dashboard_by_category,
        dashboard_kpis,
        dashboard_series,
    )

    end = timezone.localdate()
    start = end - datetime.timedelta(days=PERIOD_DAYS - 1)
    scope = NationalScope()
    schemas = [g.schema_name for g in governments_ready().exclude(code__isnull=True)]
    # Both sides with fresh statistics and no dead rows, as autovacuum keeps them in steady state.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE national_report_fact, national_rollup")
        for schema in schemas:
            cursor.execute(f'VACUUM ANALYZE "{schema}".reports_report')
    read_model: list[float] = []
    naive: list[float] = []
    # Each selector's own time too, to show which one a slow dashboard waits for.
    parts: dict[str, list[float]] = {"kpis": [], "breakdown": [], "by_category": [], "series": []}
    answers: tuple[int, int] = (0, 0)
    for _ in range(repeat):
        began = time.perf_counter()
        kpis = dashboard_kpis(scope=scope, start=start, end=end)
        parts["kpis"].append(time.perf_counter() - began)
        step = time.perf_counter()
        dashboard_breakdown(scope=scope, start=start, end=end, level="province")
        parts["breakdown"].append(time.perf_counter() - step)
        step = time.perf_counter()
        dashboard_by_category(scope=scope, start=start, end=end)
        parts["by_category"].append(time.perf_counter() - step)
        step = time.perf_counter()
        dashboard_series(scope=scope, start=start, end=end)
        parts["series"].append(time.perf_counter() - step)
        read_model.append(time.perf_counter() - began)
        began = time.perf_counter()
        naive_answer = _naive(start, end, schemas)
        naive.append(time.perf_counter() - began)
        answers = (kpis["volume"], naive_answer["volume"])
    if answers[0] != answers[1]:
        raise RuntimeError(f"the read model counts {answers[0]} reports in the period, the schemas {answers[1]}")
    return {"read_model": read_model, "naive": naive, "parts": parts, "volume": answers[0], "schemas": len(schemas)}


# The pages timed by national-scale, each as the set of reads its page makes, and the region
# each one drills into: Jawa Barat (province), Kota Bandung (kabupaten/kota).
SCALE_VIEWS = ("dashboard", "province", "regency", "rankings", "rankings-province")
DRILL_PROVINCE = "32"
DRILL_REGENCY = "32.73"


def _read_model_views(start: Any, end: Any) -> dict[str, Any]:
    """What each page reads from the read model (frontend/national/views.py): the dashboard of
    the country, its drill-down into a province and into a kabupaten/kota (map and table
    included: the breakdown is the map's layer), the kab/kota rankings of the country and those
    inside a province."""
    from warga.national.models import RegionLevel
    from warga.national.selectors import (
        NationalScope,
        dashboard_breakdown,
        dashboard_by_category,
        dashboard_kpis,
        dashboard_rankings,
        dashboard_series,
        rankings_by_sla,
    )

    country = NationalScope()

    def page(region: str | None, level: str) -> Any:
        narrowed = NationalScope(region_code=region)
        return (
            dashboard_kpis(scope=narrowed, start=start, end=end),
            dashboard_breakdown(scope=country, start=start, end=end, level=level, parent_code=region),
            dashboard_by_category(scope=narrowed, start=start, end=end),
            dashboard_series(scope=narrowed, start=start, end=end),
        )

    def ranked(parent: str | None) -> Any:
        rankings = dashboard_rankings(
            scope=country, start=start, end=end, level=RegionLevel.REGENCY, parent_code=parent
        )
        return rankings, rankings_by_sla(rankings=rankings)

    return {
        "dashboard": lambda: page(None, RegionLevel.PROVINCE),
        "province": lambda: page(DRILL_PROVINCE, RegionLevel.REGENCY),
        "regency": lambda: page(DRILL_REGENCY, RegionLevel.DISTRICT),
        "rankings": lambda: ranked(None),
        "rankings-province": lambda: ranked(DRILL_PROVINCE),
    }


def _naive_view(start: Any, end: Any, schemas: list[str], *, where: str, group: str) -> dict[str, Any]:
    """A page's counts read from the governments' schemas at query time: one UNION ALL over
    `schemas`, narrowed by `where`, counted in total, per `group` (the map's regions), per
    category and per day. Counts only: no SLA, ratings or medians (the baseline does less)."""
    from django.db import connection

    union = " UNION ALL ".join(
        f'SELECT province_code, regency_code, district_code, category_code, type, status, created_at FROM "{schema}".reports_report'
        for schema in schemas
    )
    day = "(created_at AT TIME ZONE 'Asia/Jakarta')::date"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH r AS MATERIALIZED (SELECT * FROM ({union}) AS u WHERE {day} BETWEEN %s AND %s AND {where})
            SELECT 'kpi', NULL, NULL, count(*), count(*) FILTER (WHERE status IN ('resolved', 'closed')) FROM r
            UNION ALL SELECT 'region', {group}, NULL, count(*),
                             count(*) FILTER (WHERE status IN ('resolved', 'closed')) FROM r GROUP BY {group}
            UNION ALL SELECT 'category', category_code, type, count(*), NULL FROM r GROUP BY category_code, type
            UNION ALL SELECT 'day', {day}::text, NULL, count(*), NULL FROM r GROUP BY {day}
            """,
            [start, end],
        )
        rows = cursor.fetchall()
    return {"volume": next(row[3] for row in rows if row[0] == "kpi"), "rows": len(rows)}


def _naive_views(start: Any, end: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The UNION ALL equivalent of each page, over the schemas that can hold its reports (a
    province's drill-down reads only the province's and its kabupaten/kota's schemas); and,
    for the three drill-downs, the naive one over every schema with the same filter (the
    issue's baseline: a page that does not know which governments hold a region's reports,
    which a transfer can send to any of them)."""
    from tenants.selectors import governments_ready

    codes = dict(governments_ready().exclude(code__isnull=True).values_list("code", "schema_name"))
    every = sorted(codes.values())
    inside = sorted(schema for code, schema in codes.items() if code.split(".")[0] == DRILL_PROVINCE)
    owners = sorted(codes[code] for code in (DRILL_PROVINCE, DRILL_REGENCY) if code in codes)
    province_where = f"province_code = '{DRILL_PROVINCE}'"
    regency_where = f"regency_code = '{DRILL_REGENCY}'"
    owned = {
        "dashboard": lambda: _naive_view(start, end, every, where="TRUE", group="province_code"),
        "province": lambda: _naive_view(start, end, inside, where=province_where, group="regency_code"),
        "regency": lambda: _naive_view(start, end, owners, where=regency_where, group="district_code"),
        "rankings": lambda: _naive_view(start, end, every, where="TRUE", group="regency_code"),
        "rankings-province": lambda: _naive_view(start, end, inside, where=province_where, group="regency_code"),
    }
    every_schema = {
        "province": lambda: _naive_view(start, end, every, where=province_where, group="regency_code"),
        "regency": lambda: _naive_view(start, end, every, where=regency_where, group="district_code"),
        "rankings-province": lambda: _naive_view(start, end, every, where=province_where, group="regency_code"),
    }
    return owned, every_schema


def views(repeat: int, naive_repeat: int) -> dict[str, Any]:
    """Each page's reads from the read model `repeat` times and its UNION ALL equivalent
    `naive_repeat` times, interleaved; checks both count the same reports per page."""
    import datetime

    from django.db import connection
    from django.utils import timezone

    from tenants.selectors import governments_ready

    end = timezone.localdate()
    start = end - datetime.timedelta(days=PERIOD_DAYS - 1)
    schemas = [g.schema_name for g in governments_ready().exclude(code__isnull=True)]
    with connection.cursor() as cursor:
        # Every table of the read model, its folds included: after the rebuild's TRUNCATE and
        # INSERT the planner would otherwise plan the folds' reads with no statistics, which
        # autovacuum gives them in production.
        cursor.execute(
            "VACUUM ANALYZE national_report_fact, national_rollup, national_duration_histogram, "
            "national_region_day, national_region_duration, national_region_category"
        )
        for schema in schemas:
            cursor.execute(f'VACUUM ANALYZE "{schema}".reports_report')
    model = _read_model_views(start, end)
    naive, naive_every = _naive_views(start, end)
    timings: dict[str, dict[str, list[float]]] = {
        name: {"read_model": [], "naive": [], "naive_every_schema": []} for name in SCALE_VIEWS
    }
    volumes: dict[str, tuple[int, int]] = {}
    for round_number in range(repeat):
        for name in SCALE_VIEWS:
            began = time.perf_counter()
            answer = model[name]()
            timings[name]["read_model"].append(time.perf_counter() - began)
            if round_number < naive_repeat:
                began = time.perf_counter()
                counted = naive[name]()
                timings[name]["naive"].append(time.perf_counter() - began)
                if name in naive_every:
                    began = time.perf_counter()
                    everywhere = naive_every[name]()
                    timings[name]["naive_every_schema"].append(time.perf_counter() - began)
                    if everywhere["volume"] != counted["volume"]:
                        raise RuntimeError(
                            f"{name}: every schema counts {everywhere['volume']}, its own schemas {counted['volume']}"
                        )
                shown = (
                    answer[0]["volume"]
                    if isinstance(answer[0], dict) and "volume" in answer[0]
                    else sum(row["volume"] for row in answer[0]["ranked"] + answer[0]["below_min_volume"])
                )
                volumes[name] = (shown, counted["volume"])
    wrong = {name: pair for name, pair in volumes.items() if pair[0] != pair[1]}
    if wrong:
        raise RuntimeError(f"read model and schemas disagree on the period's reports (read model, schemas): {wrong}")
    return {"timings": timings, "volumes": {name: pair[0] for name, pair in volumes.items()}, "schemas": len(schemas)}


def load(rate: float, seconds: float, governments: int) -> dict[str, Any]:
    """Submit reports with `report_submit` at a fixed rate (open loop: the n-th report is due at
    start + n / rate, whatever the previous one took) into the villages of `governments` ready
    governments; returns each report's tracking number, schema and commit time (epoch seconds,
    taken when report_submit returned, i.e. after its transaction committed)."""
    import uuid

    from tenants.models import Government
    from warga.accounts.models import User
    from warga.intake.services import report_submit

    territories = _territories()
    chosen = sorted(random.Random(553).sample(sorted(territories), governments))
    schemas = dict(Government.objects.filter(code__in=chosen).values_list("code", "schema_name"))
    villages = [(code, village) for code in chosen for village in territories[code][:20]]
    total = int(rate * seconds)
    # The product's rate limit (10 new reports per citizen per hour) stays on: 10 reports each.
    users = []
    for number in range(total // 10 + 1):
        user = User(id=uuid.uuid4(), email=f"warga-national-bench-{number}@example.id")
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=1000)
    submitted: list[dict[str, Any]] = []
    late = 0
    started = time.monotonic()
    for index in range(total):
        due = started + index / rate
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        else:
            late += 1
        code, village = villages[index % len(villages)]
        submission = report_submit(
            acting_user=users[index // 10],
            type="pengaduan",
            category_code=CATEGORIES[index % 5],
            description="Laporan uji kesegaran data nasional.",
            latitude=-6.9,
            longitude=107.6,
            village_code=village,
            privacy="publik",
            idempotency_key=f"national-bench-{index}",
        )
        submitted.append({"number": submission.tracking_number, "schema": schemas[code], "committed": time.time()})
    elapsed = time.monotonic() - started
    return {
        "reports": submitted,
        "seconds": elapsed,
        "late": late,
        "governments": chosen,
    }


def facts_from_schemas() -> dict[str, Any]:
    """The read model rebuilt with SQL from every government's reports, as the relay would leave
    it: facts, then roll-ups, duration histograms and their per-region folds with the relay's
    own statements over every fact at once (the category fold included). Each report moved from 'received' to its final status after a duration drawn
    from its id (10 minutes to ~2.8 days to the first response, 1 hour to ~14 days to
    resolution), so the histograms have realistic spreads; 3 in 4 known SLA steps met; half of
    the resolved reports rated. Anything there before is replaced (TRUNCATE)."""
    from django.db import connection

    from tenants.models import Government
    from warga.national.services import (
        COUNTRY_CATEGORY_SQL,
        COUNTRY_DURATION_SQL,
        HISTOGRAM_GROUP_SQL,
        HISTOGRAM_INSERT_SQL,
        REGION_CATEGORY_GROUP_SQL,
        REGION_CATEGORY_INSERT_SQL,
        REGION_DAY_GROUP_SQL,
        REGION_DAY_INSERT_SQL,
        REGION_DURATION_GROUP_SQL,
        REGION_DURATION_INSERT_SQL,
        ROLLUP_GROUP_SQL,
        ROLLUP_INSERT_SQL,
    )

    open_statuses = "('received', 'verified', 'in_progress', 'deferred', 'transferred', 'reopened')"
    governments = list(Government.objects.filter(is_ready=True, code__isnull=False).values_list("code", "schema_name"))
    began = time.perf_counter()
    facts = 0
    with connection.cursor() as cursor:
        # One-off rebuilds of millions of rows: let the groupings hash in memory instead of
        # sorting on disk (the server's default is 4 MB).
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute(
            "TRUNCATE national_report_fact, national_rollup, national_duration_histogram, national_region_day, "
            "national_region_duration, national_region_category"
        )
        for code, schema in governments:
            cursor.execute(
                f"""
                INSERT INTO national_report_fact
                    (tracking_number, owner_code, owner_since, province_code, regency_code, district_code,
                     village_code, category_code, type, privacy, status, is_open, created_at, created_day,
                     first_response_at, verified_at, in_progress_at, resolved_at, closed_at, sla_verify_met,
                     sla_resolve_met, rating, support_count, transfer_count, source_cursors, last_event_at,
                     applied_at)
                SELECT tracking_number, %s, created_at, province_code, regency_code, district_code,
                       village_code, category_code, type, privacy, status, status IN {open_statuses}, created_at,
                       (created_at AT TIME ZONE 'Asia/Jakarta')::date,
                       CASE WHEN status <> 'received' THEN responded END,
                       CASE WHEN status = 'verified' THEN responded END,
                       CASE WHEN status = 'in_progress' THEN responded END,
                       CASE WHEN status = 'resolved' THEN finished END,
                       CASE WHEN status = 'closed' THEN finished END,
                       CASE WHEN status <> 'received' THEN id %% 4 <> 0 END,
                       CASE WHEN status = 'resolved' THEN id %% 4 <> 1 END,
                       CASE WHEN status = 'resolved' AND id %% 2 = 0 THEN 1 + id %% 5 END,
                       support_count, 0, '{{}}'::jsonb, coalesce(finished, responded), now()
                FROM (SELECT *, created_at + ((id * 7919) %% 4000 + 10) * interval '1 minute' AS responded,
                             created_at + ((id * 104729) %% 20000 + 60) * interval '1 minute' AS finished
                      FROM "{schema}".reports_report) AS r
                """,
                [code],
            )
            facts += cursor.rowcount
        facts_seconds = time.perf_counter() - began
        began = time.perf_counter()
        cursor.execute(ROLLUP_INSERT_SQL + ROLLUP_GROUP_SQL)
        rollups = cursor.rowcount
        rollups_seconds = time.perf_counter() - began
        began = time.perf_counter()
        cursor.execute(HISTOGRAM_INSERT_SQL + HISTOGRAM_GROUP_SQL)
        histograms = cursor.rowcount
        histograms_seconds = time.perf_counter() - began
        # The per-region folds, as migration national.0005 fills them (docs/decisions/0080).
        began = time.perf_counter()
        cursor.execute(REGION_DAY_INSERT_SQL + REGION_DAY_GROUP_SQL)
        region_days = cursor.rowcount
        cursor.execute(REGION_DURATION_INSERT_SQL + REGION_DURATION_GROUP_SQL)
        region_durations = cursor.rowcount
        cursor.execute(COUNTRY_DURATION_SQL)
        region_durations += cursor.rowcount
        cursor.execute(REGION_CATEGORY_INSERT_SQL + REGION_CATEGORY_GROUP_SQL)
        region_categories = cursor.rowcount
        cursor.execute(COUNTRY_CATEGORY_SQL)
        region_categories += cursor.rowcount
    return {
        "facts": facts,
        "facts_seconds": facts_seconds,
        "rollups": rollups,
        "rollups_seconds": rollups_seconds,
        "histograms": histograms,
        "histograms_seconds": histograms_seconds,
        "region_rows": region_days + region_durations + region_categories,
        "region_seconds": time.perf_counter() - began,
    }


def _subprocess(scratch: Any, *args: str) -> dict[str, Any]:
    from harness import run_timed

    done = run_timed([sys.executable, str(Path(__file__)), *args], env=scratch.env())
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def _provision(scratch: Any, *, every: bool) -> None:
    began = time.perf_counter()
    if every:
        scratch.manage("provision_regions", "--all")
    else:
        with scratch.connect() as connection:
            codes = [row[0] for row in connection.execute("SELECT code FROM regions_regency ORDER BY code")]
        random.Random(553).shuffle(codes)
        provinces = sorted({code[:2] for code in codes[: SMALL_GOVERNMENTS // 2]})
        scratch.manage("provision_regions", *(provinces + codes[: SMALL_GOVERNMENTS - len(provinces)]))
    print(f"  governments provisioned in {time.perf_counter() - began:.0f} s", flush=True)


def _dashboard(ctx: Any, scratch: Any, *, facts: int, repeat: int, label: str = "") -> None:
    from harness import Result, percentile

    timed = _subprocess(scratch, "queries", "--repeat", str(repeat))
    for name, fraction in (("p50", 0.5), ("p95", 0.95)):
        ctx.report.add(
            Result(
                f"dashboard {name} ({facts} facts, {timed['schemas']} schemas{label})",
                percentile(timed["read_model"], fraction) * 1000,
                "ms",
                percentile(timed["naive"], fraction) * 1000,
                "UNION ALL over schemas",
            )
        )
    ctx.report.note(f"national: {timed['volume']} reports in the period, the same count both ways")
    ctx.report.note(
        "national: median per selector: "
        + ", ".join(f"{name} {percentile(times, 0.5) * 1000:.1f} ms" for name, times in timed["parts"].items())
    )


def run(ctx: Any) -> None:
    standard = not ctx.only or bool(
        ctx.only & {"national-relay", "national-sweep", "national-dashboard", "national-freshness"}
    )
    if standard:
        _standard(ctx)
    if "national-scale" in ctx.only:
        if standard:
            with ctx.another_scratch("scale") as scratch:
                _scale(ctx, scratch)
        else:
            _scale(ctx, ctx.scratch)


def _standard(ctx: Any) -> None:
    from harness import Result, percentile, section

    scratch = ctx.scratch
    reports = 1_000_000 if ctx.large else 100_000
    if ctx.only and ctx.only <= {"national-sweep", "national-freshness"}:
        reports = 20_000  # the sweep and freshness need governments and outbox rows, not volume
    section(f"national: set-up ({'every government' if ctx.large else f'{SMALL_GOVERNMENTS} governments'})")
    _provision(scratch, every=ctx.large)
    made = _subprocess(scratch, "generate", "--reports", str(reports))
    print(
        f"  {made['reports']} reports and {made['events']} outbox events in {made['governments']} governments "
        f"written in {made['seconds']:.0f} s",
        flush=True,
    )
    with scratch.connect() as connection:
        size = connection.execute("SELECT pg_database_size(current_database())").fetchone()
    print(f"  scratch database: {size[0] / 2**30:.2f} GiB" if size else "", flush=True)

    section("national: relay")
    relayed = _subprocess(scratch, "relay")
    if relayed["events"] != made["events"]:
        raise RuntimeError(f"{made['events']} events written, {relayed['events']} relayed")
    offline = relayed["events"] / relayed["seconds"]
    if ctx.wants("national-relay"):
        ctx.report.add(
            Result(f"relay throughput ({relayed['events']} events, {relayed['batches']} batches)", offline, "events/s")
        )

    if ctx.wants("national-sweep"):
        section("national: the relay's backstop sweep, every outbox drained, events waiting in 5 governments")
        swept = _subprocess(scratch, "sweep", "--busy", "5", "--repeat", "10")
        ctx.report.add(
            Result(
                f"relay sweep probe p50 ({swept['governments']} governments, {swept['busy']} busy)",
                percentile(swept["probe"], 0.5) * 1000,
                "ms",
                swept["baseline_total"] * 1000,
                "an empty relay_drain in every government (the old backstop)",
            )
        )
        ctx.report.note(
            f"sweep: empty relay_drain median {percentile(swept['baseline_each'], 0.5) * 1000:.1f} ms; "
            f"probe p95 {percentile(swept['probe'], 0.95) * 1000:.1f} ms; found {swept['found']} of {swept['busy']}"
        )
        for task_name, probed in swept["fan_outs"].items():
            ctx.report.add(
                Result(
                    f"{task_name} probe p50 ({swept['governments']} governments, found {probed['found']})",
                    percentile(probed["times"], 0.5) * 1000,
                    "ms",
                    swept["baseline_total"] * 1000,
                    "an empty relay_drain in every government (a task into each, as before)",
                )
            )
            ctx.report.note(
                f"sweep: {task_name} probe p95 {percentile(probed['times'], 0.95) * 1000:.1f} ms, "
                f"found {probed['found']} governments"
            )
        ctx.report.note(f"sweep: load average {os.getloadavg()[0]:.2f} after the probes")

    if ctx.wants("national-dashboard"):
        section(f"national: dashboard queries, last {PERIOD_DAYS} days, read model vs UNION ALL")
        _dashboard(ctx, scratch, facts=reports, repeat=7 if ctx.large else 15)

    if ctx.wants("national-freshness"):
        _freshness(ctx, scratch, seconds=180 if ctx.large else 60, offline=offline)


def _interval() -> int:
    """Beat's backstop relay interval as the product runs it (config/settings.py reads the same
    variable with the same default); each commit also nudges its government's relay."""
    return int(os.environ.get("WARGA_NATIONAL_RELAY_SECONDS", "60"))


def poll_floor(interval: float, jitter: float, samples: int = 200_000) -> dict[str, float]:
    """The lag of a relay that starts a drain at every beat tick plus a random countdown in
    0..jitter, applies instantly and never queues: the time from a uniformly random commit to
    its government's next drain (Monte Carlo, fixed seed)."""
    rng = random.Random(15)
    ticks = 4000
    drains = sorted(k * interval + rng.uniform(0, jitter) for k in range(ticks))
    import bisect

    lags = []
    span = (ticks - 2) * interval
    for _ in range(samples):
        moment = interval + rng.uniform(0, span - interval)
        lags.append(drains[bisect.bisect_right(drains, moment)] - moment)
    from harness import percentile

    return {"p50": percentile(lags, 0.5), "p95": percentile(lags, 0.95), "max": max(lags)}


RELAY_DONE = re.compile(r"Task national\.relay_drain\[[^\]]+\] succeeded in ([0-9.]+)s: (\d+)")
DISPATCHED = re.compile(r"relay sweep: (\d+) of \d+ ready governments have events waiting")


@contextmanager
def _celery(scratch: Any, *args: str, log_name: str) -> Iterator[subprocess.Popen[str]]:
    """A celery process (worker or beat) on the scratch database; its INFO log goes to a file
    (the worker's task lines carry each relay's runtime and event count)."""
    from harness import logged_process

    command = [sys.executable, "-m", "celery", "-A", "config", *args, "--loglevel", "INFO"]
    env = scratch.env(WARGA_LOG_LEVEL="INFO")
    with logged_process(command, env=env, log_path=scratch.var_dir / log_name) as process:
        yield process


@contextmanager
def _product_workers(scratch: Any) -> Iterator[dict[str, subprocess.Popen[str]]]:
    """The workers the product runs (deploy/dev.py `run`: a worker per queue class, the relay's
    urgent queue on its own, docs/decisions/0047 and 0126) on the scratch database, each logging
    at INFO to `celery-<name>.log`; node names made unique to this run."""
    from contextlib import ExitStack

    from harness import logged_process
    from intake import _dev

    env = scratch.env(WARGA_LOG_LEVEL="INFO")
    with ExitStack() as stack:
        processes = {}
        for name, command in _dev().worker_commands(env).items():
            node = command.index("-n") + 1
            command = [sys.executable, "-m", "celery", *command[1:]]
            command[node + 2] = command[node + 2].replace("@", f"-{os.getpid()}@")
            processes[name] = stack.enter_context(
                logged_process(command, env=env, log_path=scratch.var_dir / f"celery-{name}.log")
            )
        yield processes


def _relay_tasks(log_path: Path) -> list[tuple[float, int]]:
    return [(float(match[1]), int(match[2])) for match in RELAY_DONE.finditer(log_path.read_text(errors="replace"))]


def _freshness(ctx: Any, scratch: Any, *, seconds: int, offline: float) -> None:
    from harness import Result, percentile, section

    interval = _interval()
    rate, governments = FRESHNESS_RATE, FRESHNESS_GOVERNMENTS
    section(
        f"national: freshness under steady intake ({rate:g} reports/s for {seconds} s into {governments} "
        f"governments, relay nudged by each commit and every {interval} s by beat, the product's workers)"
    )
    # The relay runs on the urgent worker; the other workers' logs count what else ran.
    worker_log = scratch.var_dir / "celery-worker.log"
    with scratch.connect() as connection:
        ready = connection.execute("SELECT count(*) FROM tenants_government WHERE is_ready").fetchone()
    with _product_workers(scratch) as workers, _celery(scratch, "beat", log_name="celery-beat.log") as beat:
        logs = [scratch.var_dir / f"celery-{name}.log" for name in workers]
        # The load starts once the workers take tasks. Not after beat's first tick: that comes
        # one interval after beat starts, and each commit's nudge relays without it.
        deadline = time.monotonic() + 90
        while not all(" ready." in log.read_text(errors="replace") for log in logs):
            if any(worker.poll() is not None for worker in workers.values()) or beat.poll() is not None:
                raise RuntimeError("a Celery worker or beat exited at start-up (see its log)")
            if time.monotonic() > deadline:
                raise RuntimeError("the Celery workers were not ready within 90 s of starting")
            time.sleep(0.5)
        before = _relay_tasks(worker_log)
        load_before = os.getloadavg()
        began = time.time()
        produced = _subprocess(
            scratch, "load", "--rate", str(rate), "--seconds", str(seconds), "--governments", str(governments)
        )
        load_after = os.getloadavg()
        submitted = produced["reports"]
        by_schema: dict[str, list[str]] = {}
        for item in submitted:
            by_schema.setdefault(item["schema"], []).append(item["number"])
        # Everything submitted must reach the read model; a relay that falls behind shows here.
        deadline = time.monotonic() + 4 * interval + 120
        rows: list[tuple[str, Any, Any]] = []
        while True:
            with scratch.connect() as connection:
                rows = [
                    row
                    for schema, numbers in by_schema.items()
                    for row in connection.execute(
                        f"SELECT payload->>'tracking_number', created_at, relayed_at FROM \"{schema}\".reports_outbox "
                        "WHERE kind = 'report.submitted' AND payload->>'tracking_number' = ANY(%s)",
                        [numbers],
                    )
                ]
            waiting = sum(1 for row in rows if row[2] is None) + len(submitted) - len(rows)
            if not waiting:
                break
            if time.monotonic() > deadline:
                break
            time.sleep(1)
        ended = time.time()
        during = _relay_tasks(worker_log)[len(before) :]
        text = "\n".join(log.read_text(errors="replace") for log in logs)
        ticks = [int(match[1]) for match in DISPATCHED.finditer(text)]
    received = Counter(re.findall(r"Task ([\w.]+)\[[^\]]+\] received", text))
    done = Counter(re.findall(r"Task ([\w.]+)\[[^\]]+\] succeeded", text))
    failed = [line for line in text.splitlines() if " ERROR " in line or "raised unexpected" in line]
    print(f"  workers' tasks received {dict(received)}, succeeded {dict(done)}, error lines {len(failed)}", flush=True)
    dispatched = re.findall(r"dispatched ([\w.]+) to (\d+) of (\d+) ready governments", text)
    if dispatched:
        ctx.report.note(
            "freshness: beat's fan-outs sent "
            + ", ".join(
                f"{name} {sum(int(sent) for job, sent, _ in dispatched if job == name)} tasks in "
                f"{sum(1 for job, _, _ in dispatched if job == name)} ticks"
                for name in sorted({job for job, _, _ in dispatched})
            )
            + f" (of {dispatched[0][2]} ready governments per tick)"
        )
    for line in failed[:5]:
        print(f"  worker: {line[:300]}", flush=True)
    if waiting:
        # A relay that falls behind is the finding, not a crash: reported, then the lags of the rest.
        ctx.report.note(
            f"freshness: {waiting} of {len(submitted)} reports NOT relayed {4 * interval + 120} s after the load "
            "ended; the lags below cover only the relayed ones"
        )
    committed = {item["number"]: item["committed"] for item in submitted}
    rows = [row for row in rows if row[2] is not None]
    lags = [row[2].timestamp() - committed[row[0]] for row in rows]
    in_transaction = [row[2].timestamp() - row[1].timestamp() for row in rows]
    if not lags:
        raise RuntimeError(f"none of the {len(submitted)} reports was relayed (worker log summary above)")
    floor = poll_floor(interval, RELAY_JITTER_SECONDS)
    label = f"{len(submitted)} reports at {len(submitted) / produced['seconds']:.2f}/s, {ready[0] if ready else '?'} ready governments"
    for name in ("p50", "p95"):
        fraction = 0.5 if name == "p50" else 0.95
        ctx.report.add(
            Result(
                f"freshness {name}, commit -> relayed ({label})",
                percentile(lags, fraction),
                "s",
                floor[name],
                f"poll floor, {interval} s + 0..{RELAY_JITTER_SECONDS} s jitter",
            )
        )
    ctx.report.add(Result("freshness max, commit -> relayed", max(lags), "s", floor["max"], "poll floor"))
    working = [(runtime, events) for runtime, events in during if events]
    empty = sorted(runtime for runtime, events in during if not events)
    relayed_events = sum(events for _, events in working)
    busy = sum(runtime for runtime, _ in working)
    ctx.report.add(
        Result(
            f"relay throughput under load ({relayed_events} events in {len(working)} non-empty drains)",
            relayed_events / busy if busy else 0.0,
            "events/s",
            offline,
            "offline drain of the generated backlog, same run",
        )
    )
    window = ended - began
    all_busy = sum(runtime for runtime, _ in during)
    ctx.report.note(
        f"freshness: lag p50/p95 from the outbox row's own created_at (inside the transaction) "
        f"{percentile(in_transaction, 0.5):.2f}/{percentile(in_transaction, 0.95):.2f} s; "
        f"{produced['late']} of {len(submitted)} submissions started after their due time (open loop at "
        f"{rate:g}/s: once behind, every later one is late too); the producer's achieved rate is in the label"
    )
    ctx.report.note(
        f"freshness: {len(during)} relay tasks ran in {window:.0f} s ({len(empty)} found nothing; empty drain "
        f"median {percentile(empty, 0.5) * 1000 if empty else 0:.1f} ms), relay tasks busy {all_busy:.1f} s "
        f"({100 * all_busy / window:.1f} % of the window); beat ticks dispatched so far: {len(ticks)}"
    )
    ctx.report.note(f"freshness: load average {load_before[0]:.2f} before, {load_after[0]:.2f} at the end of the load")


SCALE_SIZES = (100_000, 1_000_000, 10_000_000)
SCALE_CHUNK = 1_000_000
SCALE_REPEAT = 20
# The UNION ALL over every schema takes ~12 s at 10 M reports: fewer rounds there.
SCALE_NAIVE_REPEAT = {100_000: 10, 1_000_000: 10, 10_000_000: 5}
SCALE_LABELS = {
    "dashboard": "dashboard, the country",
    "province": f"province drill-down ({DRILL_PROVINCE}): map of its kab/kota",
    "regency": f"kab/kota drill-down ({DRILL_REGENCY}): its kecamatan",
    "rankings": "kab/kota rankings, the country",
    "rankings-province": f"kab/kota rankings inside {DRILL_PROVINCE}",
}


def _scale(ctx: Any, scratch: Any) -> None:
    """national-scale: every government, then the same pages at 100 k, 1 M and 10 M reports in
    the schemas, the read model rebuilt with SQL at each size; per page p50/p95 against its
    UNION ALL, and p95 at 10 M against p95 at 1 M (flat is the target)."""
    from harness import Result, percentile, section

    section("national: the read model at 100 k, 1 M and 10 M facts, every government")
    began = time.perf_counter()
    _provision(scratch, every=True)
    with scratch.connect() as connection:
        directory = connection.execute("SHOW data_directory").fetchone()
    free = _free_bytes(Path(str(directory[0])) if directory else Path.cwd())
    if free < SCALE_DISK_RESERVE_BYTES + 20 * 2**30:
        raise RuntimeError(f"{free / 2**30:.0f} GiB free: 10 M reports need about 20 GiB and a reserve")
    written = chunk_number = 0
    p95: dict[int, dict[str, float]] = {}
    for size in SCALE_SIZES:
        while written < size * 0.995:
            step = time.perf_counter()
            made = _subprocess(
                scratch,
                "generate",
                "--reports",
                str(min(SCALE_CHUNK, size - written)),
                "--no-events",
                "--series",
                f"S{chunk_number}",
            )
            written += made["reports"]
            chunk_number += 1
            print(f"  {written} reports in the schemas (chunk {time.perf_counter() - step:.0f} s)", flush=True)
        built = _subprocess(scratch, "facts")
        print(
            f"  read model rebuilt: {built['facts']} facts in {built['facts_seconds']:.0f} s, {built['rollups']} "
            f"roll-up rows in {built['rollups_seconds']:.0f} s, {built['histograms']} histogram rows in "
            f"{built['histograms_seconds']:.0f} s, {built['region_rows']} per-region rows in "
            f"{built['region_seconds']:.0f} s",
            flush=True,
        )
        load = os.getloadavg()[0]
        timed = _subprocess(
            scratch, "views", "--repeat", str(SCALE_REPEAT), "--naive-repeat", str(SCALE_NAIVE_REPEAT[size])
        )
        p95[size] = {}
        for name in SCALE_VIEWS:
            times = timed["timings"][name]
            p95[size][name] = percentile(times["read_model"], 0.95) * 1000
            for label, fraction in (("p50", 0.5), ("p95", 0.95)):
                ctx.report.add(
                    Result(
                        f"{SCALE_LABELS[name]} {label} ({built['facts']} facts)",
                        percentile(times["read_model"], fraction) * 1000,
                        "ms",
                        percentile(times["naive"], fraction) * 1000,
                        "UNION ALL over the schemas that hold its reports",
                    )
                )
            if times["naive_every_schema"]:
                ctx.report.add(
                    Result(
                        f"{SCALE_LABELS[name]} p95 ({built['facts']} facts)",
                        percentile(times["read_model"], 0.95) * 1000,
                        "ms",
                        percentile(times["naive_every_schema"], 0.95) * 1000,
                        "UNION ALL over every schema, filtered on the region",
                    )
                )
        ctx.report.note(
            f"national-scale at {built['facts']} facts: reports in the period per page "
            + ", ".join(f"{name} {count}" for name, count in timed["volumes"].items())
            + f" (the same both ways); {timed['schemas']} schemas; load average {load:.2f} before the rounds"
        )
    for name in SCALE_VIEWS:
        ctx.report.add(
            Result(
                f"{SCALE_LABELS[name]} p95 at 10 M facts",
                p95[SCALE_SIZES[2]][name],
                "ms",
                p95[SCALE_SIZES[1]][name],
                "p95 at 1 M facts, same run (flat: ratio <= 1.3)",
            )
        )
    with scratch.connect() as connection:
        size_row = connection.execute("SELECT pg_database_size(current_database())").fetchone()
    ctx.report.note(
        f"national-scale: scratch database {size_row[0] / 2**30 if size_row else 0:.2f} GiB, whole benchmark "
        f"{time.perf_counter() - began:.0f} s, load average {os.getloadavg()[0]:.2f} at the end"
    )


SCALE_DISK_RESERVE_BYTES = 20 * 2**30


def _free_bytes(path: Path) -> int:
    """Free space of the file system holding `path` (its nearest readable parent)."""
    for candidate in (path, *path.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    raise RuntimeError(f"cannot read the free space of {path}")


def sweep(busy: int, repeat: int) -> dict[str, Any]:
    """After `relay`: the old backstop's cost (an empty drain in every ready government), then
    `busy` governments given a waiting event again and the new probe timed `repeat` times."""
    from django.db import connection

    from tenants.context import government_context
    from tenants.selectors import governments_ready
    from warga.national.services import relay_drain
    from warga.outbox.selectors import governments_with_pending_relay

    ready = list(governments_ready())
    baseline_each = []
    for government in ready:
        with government_context(government):
            began = time.perf_counter()
            relay_drain(government=government)
            baseline_each.append(time.perf_counter() - began)
    chosen = random.Random(5).sample(ready, busy)
    for government in chosen:
        with government_context(government), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE reports_outbox SET relayed_at = NULL WHERE id = (SELECT max(id) FROM reports_outbox)"
            )
    probe = []
    found: list[Any] = []
    for _ in range(repeat):
        began = time.perf_counter()
        found = governments_with_pending_relay(ready)
        probe.append(time.perf_counter() - began)
    for government in chosen:  # drained again: the events were applied before, so nothing changes
        with government_context(government):
            relay_drain(government=government)
    fan_outs = _fan_out_probes(ready, chosen, repeat)
    return {
        "fan_outs": fan_outs,
        "governments": len(ready),
        "busy": busy,
        "found": len(found),
        "probe": probe,
        "baseline_each": baseline_each,
        "baseline_total": sum(baseline_each),
    }


def _fan_out_probes(ready: list[Any], busy: list[Any], repeat: int) -> dict[str, dict[str, Any]]:
    """Each fan-out job's probe over every ready government (what beat's dispatcher asks before
    sending), timed `repeat` times, with a photo waiting for its task in each of `busy` (the
    photo probe must find exactly those; the others find what the generated data holds)."""
    import datetime

    from django.conf import settings
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from tenants.context import government_context
    from tenants.selectors import governments_holding
    from warga.reports.models import Report, ReportPhoto

    for government in busy:
        with government_context(government):
            ReportPhoto.objects.create(
                report=Report.objects.order_by("-id").first(),
                position=99,
                path=f"bench/{government.schema_name}",
                width=0,
                height=0,
                size_bytes=0,
                original_format="jpeg",
                sha256="",
                perceptual_hash="",
                created_at=timezone.now() - datetime.timedelta(days=1),
            )
    timings: dict[str, dict[str, Any]] = {}
    try:
        for task_name, path in settings.WARGA_FAN_OUT_PROBES.items():
            if not path:
                continue
            probe = import_string(path)
            times, found = [], []
            for _ in range(repeat):
                began = time.perf_counter()
                found = governments_holding(ready, probe())
                times.append(time.perf_counter() - began)
            timings[task_name] = {"times": times, "found": len(found)}
    finally:
        for government in busy:
            with government_context(government):
                ReportPhoto.objects.filter(path__startswith="bench/").delete()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["generate", "relay", "sweep", "queries", "views", "load", "facts"])
    parser.add_argument("--naive-repeat", type=int, default=5)
    parser.add_argument("--busy", type=int, default=5)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--no-events", action="store_true")
    parser.add_argument("--series", default="B")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rate", type=float, default=FRESHNESS_RATE)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--governments", type=int, default=FRESHNESS_GOVERNMENTS)
    arguments = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))
    _django()
    if arguments.command == "generate":
        result = generate(arguments.reports, events_too=not arguments.no_events, series=arguments.series)
    elif arguments.command == "relay":
        result = relay()
    elif arguments.command == "sweep":
        result = sweep(arguments.busy, arguments.repeat)
    elif arguments.command == "load":
        result = load(arguments.rate, arguments.seconds, arguments.governments)
    elif arguments.command == "facts":
        result = facts_from_schemas()
    elif arguments.command == "views":
        result = views(arguments.repeat, arguments.naive_repeat)
    else:
        result = queries(arguments.repeat)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
