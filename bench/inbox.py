"""The officials' inbox (`GET /api/v1/inbox/` on a government's host) with many reports in one
government: 100,000 (1,000,000 with --size large) in Kota Bandung, against the same pages on a
second database holding 1,000 reports generated the same way, requested in turn. The ratio is
what scale costs.

Reports and their routing rows are written with SQL (one `INSERT ... SELECT` each), spread
the way routing would have spread them: over the city's 151 kelurahan uniformly, over the
categories by a fixed mix (each routed by the government's own active rules, so each has its
rule, handling agency and notified positions), over two years in time order, with statuses
by age (recent reports open, old ones mostly closed) and the escalation step each report's age
or closing reached. The lurah of one kelurahan therefore sees about 1/151 of the reports; the
wali kota, notified of every report an agency handles, sees 97 % of them.

    python bench/inbox.py setup      # the two officials, their seats, TOTP and sessions, as JSON
    python bench/inbox.py queries    # SQL statements and in-process time per page, as JSON
    python bench/inbox.py explain    # EXPLAIN ANALYZE of the selector's queries, per page
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

NAMES = ("inbox",)
GOVERNMENT_CODE = "32.73"
HOST = "kota-bandung.localhost"
LURAH_ID = uuid.UUID("00000000-0000-4000-b000-000000000001")
WALIKOTA_ID = uuid.UUID("00000000-0000-4000-b000-000000000002")
# Share of reports per category, in percent (sums to 100); `lainnya` falls to the catch-all
# rule (the admin koordinator's), every other category to an agency's rule.
CATEGORY_MIX = (
    ("sampah", 25),
    ("jalan_rusak", 18),
    ("saluran_tersumbat", 10),
    ("lampu_jalan", 10),
    ("banjir", 8),
    ("pkl_ketertiban", 5),
    ("parkir_liar", 5),
    ("pohon_tumbang", 4),
    ("kesehatan", 3),
    ("adminduk", 3),
    ("sosial", 2),
    ("pendidikan", 2),
    ("lainnya", 5),
)
# The pages measured, for each official: the default page, open work by deadline, the overdue,
# and the search box: words of a few descriptions (words or their beginnings, any case), a word of every
# description, and part of a tracking number.
PAGES = (
    ("newest", {}),
    ("in progress by due", {"status": "in_progress", "ordering": "due"}),
    ("overdue", {"sla_state": "overdue"}),
    ("search words", {"search": "nomor 777"}),
    ("search common word", {"search": "ditindaklanjuti"}),
    ("search number", {"search": "b0000777"}),
)


def page_path(query: dict[str, str]) -> str:
    return "/api/v1/inbox/" + (f"?{urlencode(query)}" if query else "")


def inbox_read(user_id: uuid.UUID, query: dict[str, str]) -> Any:
    """The selector's answer to one of PAGES' queries, as the API calls it."""
    from warga.routing.selectors import InboxFilters, inbox_for_official

    filters: dict[str, Any] = dict(query)
    ordering = filters.pop("ordering", "newest")
    return inbox_for_official(user_id=user_id, filters=InboxFilters(**filters), ordering=ordering)


# --- In-process parts ---------------------------------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def setup() -> dict[str, Any]:
    """The lurah of the middle kelurahan (by code) and the wali kota, each with a seat since
    yesterday, an active TOTP authenticator (officials must have one) and a signed-in session
    (what `django.contrib.auth.login` stores; no sign-in form: the inbox is measured, not
    sign-in)."""
    _django()
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from tenants.context import government_context
    from tenants.models import Government
    from warga.accounts.models import User
    from warga.organization.models import Membership, Position, PositionKind, UnitKind

    government = Government.objects.get(code=GOVERNMENT_CODE, is_ready=True)
    store = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"]).SessionStore
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    with government_context(government):
        lurahs = list(
            Position.objects.filter(kind=PositionKind.LURAH, unit__kind=UnitKind.KELURAHAN)
            .order_by("unit__region_code")
            .values_list("id", "unit__region_code")
        )
        lurah_position, village = lurahs[len(lurahs) // 2]
        walikota_position = Position.objects.get(kind=PositionKind.WALIKOTA).pk
    sessions: dict[str, str] = {}
    for name, user_id, position in (
        ("lurah", LURAH_ID, lurah_position),
        ("walikota", WALIKOTA_ID, walikota_position),
    ):
        user = User(id=user_id, email=f"{name}@bandung.example.id")
        user.set_unusable_password()
        user.save()
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
        with government_context(government):
            Membership.objects.create(position_id=position, user_id=user_id, starts_on=yesterday)
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            # What allauth records once the TOTP code was typed: officials act only then.
            "account_authentication_methods_user": str(user.pk),
            "account_authentication_methods": [{"method": "mfa", "at": time.time(), "type": "totp"}],
        }
        Session.objects.create(
            session_key=key,
            session_data=store().encode(data),
            expire_date=timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE),
        )
        sessions[name] = key
    return {
        "schema": government.schema_name,
        "village": village,
        "sessions": sessions,
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }


def _client(prepared: dict[str, Any], official: str) -> Any:
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.cookies[prepared["session_cookie"]] = prepared["sessions"][official]
    return client


def queries(prepared: dict[str, Any]) -> dict[str, Any]:
    """Per official and page: SQL statements of the whole request (middleware, session,
    official check, the selector) and of the selector alone, the page's total, and the time of
    one request in-process (after a warm-up)."""
    _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.context import government_context
    from tenants.models import Government

    government = Government.objects.get(code=GOVERNMENT_CODE)
    measured: dict[str, Any] = {}
    for official, user_id in (("lurah", LURAH_ID), ("walikota", WALIKOTA_ID)):
        client = _client(prepared, official)
        for name, query in PAGES:
            client.get(page_path(query))  # warm-up
            with CaptureQueriesContext(connection) as request_queries:
                started = time.perf_counter()
                response = client.get(page_path(query))
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"{official} {name}: answered {response.status_code}: {response.content[:300]!r}")
            with government_context(government), CaptureQueriesContext(connection) as selector_queries:
                inbox_read(user_id, query)
            body = response.json()
            measured[f"{official} {name}"] = {
                "request_queries": len(request_queries.captured_queries),
                "selector_queries": len(selector_queries.captured_queries),
                "total": body["total"],
                "items": len(body["results"]),
                "ms": elapsed * 1000,
            }
    return measured


def explain(prepared: dict[str, Any]) -> dict[str, str]:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement the selector runs, per official and page."""
    _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.context import government_context
    from tenants.models import Government

    government = Government.objects.get(code=GOVERNMENT_CODE)
    plans: dict[str, str] = {}
    with government_context(government):
        for official, user_id in (("lurah", LURAH_ID), ("walikota", WALIKOTA_ID)):
            for name, query in PAGES:
                with CaptureQueriesContext(connection) as captured:
                    inbox_read(user_id, query)
                lines = []
                with connection.cursor() as cursor:
                    for statement in captured.captured_queries[-2:]:  # the count and the page
                        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement['sql']}")
                        lines.append(statement["sql"][:300])
                        lines += [row[0] for row in cursor.fetchall()]
                plans[f"{official} {name}"] = "\n".join(lines)
    return plans


