"""Public map: the bounding-box feed (`GET /api/v1/feed/` on the public host) with many reports
in one government (1 M with --size large), against the same server's `/healthz` requested in
turn. Also the number of queries one page costs, counted in-process.

The feed reads only the public report index (tracking number, owner, type, category, status,
privacy, position, time), so the reports are written there directly with SQL: Kota Bandung's
reports spread over the city, 85 % of them open, 10 % `rahasia` (no position, never on the map).
The map page's own question (`grid=true`: counts per grid cell once the box holds more than a
page, decision 0035) is measured for the city, the neighbourhood and a 2-degree region. The rows
are written with the map cells' trigger disabled, and the cells are then counted in one statement
(`manage.py map_cells_recount`), as a bulk load of the index would do it.

    python bench/feed.py queries    # queries per page, in-process, as JSON
    WARGA_BENCH_EXPLAIN=1 ...       # also EXPLAIN ANALYZE of every statement of the grid answers
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

NAMES = ("map",)
GOVERNMENT = "32.73"
# Kota Bandung, roughly: the whole city, and a neighbourhood of about 1 km a side in it.
CITY = (-6.97, 107.55, -6.84, 107.74)
NEIGHBOURHOOD = (-6.915, 107.600, -6.905, 107.610)
# Nearly the largest box the feed accepts (1.9 of 2 degrees a side), western Java around Bandung.
REGION = (-7.85, 106.65, -5.95, 108.55)
# What the map page asks: reports when the box holds at most a page, else counts per grid cell.
GRID = {"grid": "true", "limit": "100"}
PUBLIC_HOST = "localhost"


def _path(bbox: tuple[float, ...], **extra: str) -> str:
    return "/api/v1/feed/?" + urlencode({"bbox": ",".join(str(v) for v in bbox)} | extra)


def _fill(scratch: Any, *, reports: int) -> None:
    """`reports` index rows owned by Kota Bandung, in one statement (created over the last year),
    then the map cells counted from them in one more."""
    with scratch.connect() as connection, connection.transaction():
        # Per row, the cells' trigger would cost about 1 ms (1,148 s for 1 M rows); in the same
        # transaction as the insert, so nothing else writes the index while it is off.
        connection.execute("ALTER TABLE intake_report_index DISABLE TRIGGER intake_report_index_map_cells")
        government = connection.execute("SELECT id FROM tenants_government WHERE code = %s", [GOVERNMENT]).fetchone()
        reporter = connection.execute("SELECT id FROM accounts_user ORDER BY email LIMIT 1").fetchone()
        if government is None or reporter is None:
            raise RuntimeError("Kota Bandung or a citizen is missing from the scratch database")
        south, west, north, east = CITY
        connection.execute(
            """
            INSERT INTO intake_report_index (tracking_number, government_id, report_id, reporter_id, reporter_digest,
              idempotency_key, request_fingerprint, created_at, type, category_code, privacy, status, latitude,
              longitude)
            SELECT %(code)s || '-2026-' || lpad(n::text, 7, '0'), %(government)s, n,
              -- A rahasia row names no reporter: a keyed hash stands for them (decision 0029).
              CASE WHEN n %% 10 = 0 THEN NULL ELSE %(reporter)s END,
              CASE WHEN n %% 10 = 0 THEN md5('reporter') ELSE '' END,
              'peta-' || n,
              md5(n::text) || md5(n::text), now() - (n * interval '31 seconds'),
              'pengaduan', (ARRAY['sampah','jalan_rusak','lampu_jalan','banjir'])[1 + n %% 4],
              CASE WHEN n %% 10 = 0 THEN 'rahasia' ELSE 'publik' END,
              CASE WHEN n %% 20 < 17 THEN (ARRAY['received','verified','in_progress'])[1 + n %% 3]
                   ELSE (ARRAY['resolved','closed','archived'])[1 + n %% 3] END,
              CASE WHEN n %% 10 = 0 THEN NULL ELSE %(south)s + random() * (%(north)s - %(south)s) END,
              CASE WHEN n %% 10 = 0 THEN NULL ELSE %(west)s + random() * (%(east)s - %(west)s) END
            FROM generate_series(1, %(reports)s) AS n
            """,
            {
                "code": GOVERNMENT,
                "government": government[0],
                "reporter": reporter[0],
                "reports": reports,
                "south": south,
                "north": north,
                "west": west,
                "east": east,
            },
        )
        # The deferred foreign-key checks run now: ALTER TABLE refuses while they are pending.
        connection.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.execute("ALTER TABLE intake_report_index ENABLE TRIGGER intake_report_index_map_cells")
    scratch.manage("map_cells_recount")
    with scratch.connect() as connection:
        # What autovacuum does to a table after a bulk insert (its insert threshold): statistics,
        # and the visibility map that lets a small box be counted from the index alone.
        connection.execute("VACUUM ANALYZE intake_report_index")


def queries() -> dict[str, Any]:
    """Queries and milliseconds of one feed page, in-process: first page of the city, its next
    page (by cursor), first page of a neighbourhood."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    measured: dict[str, Any] = {}
    first = client.get(_path(CITY), HTTP_HOST=PUBLIC_HOST)  # warm-up, and the cursor for page 2
    cursor = first.json()["next_cursor"]
    for name, path in (
        ("city", _path(CITY)),
        ("city page 2", _path(CITY, cursor=cursor)),
        ("neighbourhood", _path(NEIGHBOURHOOD)),
        ("city grid", _path(CITY, **GRID)),
        ("neighbourhood grid", _path(NEIGHBOURHOOD, **GRID)),
        ("region grid", _path(REGION, **GRID)),
    ):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, HTTP_HOST=PUBLIC_HOST)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
        if os.environ.get("WARGA_BENCH_EXPLAIN") and "grid" in name:
            _explain(connection, name, [query["sql"] for query in captured.captured_queries])
        measured[name] = {
            "queries": len(captured.captured_queries),
            "ms": elapsed * 1000,
            "items": len(response.json()["results"]),
            "cells": len(response.json().get("cells", [])),
        }
    with connection.cursor() as cursor_:
        cursor_.execute("SELECT count(*) FROM intake_report_index")
        measured["rows"] = cursor_.fetchone()[0]
    return measured


