"""The national read model: relay throughput, and the dashboard's queries against the naive way.

Governments are provisioned in the scratch database (small: 60, large: every government) and
given generated reports straight into their schemas (small: 100,000, large: 1,000,000), created in
id order over the last 90 days as intake writes them, each with the outbox events intake would have
written (a submission, and a status change for reports that moved on). Then:

- `national-relay`: every government's outbox is drained by `relay_drain`, as the beat task does,
  one government after another; figure: events applied per second.
- `national-dashboard`: the dashboard's reads (KPIs, province breakdown, categories, daily series)
  for the last 30 days over the read model, p50/p95, against the same answers computed the naive
  way, a UNION ALL over every government's `reports_report`, run alternately in the same process.

In-process parts run as subprocesses against the scratch database:

    python bench/national.py generate --reports 100000
    python bench/national.py relay
    python bench/national.py queries --repeat 15
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

NAMES = ("national-relay", "national-dashboard")
SMALL_GOVERNMENTS = 60
CATEGORIES = ("sampah", "jalan_rusak", "lampu_jalan", "banjir", "saluran_tersumbat", "pohon_tumbang")
# Final status of generated reports, and how many of every 10 end there.
STATUS_MIX = ("received",) * 3 + ("verified",) * 2 + ("in_progress",) * 2 + ("resolved",) * 2 + ("closed",)
DAYS = 90
PERIOD_DAYS = 30


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


def generate(reports: int) -> dict[str, Any]:
    """Reports and their outbox events, written with SQL into each government's schema."""
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
                SELECT %s || '-B-' || lpad(i::text, 8, '0'),
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
    answers: tuple[int, int] = (0, 0)
    for _ in range(repeat):
        began = time.perf_counter()
        kpis = dashboard_kpis(scope=scope, start=start, end=end)
        dashboard_breakdown(scope=scope, start=start, end=end, level="province")
        dashboard_by_category(scope=scope, start=start, end=end)
        dashboard_series(scope=scope, start=start, end=end)
        read_model.append(time.perf_counter() - began)
        began = time.perf_counter()
        naive_answer = _naive(start, end, schemas)
        naive.append(time.perf_counter() - began)
        answers = (kpis["volume"], naive_answer["volume"])
    if answers[0] != answers[1]:
        raise RuntimeError(f"the read model counts {answers[0]} reports in the period, the schemas {answers[1]}")
    return {"read_model": read_model, "naive": naive, "volume": answers[0], "schemas": len(schemas)}


def _subprocess(scratch: Any, *args: str) -> dict[str, Any]:
    from harness import run_timed

    done = run_timed([sys.executable, str(Path(__file__)), *args], env=scratch.env())
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def run(ctx: Any) -> None:
    from harness import Result, percentile, section

    scratch = ctx.scratch
    reports = 1_000_000 if ctx.large else 100_000
    section(f"national: set-up ({'every government' if ctx.large else f'{SMALL_GOVERNMENTS} governments'})")
    began = time.perf_counter()
    scratch.manage("migrate_fleet")
    scratch.manage("import_regions")
    if ctx.large:
        scratch.manage("provision_regions", "--all")
    else:
        with scratch.connect() as connection:
            codes = [row[0] for row in connection.execute("SELECT code FROM regions_regency ORDER BY code")]
        random.Random(553).shuffle(codes)
        provinces = sorted({code[:2] for code in codes[: SMALL_GOVERNMENTS // 2]})
        scratch.manage("provision_regions", *(provinces + codes[: SMALL_GOVERNMENTS - len(provinces)]))
    print(f"  migrated, regions imported, governments provisioned in {time.perf_counter() - began:.0f} s", flush=True)
    made = _subprocess(scratch, "generate", "--reports", str(reports))
    print(
        f"  {made['reports']} reports and {made['events']} outbox events in {made['governments']} governments "
        f"written in {made['seconds']:.0f} s",
        flush=True,
    )

    section("national: relay")
    relayed = _subprocess(scratch, "relay")
    if relayed["events"] != made["events"]:
        raise RuntimeError(f"{made['events']} events written, {relayed['events']} relayed")
    if ctx.wants("national-relay"):
        ctx.report.add(
            Result(
                f"relay throughput ({relayed['events']} events, {relayed['batches']} batches)",
                relayed["events"] / relayed["seconds"],
                "events/s",
            )
        )

    if ctx.wants("national-dashboard"):
        section(f"national: dashboard queries, last {PERIOD_DAYS} days, read model vs UNION ALL")
        timed = _subprocess(scratch, "queries", "--repeat", "7" if ctx.large else "15")
        for label, fraction in (("p50", 0.5), ("p95", 0.95)):
            figure = percentile(timed["read_model"], fraction) * 1000
            baseline = percentile(timed["naive"], fraction) * 1000
            ctx.report.add(
                Result(
                    f"dashboard {label} ({reports} facts, {timed['schemas']} schemas)",
                    figure,
                    "ms",
                    baseline,
                    "UNION ALL over schemas",
                )
            )
        ctx.report.note(f"national: {timed['volume']} reports in the period, the same count both ways")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["generate", "relay", "queries"])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    arguments = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))
    _django()
    if arguments.command == "generate":
        result = generate(arguments.reports)
    elif arguments.command == "relay":
        result = relay()
    else:
        result = queries(arguments.repeat)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