# --- Generated reports ----------------------------------------------------------------------------


_REPORT_COLUMNS = (
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
    "unit_id",
    "merged_into",
    "answers",
)


def fill(scratch: Any, *, schema: str, reports: int) -> None:
    """`reports` reports of Kota Bandung with their routing rows (see the module docstring)."""
    from psycopg import sql

    mix = ", ".join(f"('{code}', {weight})" for code, weight in CATEGORY_MIX)
    if sum(weight for _, weight in CATEGORY_MIX) != 100:
        raise RuntimeError("CATEGORY_MIX must add up to 100")
    statements = [
        "SELECT setseed(0.553)",
        """CREATE TEMP TABLE bench_village AS
           SELECT (row_number() OVER (ORDER BY v.region_code))::int - 1 AS i, v.region_code AS village_code,
                  d.region_code AS district_code, lurah.id AS lurah_id, camat.id AS camat_id
           FROM {s}.organization_unit v
           JOIN {s}.organization_unit d ON d.id = v.parent_id
           JOIN {s}.organization_position lurah ON lurah.unit_id = v.id AND lurah.kind IN ('lurah', 'kepala_desa')
           JOIN {s}.organization_position camat ON camat.unit_id = d.id AND camat.kind = 'camat'
           WHERE v.kind IN ('kelurahan', 'desa')""",
        # One row per percent of the mix: the category, the active rule that takes it (first
        # by order), its handling agency and that agency's head.
        f"""CREATE TEMP TABLE bench_category AS
           SELECT (row_number() OVER (ORDER BY w.code, k))::int - 1 AS i, w.code, rule.id AS rule_id,
                  rule.handling_unit_id AS unit_id, head.id AS head_id
           FROM (VALUES {mix}) AS w(code, weight)
           CROSS JOIN LATERAL generate_series(1, w.weight) AS k
           CROSS JOIN LATERAL (
             SELECT r.id, r.handling_unit_id FROM {{s}}.routing_rule r
             JOIN {{s}}.routing_rule_set rs ON rs.id = r.rule_set_id AND rs.is_active
             WHERE r.category_codes = '{{{{}}}}' OR w.code = ANY(r.category_codes)
             ORDER BY r."order" LIMIT 1) AS rule
           LEFT JOIN {{s}}.organization_position head ON head.unit_id = rule.handling_unit_id
             AND head.kind = 'kepala_dinas'""",
        """CREATE TEMP TABLE bench_head AS SELECT
             (SELECT id FROM {s}.organization_position WHERE kind IN ('walikota', 'bupati', 'gubernur')) AS head_id,
             (SELECT id FROM {s}.organization_position WHERE kind = 'admin_koordinator') AS admin_id""",
        # Two years of reports in time order; the status follows the age; `step` is the
        # escalation step reached (5 working days ~ 7 days, then 2 + 2 working days), at
        # closing for closed reports, now for open ones; 3 means the chain ran out.
        """CREATE TEMP TABLE bench_report AS
           SELECT n, created,
                  floor(a * (SELECT count(*) FROM bench_village))::int AS village_i,
                  floor(b * 100)::int AS category_i,
                  status,
                  CASE WHEN status IN ('received', 'verified', 'in_progress')
                       THEN CASE WHEN age < interval '7 days' THEN 0 WHEN age < interval '9.5 days' THEN 1
                                 WHEN age < interval '12.5 days' THEN 2 ELSE 3 END
                       ELSE CASE WHEN c < 0.8 THEN 0 ELSE 1 END END AS step
           FROM (
             SELECT n, created, now() - created AS age, a, b, c,
                    CASE WHEN now() - created < interval '7 days'
                              THEN CASE WHEN c < 0.35 THEN 'received' WHEN c < 0.55 THEN 'verified' ELSE 'in_progress' END
                         WHEN now() - created < interval '30 days'
                              THEN CASE WHEN c < 0.05 THEN 'received' WHEN c < 0.10 THEN 'verified'
                                        WHEN c < 0.40 THEN 'in_progress' WHEN c < 0.75 THEN 'resolved' ELSE 'closed' END
                         ELSE CASE WHEN c < 0.01 THEN 'received' WHEN c < 0.02 THEN 'verified'
                                   WHEN c < 0.05 THEN 'in_progress' WHEN c < 0.25 THEN 'resolved'
                                   WHEN c < 0.85 THEN 'closed' ELSE 'archived' END
                    END AS status
             FROM (
               SELECT n, now() - ((%(reports)s - n) * interval '730 days' / %(reports)s) AS created,
                      random() AS a, random() AS b, random() AS c
               FROM generate_series(1, %(reports)s) AS n) AS drawn) AS aged""",
        """INSERT INTO {s}.reports_report (tracking_number, type, category_code, description, latitude, longitude,
             province_code, regency_code, district_code, village_code, privacy, status, reporter_id, support_count,
             created_at, status_changed_at, updated_at, unit_id, merged_into, answers)
           SELECT '32.73-' || extract(year FROM r.created)::int || '-b' || lpad(r.n::text, 7, '0'),
                  CASE WHEN r.n %% 50 = 0 THEN 'aspirasi' ELSE 'pengaduan' END, c.code,
                  'Laporan warga nomor ' || r.n || ': mohon segera ditindaklanjuti oleh dinas terkait.',
                  -6.97 + random() * 0.13, 107.55 + random() * 0.19, '32', '32.73', v.district_code, v.village_code,
                  CASE WHEN r.n %% 10 = 0 THEN 'rahasia' ELSE 'publik' END, r.status,
                  md5((r.n %% 20000)::text)::uuid, (r.n %% 7 = 0)::int * (r.n %% 13),
                  r.created, r.created, r.created, c.unit_id, '', '{{}}'::jsonb
           FROM bench_report r
           JOIN bench_village v ON v.i = r.village_i
           JOIN bench_category c ON c.i = r.category_i
           ORDER BY r.n""",
        """INSERT INTO {s}.routing_report_routing (report_id, rule_set_version, rule_id, reason, handling_unit_id,
             notified_position_ids, position_ids, steps, current_step, current_due_at, running_due_at, routed_at)
           SELECT report.id, 1, c.rule_id, 'Aturan cocok: kategori ' || c.code || '.', c.unit_id,
                  notified, (SELECT array_agg(DISTINCT p ORDER BY p) FROM unnest(notified || reached) AS p),
                  jsonb_build_array(
                    jsonb_build_object('target', first_target, 'position_ids', jsonb_build_array(first_position),
                                       'due_at', r.created + interval '7 days'),
                    jsonb_build_object('target', second_target, 'position_ids', jsonb_build_array(second_position),
                                       'due_at', r.created + interval '9.5 days')),
                  r.step,
                  due.at,
                  -- running only while open (warga.reports.lifecycle.OPEN_STATUSES)
                  CASE WHEN report.status IN ('received', 'verified', 'in_progress', 'deferred', 'transferred',
                                              'reopened') THEN due.at END,
                  r.created
           FROM bench_report r
           JOIN {s}.reports_report report
             ON report.tracking_number = '32.73-' || extract(year FROM r.created)::int || '-b' || lpad(r.n::text, 7, '0')
           JOIN bench_village v ON v.i = r.village_i
           JOIN bench_category c ON c.i = r.category_i
           CROSS JOIN bench_head h
           CROSS JOIN LATERAL (SELECT
             CASE r.step WHEN 0 THEN r.created + interval '7 days' WHEN 1 THEN r.created + interval '9.5 days'
                         WHEN 2 THEN r.created + interval '12.5 days' END AS at
           ) AS due
           CROSS JOIN LATERAL (SELECT
             CASE WHEN c.unit_id IS NULL THEN ARRAY[v.lurah_id, v.camat_id, h.admin_id]
                  ELSE ARRAY[v.lurah_id, v.camat_id, h.head_id, c.head_id] END AS notified,
             CASE WHEN c.unit_id IS NULL THEN 'admin_koordinator' ELSE 'handling_head' END AS first_target,
             CASE WHEN c.unit_id IS NULL THEN h.admin_id ELSE c.head_id END AS first_position,
             CASE WHEN c.unit_id IS NULL THEN 'head_of_government' ELSE 'admin_koordinator' END AS second_target,
             CASE WHEN c.unit_id IS NULL THEN h.head_id ELSE h.admin_id END AS second_position,
             CASE WHEN c.unit_id IS NULL THEN
                    CASE WHEN r.step >= 1 THEN ARRAY[h.head_id] ELSE ARRAY[]::bigint[] END
                  ELSE CASE WHEN r.step >= 1 THEN ARRAY[h.admin_id] ELSE ARRAY[]::bigint[] END END AS reached
           ) AS chain""",
        "ANALYZE {s}.reports_report",
        "ANALYZE {s}.routing_report_routing",
    ]
    with scratch.connect() as connection:
        # Columns added since this was written must be nullable or have a default, or be named
        # here; otherwise the fill stops, naming them.
        known = set(_REPORT_COLUMNS) | {"id", "rating", "rated_at", "priority"}
        required = [
            row[0]
            for row in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND "
                "table_name = 'reports_report' AND is_nullable = 'NO' AND column_default IS NULL "
                "AND is_identity = 'NO'",
                [schema],
            )
        ]
        if missing := sorted(set(required) - known):
            raise RuntimeError(f"reports_report has required columns the inbox fill does not write: {missing}")
        has_priority = "priority" in {
            row[0]
            for row in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND "
                "table_name = 'reports_report'",
                [schema],
            )
        }
        if has_priority:
            # 2 % urgent, 8 % high, the rest normal.
            statements[5] = (
                statements[5]
                .replace(", merged_into, answers)", ", merged_into, answers, priority)")
                .replace(
                    ", c.unit_id, '', '{{}}'::jsonb",
                    ", c.unit_id, '', '{{}}'::jsonb, CASE WHEN r.n %% 50 = 1 THEN 'urgent' WHEN r.n %% 50 < 6 THEN 'high' ELSE 'normal' END",
                )
            )
        for statement in statements:
            connection.execute(
                sql.SQL(statement).format(s=sql.Identifier(schema)),  # type: ignore[arg-type]
                {"reports": reports},
            )
        counts = connection.execute(
            sql.SQL(
                "SELECT (SELECT count(*) FROM {s}.reports_report), (SELECT count(*) FROM {s}.routing_report_routing)"
            ).format(s=sql.Identifier(schema))
        ).fetchone()
    if counts != (reports, reports):
        raise RuntimeError(f"expected {reports} reports and routing rows, found {counts}")