def _explain(connection: Any, name: str, statements: list[str]) -> None:
    """EXPLAIN ANALYZE of the statements one answer ran, to standard error (stdout is the JSON)."""
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join("    " + row[0] for row in cursor.fetchall())
            print(f"\n  EXPLAIN {name}: {sql[:200]}\n{plan}", file=sys.stderr, flush=True)


def run(ctx: Any) -> None:
    from harness import Result, run_timed, section
    from intake import GOVERNMENT_CODES
    from server import gunicorn, sample

    scratch = ctx.scratch
    reports = 1_000_000 if ctx.large else 200_000
    section(f"map: set-up (Kota Bandung with {reports:,} reports in the public index)")
    started = time.perf_counter()
    # The intake suite's governments (Kota Bandung among them), so its set-up makes the citizen.
    scratch.manage("provision_regions", *GOVERNMENT_CODES)
    run_timed(
        [sys.executable, str(Path(__file__).with_name("intake.py")), "setup", "--citizens", "1"], env=scratch.env()
    )
    filled = time.perf_counter()
    _fill(scratch, reports=reports)
    print(
        f"  set up in {filled - started:.0f} s, {reports:,} index rows and their map cells written in "
        f"{time.perf_counter() - filled:.0f} s"
    )

    counted = run_timed([sys.executable, str(Path(__file__)), "queries"], env=scratch.env())
    pages = json.loads(counted.stdout.splitlines()[-1])
    if os.environ.get("WARGA_BENCH_EXPLAIN"):
        print(counted.stderr, flush=True)
    print(f"  in-process: {pages}", flush=True)

    requests, warmup = (100, 10) if ctx.large else (200, 20)
    section(f"map: feed pages vs /healthz, gunicorn 2 workers, sequential client, {requests} requests each, in turn")
    first_page = json.loads(_first_page_cursor(scratch))
    # One client asks far more often than the API's per-IP limit for anonymous callers allows.
    with gunicorn(scratch, env=scratch.env(WARGA_API_RATE_ANONYMOUS="1000000/minute")) as server:
        targets = [
            (server, PUBLIC_HOST, _path(CITY)),
            (server, PUBLIC_HOST, _path(CITY, cursor=first_page)),
            (server, PUBLIC_HOST, _path(NEIGHBOURHOOD)),
            (server, PUBLIC_HOST, _path(CITY, **GRID)),
            (server, PUBLIC_HOST, _path(NEIGHBOURHOOD, **GRID)),
            (server, PUBLIC_HOST, _path(REGION, **GRID)),
            (server, PUBLIC_HOST, "/healthz"),
        ]
        city, page_two, neighbourhood, city_grid, neighbourhood_grid, region_grid, health = sample(
            targets, requests=requests, warmup=warmup
        )
    measured_pages = (
        ("city", city),
        ("city page 2", page_two),
        ("neighbourhood", neighbourhood),
        ("city grid", city_grid),
        ("neighbourhood grid", neighbourhood_grid),
        ("region grid", region_grid),
    )
    for name, measured in measured_pages:
        print(f"  {name}: {measured.describe()}")
        if set(measured.statuses) != {200}:
            raise RuntimeError(f"the feed ({name}) did not always answer 200: {measured.statuses}")
    print(f"  /healthz: {health.describe()}")
    for name, measured in measured_pages:
        ctx.report.add(
            Result(
                f"map feed p95, {name} ({reports:,} reports, {pages[name]['queries']} SQL statements/page)",
                measured.p95 * 1000,
                "ms",
                health.p95 * 1000,
                "/healthz p95",
            )
        )
    ctx.report.add(Result("map feed p50, city", city.p50 * 1000, "ms", health.p50 * 1000, "/healthz p50"))


def _first_page_cursor(scratch: Any) -> str:
    """The cursor the first city page hands out, found with the feed's own selector."""
    from harness import run_timed

    done = run_timed(
        [
            sys.executable,
            "-c",
            "import os, json, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
            "django.setup(); from warga.intake.selectors import BoundingBox, reports_feed; "
            f"print(json.dumps(reports_feed(bbox=BoundingBox(*{CITY!r})).next_cursor))",
        ],
        env=scratch.env(),
    )
    return done.stdout.splitlines()[-1]


def main() -> None:
    if sys.argv[1:] != ["queries"]:
        raise SystemExit("usage: python bench/feed.py queries")
    print(json.dumps(queries()))


if __name__ == "__main__":
    main()
