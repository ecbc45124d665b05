"""Tenancy at national scale: provisioning, building one schema, fleet migrations, request
latency against the number of tenants, size and connection memory per tenant.

Two scratch databases: both migrated, given the region data and the same first 10 tenants;
then one grows to 50 (small) or every government (large). Figures that depend on the fleet
size are measured on both databases in turn; the fleet migrations come last, because the
column migration changes every schema.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from harness import ROOT, Context, Result, Scratch, median, percentile, run_timed, section
from psycopg import sql
from server import Latency, gunicorn, sample

NAMES = ("provisioning", "schema-build", "fleet", "latency", "size")

# The provision_regions --all set: 38 provinces + the autonomous regencies/cities + national.
# DKI Jakarta's administrative regencies/cities (province 31) are units of the province
# government by design, never tenants (see warga.onboarding.services).
_NOT_TENANTS_PROVINCES = ("31",)
TENANT_HOST = "kota-bandung.localhost"
TENANT_CODE = "32.73"
FIRST_STEP = 10
SMALL_STEP = 50
FLAT_RATIO = 1.25
TOTAL_TARGET_SECONDS = 180.0
NOOP_TARGET_SECONDS = 30.0
COLUMN_TARGET_SECONDS = 120.0
LATENCY_RATIO = 1.05


def _codes_in_provisioning_order(scratch: Scratch) -> list[str]:
    """Every tenant code, shuffled with a fixed seed so each step holds a representative mix of
    provinces (large territories) and regencies/cities; Kota Bandung first, for the latency page."""
    with scratch.connect() as connection:
        provinces = [row[0] for row in connection.execute("SELECT code FROM regions_province ORDER BY code")]
        regencies = [
            row[0]
            for row in connection.execute(
                "SELECT code FROM regions_regency WHERE province_id <> ALL(%s) ORDER BY code",
                [list(_NOT_TENANTS_PROVINCES)],
            )
        ]
    codes = [code for code in provinces + regencies if code != TENANT_CODE]
    random.Random(553).shuffle(codes)
    return [TENANT_CODE, *codes]


def _tenant_count(scratch: Scratch) -> int:
    with scratch.connect() as connection:
        row = connection.execute(
            "SELECT count(*) FROM tenants_government WHERE is_ready AND level <> 'template'"
        ).fetchone()
    return int(row[0]) if row else 0


def _database_bytes(scratch: Scratch) -> int:
    with scratch.connect() as connection:
        row = connection.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


_PER_GOVERNMENT = re.compile(r"median (\d+) ms, .*total ([\d.]+) s")
_CREATED = re.compile(r"(\d+) created")


def _provision(scratch: Scratch, args: list[str]) -> tuple[float, int, float, float]:
    """Wall seconds of the command, governments created, and the command's own median ms and
    total seconds per government (without interpreter start-up)."""
    timed = scratch.manage("provision_regions", *args)
    created = _CREATED.search(timed.stdout)
    per_government = _PER_GOVERNMENT.search(timed.stdout)
    if not created or not per_government:
        raise RuntimeError(f"provision_regions printed no per-government figures:\n{timed.stdout}")
    return timed.seconds, int(created.group(1)), float(per_government.group(1)), float(per_government.group(2))


def _latency(ctx: Context, small: Scratch, big: Scratch) -> dict[str, Latency]:
    """GET / of Kota Bandung and /healthz, on a server over the 10-tenant database and one over
    the big fleet, requested in turn so both see the same machine load."""
    requests, warmup = (400, 40) if ctx.large else (300, 30)
    with gunicorn(small) as small_server, gunicorn(big) as big_server:
        names = ["page small", "page big", "health small", "health big"]
        measured = sample(
            [
                (small_server, TENANT_HOST, "/"),
                (big_server, TENANT_HOST, "/"),
                (small_server, "localhost", "/healthz"),
                (big_server, "localhost", "/healthz"),
            ],
            requests=requests,
            warmup=warmup,
        )
    latencies = dict(zip(names, measured, strict=True))
    for name in ("page small", "page big"):
        if set(latencies[name].statuses) != {200}:
            raise RuntimeError(f"GET / on {TENANT_HOST} did not always answer 200: {latencies[name].statuses}")
    return latencies


def _intake_sessions(scratch: Scratch, citizens: int) -> dict[str, object]:
    """Citizens with signed-in sessions, reporting in Kota Bandung (bench/intake.py setup)."""
    done = run_timed(
        [
            sys.executable,
            str(ROOT / "bench" / "intake.py"),
            "setup",
            "--citizens",
            str(citizens),
            "--codes",
            TENANT_CODE,
        ],
        env=scratch.env(),
    )
    prepared: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return prepared


def _intake_latency(ctx: Context, small: Scratch, big: Scratch) -> dict[str, Latency]:
    """POST /api/v1/reports/ on the public host (a report in Kota Bandung with a 640 x 480
    photo, as the citizen app sends it) on a server over the 10-tenant database and one over the
    big fleet, one request to each in turn. Each citizen sends at most the product's hourly
    limit, so every request is a new report."""
    from delivery import small_photo
    from intake import CATEGORIES, MANY_NETWORKS, REPORTS_PER_CITIZEN, _multipart

    requests, warmup = (400, 40) if ctx.large else (150, 15)
    citizens = -(-(requests + warmup) // REPORTS_PER_CITIZEN) + 1
    photo = small_photo()
    prepared = [_intake_sessions(scratch, citizens) for scratch in (small, big)]
    seconds: list[list[float]] = [[], []]
    statuses: list[dict[int, int]] = [{}, {}]
    servers = (gunicorn(small, env=small.env(**MANY_NETWORKS)), gunicorn(big, env=big.env(**MANY_NETWORKS)))
    with servers[0] as small_server, servers[1] as big_server:
        for number in range(warmup + requests):
            for index, (server, given) in enumerate(zip((small_server, big_server), prepared, strict=True)):
                village, latitude, longitude = given["villages"][number % len(given["villages"])]  # type: ignore[index]
                body, content_type = _multipart(
                    {
                        "type": "pengaduan",
                        "category_code": CATEGORIES[number % len(CATEGORIES)],
                        "description": "Lampu jalan mati sejak tiga hari, mohon diperbaiki.",
                        "latitude": str(latitude),
                        "longitude": str(longitude),
                        "village_code": village,
                        "privacy": "publik",
                    },
                    photo,
                )
                session = given["sessions"][number // REPORTS_PER_CITIZEN]  # type: ignore[index]
                csrf = secrets.token_hex(16)
                status, elapsed = server.post(
                    "localhost",
                    "/api/v1/reports/",
                    body,
                    {
                        "Content-Type": content_type,
                        "Cookie": f"{given['session_cookie']}={session}; {given['csrf_cookie']}={csrf}",
                        "X-CSRFToken": csrf,
                        "Idempotency-Key": f"tenancy-{uuid.uuid4().hex}",
                    },
                )
                if number >= warmup:
                    seconds[index].append(elapsed)
                    statuses[index][status] = statuses[index].get(status, 0) + 1
    measured = {
        name: Latency(percentile(values, 0.50), percentile(values, 0.95), status)
        for name, values, status in zip(("intake small", "intake big"), seconds, statuses, strict=True)
    }
    for name, latency in measured.items():
        if set(latency.statuses) != {201}:
            raise RuntimeError(f"intake ({name}) did not always answer 201: {latency.statuses}")
    return measured


def _alternate(small: Scratch, big: Scratch, rounds: int, *args: str) -> tuple[dict[str, float], dict[str, float]]:
    """Run a probe on both databases in turn, `rounds` times; medians per figure per database."""
    collected: list[dict[str, list[float]]] = [{}, {}]
    for _ in range(rounds):
        for index, scratch in enumerate((small, big)):
            for key, values in json.loads(scratch.probe(*args).stdout.splitlines()[-1]).items():
                collected[index].setdefault(key, []).extend(values)
    small_medians, big_medians = ({key: median(values) for key, values in c.items()} for c in collected)
    return small_medians, big_medians


def _connection_memory(scratch: Scratch) -> tuple[float, float, int]:
    """Backend memory (bytes) of a fresh connection, and after it read every table of every
    tenant schema once (what a long-lived worker connection ends up caching)."""
    with scratch.connect() as connection:

        def backend_bytes() -> float:
            row = connection.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts").fetchone()
            return float(row[0]) if row else 0.0

        connection.execute("SELECT 1")
        fresh = backend_bytes()
        tables = connection.execute(
            "SELECT t.schemaname, t.tablename FROM pg_tables t JOIN tenants_government g "
            "ON g.schema_name = t.schemaname WHERE g.level <> 'template'"
        ).fetchall()
        schemas = {schema for schema, _ in tables}
        for schema, table in tables:
            connection.execute(
                sql.SQL("SELECT 1 FROM {}.{} LIMIT 1").format(sql.Identifier(schema), sql.Identifier(table))
            )
        return fresh, backend_bytes(), len(schemas)


def _schema_bytes(scratch: Scratch) -> float:
    with scratch.connect() as connection:
        row = connection.execute(
            "SELECT avg(s.bytes) FROM (SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN tenants_government g ON g.schema_name = n.nspname "
            "WHERE g.level <> 'template' AND c.relkind IN ('r', 'p') GROUP BY n.nspname) s"
        ).fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


def _column_migration_settings(directory: Path, *, columns: int) -> dict[str, str]:
    """A settings module that points the organization app at a copy of its migrations plus
    `columns` throwaway migrations, each adding one nullable column. Nothing in the source tree
    changes; the copy lives in `directory` and only this run's scratch database sees it."""
    package = directory / "bench_organization_migrations"
    if package.exists():
        shutil.rmtree(package)
    shutil.copytree(
        ROOT / "platform" / "warga" / "organization" / "migrations",
        package,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    previous = sorted(p.stem for p in package.glob("[0-9][0-9][0-9][0-9]_*.py"))[-1]
    for index in range(columns):
        name = f"{9000 + index}_bench_column_{index}"
        (package / f"{name}.py").write_text(
            "from django.db import migrations, models\n\n\n"
            "class Migration(migrations.Migration):\n"
            f"    dependencies = [('organization', '{previous}')]\n"
            f"    operations = [migrations.AddField('unit', 'bench_column_{index}', models.IntegerField(null=True))]\n"
        )
        previous = name
    (directory / "bench_settings.py").write_text(
        "from config.settings import *  # noqa: F403\n\n"
        "MIGRATION_MODULES = {'organization': 'bench_organization_migrations'}\n"
    )
    path = os.pathsep.join(filter(None, [str(directory), os.environ.get("PYTHONPATH", "")]))
    return {"DJANGO_SETTINGS_MODULE": "bench_settings", "PYTHONPATH": path}


def run(ctx: Context) -> None:
    """Two scratch databases: `small` keeps the first 10 tenants, `big` grows to 50 (or every
    government). Figures that depend on the fleet size are measured on both in turn at the end,
    so a change in machine load between steps cannot pass for a change in cost."""
    with ctx.another_scratch("small") as small:
        _run(ctx, small, ctx.scratch)


def _run(ctx: Context, small: Scratch, big: Scratch) -> None:
    report = ctx.report
    codes = _codes_in_provisioning_order(big)
    every = len(codes) + 1  # + national
    steps = [FIRST_STEP, SMALL_STEP] + ([every] if ctx.large else [])

    section(f"tenancy: provisioning, steps {steps} (of {every} governments with --all)")
    _provision(small, codes[: FIRST_STEP - 1])
    walls: list[float] = []
    per_tenant: dict[int, float] = {}
    for step in steps:
        args = ["--all"] if step == every else codes[: step - 1]
        wall, created, per_tenant[step], own_total = _provision(big, args)
        walls.append(wall)
        print(
            f"  up to {step} tenants: {created} created in {wall:.1f} s (median {per_tenant[step]:.0f} ms/tenant, "
            f"mean {own_total * 1000 / created:.0f} ms/tenant; cumulative {sum(walls):.1f} s)",
            flush=True,
        )
        if _tenant_count(big) != step:
            raise RuntimeError(f"expected {step} ready tenants, found {_tenant_count(big)}")
    last = steps[-1]
    if _tenant_count(small) != FIRST_STEP:
        raise RuntimeError(f"the small database holds {_tenant_count(small)} tenants, not {FIRST_STEP}")

    if ctx.wants("provisioning"):
        # Regencies/cities of the first step, provisioned again (rolled back) in both databases:
        # the same territories, so the per-tenant cost is compared like with like.
        sample = [code for code in codes[: FIRST_STEP - 1] if "." in code]
        again_small, again_big = _alternate(small, big, 2, "provision-again", "--codes", *sample)
        report.add(
            Result(
                f"provisioning one regency at {last} tenants (median, {len(sample)} regencies x 2)",
                again_big["provision"] * 1000,
                "ms",
                again_small["provision"] * 1000,
                f"same at {FIRST_STEP}",
                f"ratio <= {FLAT_RATIO}",
                again_big["provision"] / again_small["provision"] <= FLAT_RATIO,
            )
        )
        for step in steps[1:]:
            report.add(
                Result(
                    f"provisioning median ms/tenant, tenants {steps[steps.index(step) - 1] + 1}-{step}",
                    per_tenant[step],
                    "ms",
                    per_tenant[FIRST_STEP],
                    f"first {FIRST_STEP}",
                )
            )
        total = sum(walls)
        if not ctx.large:
            total = total / last * every
        report.add(
            Result(
                f"provisioning total, {every} tenants" + ("" if ctx.large else f" (projected from {last})"),
                total,
                "s",
                target=f"<= {TOTAL_TARGET_SECONDS:.0f} s",
                met=total <= TOTAL_TARGET_SECONDS,
            )
        )

    if ctx.wants("schema-build"):
        section("tenancy: one new schema: catalog copy, django-tenants clone, create + migrate")
        build_small, build_big = _alternate(small, big, 3 if ctx.large else 2, "schema-build", "--repeat", "2")
        for name, build in ((f"{FIRST_STEP}", build_small), (f"{last}", build_big)):
            print("  at " + name + " tenants: " + ", ".join(f"{w} {v * 1000:.0f} ms" for w, v in build.items()))
        report.add(
            Result(
                f"schema build at {last} tenants: catalog copy",
                build_big["copy"] * 1000,
                "ms",
                build_big["migrate"] * 1000,
                "create + migrate",
                "ratio <= 0.10 (design: ~10x faster)",
                build_big["copy"] / build_big["migrate"] <= 0.10,
            )
        )
        report.add(
            Result(
                f"schema build at {last} tenants: django-tenants clone",
                build_big["django-tenants"] * 1000,
                "ms",
                build_big["migrate"] * 1000,
                "create + migrate",
            )
        )
        for way in ("copy", "django-tenants", "migrate"):
            report.add(
                Result(
                    f"schema build, {way}: {last} vs {FIRST_STEP} tenants",
                    build_big[way] * 1000,
                    "ms",
                    build_small[way] * 1000,
                    f"at {FIRST_STEP}",
                    f"ratio <= {FLAT_RATIO}" if way == "copy" else "",
                    build_big[way] / build_small[way] <= FLAT_RATIO if way == "copy" else None,
                )
            )

    if ctx.wants("latency"):
        section(f"tenancy: request latency, {FIRST_STEP} vs {last} tenants (two servers, requests in turn)")
        latency = _latency(ctx, small, big)
        for name, measured in latency.items():
            print(f"  {name}: {measured.describe()}")
        page_small, page_big = latency["page small"], latency["page big"]
        report.add(
            Result(
                f"GET / p50 at {last} tenants",
                page_big.p50 * 1000,
                "ms",
                page_small.p50 * 1000,
                f"{FIRST_STEP} tenants",
                f"ratio <= {LATENCY_RATIO}",
                page_big.p50 / page_small.p50 <= LATENCY_RATIO,
            )
        )
        report.add(
            Result(
                f"GET / p95 at {last} tenants",
                page_big.p95 * 1000,
                "ms",
                page_small.p95 * 1000,
                f"{FIRST_STEP} tenants",
            )
        )
        report.note(f"tenancy latency: load average {os.getloadavg()[0]:.2f} after the GET requests")
        intake = _intake_latency(ctx, small, big)
        for name, measured in intake.items():
            print(f"  {name}: {measured.describe()}")
        intake_small, intake_big = intake["intake small"], intake["intake big"]
        report.add(
            Result(
                f"intake POST p50 at {last} tenants",
                intake_big.p50 * 1000,
                "ms",
                intake_small.p50 * 1000,
                f"{FIRST_STEP} tenants",
                f"ratio <= {LATENCY_RATIO}",
                intake_big.p50 / intake_small.p50 <= LATENCY_RATIO,
            )
        )
        report.add(
            Result(
                f"intake POST p95 at {last} tenants",
                intake_big.p95 * 1000,
                "ms",
                intake_small.p95 * 1000,
                f"{FIRST_STEP} tenants",
            )
        )
        report.note(f"tenancy latency: load average {os.getloadavg()[0]:.2f} after the intake requests")
        report.add(
            Result(
                f"/healthz p50 at {last} tenants (reference)",
                latency["health big"].p50 * 1000,
                "ms",
                latency["health small"].p50 * 1000,
                f"{FIRST_STEP} tenants",
            )
        )

    if ctx.wants("size"):
        section("tenancy: size and connection memory")
        grown = (_database_bytes(big) - _database_bytes(small)) / (last - FIRST_STEP)
        report.add(Result("database growth per tenant", grown / 1024, "KiB"))
        report.add(Result("tables + indexes in one tenant schema (mean)", _schema_bytes(big) / 1024, "KiB"))
        fresh, touched, schemas = _connection_memory(big)
        report.add(
            Result(
                f"backend memory after reading all {schemas} tenant schemas",
                touched / 1024 / 1024,
                "MiB",
                fresh / 1024 / 1024,
                "fresh connection",
            )
        )
        report.note(f"backend memory per tenant schema read: {(touched - fresh) / schemas / 1024:.1f} KiB")

    if ctx.wants("fleet"):
        scratch = big
        section(f"tenancy: fleet migrations over {last} tenants")
        noop = [scratch.manage("migrate_fleet").seconds for _ in range(3)]
        plain = scratch.manage("migrate_schemas", "--executor", "standard").seconds
        report.add(
            Result(
                f"fleet no-op: migrate_fleet, {last} tenants (median of 3)",
                median(noop),
                "s",
                plain,
                "migrate_schemas",
                f"<= {NOOP_TARGET_SECONDS:.0f} s",
                median(noop) <= NOOP_TARGET_SECONDS,
            )
        )
        directory = Path(tempfile.mkdtemp(prefix="warga-bench-migrations-"))
        try:
            started = time.perf_counter()
            fleet = scratch.manage(
                "migrate_fleet", "--verbosity", "2", env=scratch.env(**_column_migration_settings(directory, columns=1))
            )
            fleet_seconds = time.perf_counter() - started
            if "Migrated" not in fleet.stdout:
                raise RuntimeError(f"migrate_fleet did not migrate the column:\n{fleet.stdout}\n{fleet.stderr}")
            plain_column = scratch.manage(
                "migrate_schemas",
                "--executor",
                "standard",
                env=scratch.env(**_column_migration_settings(directory, columns=2)),
            ).seconds
            with scratch.connect() as connection:
                row = connection.execute(
                    "SELECT count(*) FROM information_schema.columns WHERE column_name = 'bench_column_1'"
                ).fetchone()
            if not row or int(row[0]) != last + 1:  # every tenant + the template
                raise RuntimeError(f"the second column reached {row[0] if row else 0} schemas, not {last + 1}")
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        report.add(
            Result(
                f"fleet add-column: migrate_fleet, {last} tenants",
                fleet_seconds,
                "s",
                plain_column,
                "migrate_schemas",
                f"<= {COLUMN_TARGET_SECONDS:.0f} s",
                fleet_seconds <= COLUMN_TARGET_SECONDS,
            )
        )