# --- The suite ------------------------------------------------------------------------------------


def _prepare(scratch: Any, *, reports: int) -> dict[str, Any]:
    from harness import run_timed

    started = time.perf_counter()
    scratch.manage("provision_regions", GOVERNMENT_CODE)
    made = run_timed([sys.executable, str(Path(__file__)), "setup"], env=scratch.env())
    prepared: dict[str, Any] = json.loads(made.stdout.splitlines()[-1])
    ready = time.perf_counter()
    fill(scratch, schema=prepared["schema"], reports=reports)
    print(
        f"  {scratch.name}: set up in {ready - started:.0f} s, {reports:,} reports and routing rows written in "
        f"{time.perf_counter() - ready:.0f} s (lurah of {prepared['village']})",
        flush=True,
    )
    return prepared


def _in_process(scratch: Any, command: str, prepared: dict[str, Any]) -> Any:
    from harness import run_timed

    done = run_timed(
        [sys.executable, str(Path(__file__)), command, "--prepared", json.dumps(prepared)], env=scratch.env()
    )
    return json.loads(done.stdout.splitlines()[-1])


def run(ctx: Any) -> None:
    from harness import Result, section
    from server import gunicorn

    reports, baseline_reports = (1_000_000, 1_000) if ctx.large else (100_000, 1_000)
    requests, warmup = (15, 2) if ctx.large else (20, 3)
    section(f"inbox: set-up (Kota Bandung with {reports:,} reports, and {baseline_reports:,} in a second database)")
    with ctx.another_scratch("small") as small:
        big_prepared = _prepare(ctx.scratch, reports=reports)
        small_prepared = _prepare(small, reports=baseline_reports)
        counted = {
            "big": _in_process(ctx.scratch, "queries", big_prepared),
            "small": _in_process(small, "queries", small_prepared),
        }
        for name, measured in counted["big"].items():
            print(f"  in-process, {reports:,}: {name}: {measured}", flush=True)
        for name, measured in counted["small"].items():
            print(f"  in-process, {baseline_reports:,}: {name}: {measured}", flush=True)
        if os.environ.get("WARGA_BENCH_EXPLAIN"):
            for name, plan in _in_process(ctx.scratch, "explain", big_prepared).items():
                print(f"\n  EXPLAIN {name}:\n{plan}", flush=True)

        section(
            f"inbox: 2 officials x {len(PAGES)} pages on each database, gunicorn 2 workers each, sequential client, "
            f"{requests} requests each, in turn"
        )
        load = os.getloadavg()[0]
        # The wali kota's overdue page takes tens of seconds at 1 M reports on a busy machine.
        with gunicorn(ctx.scratch, timeout=300) as big_server, gunicorn(small) as small_server:
            targets = []
            labels = []
            for official in ("lurah", "walikota"):
                for name, query in PAGES:
                    for server, prepared, size in (
                        (big_server, big_prepared, "big"),
                        (small_server, small_prepared, "small"),
                    ):
                        cookie = f"{prepared['session_cookie']}={prepared['sessions'][official]}"
                        targets.append((server, HOST, page_path(query), cookie))
                        labels.append((official, name, size))
            measured = sample_with_cookies(targets, requests=requests, warmup=warmup)
        by_label = dict(zip(labels, measured, strict=True))
        for (official, name, size), latency in by_label.items():
            print(f"  {official}, {name}, {size}: {latency.describe()}", flush=True)
            if set(latency.statuses) != {200}:
                raise RuntimeError(
                    f"the inbox ({official}, {name}, {size}) did not always answer 200: {latency.statuses}"
                )
    for official in ("lurah", "walikota"):
        for name, _ in PAGES:
            big, base = by_label[(official, name, "big")], by_label[(official, name, "small")]
            page = counted["big"][f"{official} {name}"]
            label = (
                f"inbox {official}, {name} ({page['total']:,} of {reports:,}; {page['request_queries']} SQL/request, "
                f"{page['selector_queries']} in the selector)"
            )
            ctx.report.add(
                Result(f"{label}: p50", big.p50 * 1000, "ms", base.p50 * 1000, f"{baseline_reports:,} reports")
            )
            ctx.report.add(
                Result(f"{label}: p95", big.p95 * 1000, "ms", base.p95 * 1000, f"{baseline_reports:,} reports")
            )
    ctx.report.note(f"inbox: load average {load:.2f} when the requests started")


def sample_with_cookies(targets: list[tuple[Any, str, str, str]], *, requests: int, warmup: int) -> list[Any]:
    """server.sample() for signed-in requests: each (server, host, path, cookie) in turn."""
    import http.client

    from harness import percentile
    from server import Latency

    def get(port: int, host: str, path: str, cookie: str) -> tuple[int, float]:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", path, headers={"Host": host, "Cookie": cookie})
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        return response.status, time.perf_counter() - started

    for _ in range(warmup):
        for server, host, path, cookie in targets:
            get(server.port, host, path, cookie)
    seconds: list[list[float]] = [[] for _ in targets]
    statuses: list[dict[int, int]] = [{} for _ in targets]
    for _ in range(requests):
        for index, (server, host, path, cookie) in enumerate(targets):
            status, elapsed = get(server.port, host, path, cookie)
            seconds[index].append(elapsed)
            statuses[index][status] = statuses[index].get(status, 0) + 1
    return [
        Latency(percentile(values, 0.50), percentile(values, 0.95), status)
        for values, status in zip(seconds, statuses, strict=True)
    ]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "queries", "explain"])
    parser.add_argument("--prepared", type=json.loads, default=None)
    arguments = parser.parse_args()
    if arguments.command == "setup":
        print(json.dumps(setup()))
    elif arguments.command == "queries":
        print(json.dumps(queries(arguments.prepared)))
    else:
        print(json.dumps(explain(arguments.prepared)))


if __name__ == "__main__":
    main()
