"""Delivery time: from a report's commit until every notification it caused has been sent.

Kota Bandung is provisioned with an official in every seat routing names (each lurah and
camat, the wali kota, the admin koordinator and every kepala dinas), so a report notifies its
lurah, its camat, the wali kota and the handling agency's head, and its reporter: five emails
and five in-app rows, in two `notifications.deliver` tasks, next to the report's photo task.
Email goes over SMTP to a sink on loopback run by the benchmark (the outside world only);
everything else is the product: `report_submit`, a real Celery worker, PostgreSQL.

Per broker (the filesystem transport, Redis, RabbitMQ; a broker that does not answer on
127.0.0.1 is reported as not measured), one producer process:

1. sends diagnostics echo tasks one at a time and times each round trip from its commit to
   the worker's row (the baseline: the same worker's no-op task, idle);
2. submits reports at a steady pace below the worker's capacity (`paced`), then the rest as
   fast as one process can (`burst`), with one small photo each;
3. waits until nothing is queued, and reads each report's last `sent_at`.

    python bench/delivery.py setup --citizens 300            # officials and citizens, as JSON
    python bench/delivery.py submit --first-citizen 1 ...    # one broker's run, as JSON
    python bench/delivery.py forget-queue                    # remove the run's queue from the broker
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAMES = ("delivery",)

GOVERNMENT_CODE = "32.73"  # Kota Bandung: 30 kecamatan, 151 kelurahan
GOVERNMENT_CODES = ("32", GOVERNMENT_CODE)
# Any point inside the city: the reference data has no village centres yet.
POINT = (-6.914, 107.609)
CATEGORIES = ("sampah", "jalan_rusak", "lampu_jalan", "banjir", "saluran_tersumbat")
REPORTS_PER_CITIZEN = 10  # the product's hourly limit stays in force
CITIZEN_PREFIX = "00000000-0000-4000-9000-"
OFFICIAL_PREFIX = "00000000-0000-4000-a000-"
BROKERS: dict[str, tuple[str, int] | None] = {
    "filesystem": None,
    # A database number of its own on a shared Redis; the queue name is per run anyway.
    "redis": ("redis://127.0.0.1:6379/14", 6379),
    "amqp": ("amqp://guest:guest@127.0.0.1:5672//", 5672),
}
WORKER_CONCURRENCY = 2  # one process per core, Celery's default on this machine


def citizen_id(number: int) -> uuid.UUID:
    return uuid.UUID(f"{CITIZEN_PREFIX}{number:012x}")


def small_photo() -> bytes:
    """A 640 x 480 JPEG (~20 KiB): what the app sends after its own downscaling."""
    from PIL import Image, ImageDraw

    image = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for index in range(12):
        draw.ellipse((index * 50, index * 30, index * 50 + 80, index * 30 + 60), fill=(index * 20, 110, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


# --- In-process parts (subprocesses against the scratch database) ---------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def setup(citizens: int) -> dict[str, Any]:
    """`citizens` citizen accounts, and one official with an email address in every seat of
    Kota Bandung that routing notifies (memberships starting yesterday, open-ended)."""
    _django()
    from django.utils import timezone

    from tenants.context import government_context
    from tenants.models import Government
    from warga.accounts.models import User
    from warga.organization.models import Membership, Position, PositionKind

    users = [User(id=citizen_id(n), email=f"warga-kirim-{n}@example.id") for n in range(1, citizens + 1)]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users, batch_size=1000)
    government = Government.objects.get(code=GOVERNMENT_CODE, is_ready=True)
    seats = (
        PositionKind.LURAH,
        PositionKind.CAMAT,
        PositionKind.WALIKOTA,
        PositionKind.ADMIN_KOORDINATOR,
        PositionKind.KEPALA_DINAS,
    )
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    with government_context(government):
        positions = list(Position.objects.filter(kind__in=seats).order_by("id").values_list("id", flat=True))
        officials = [
            User(id=uuid.UUID(f"{OFFICIAL_PREFIX}{index + 1:012x}"), email=f"pejabat-{index + 1}@bandung.example.id")
            for index in range(len(positions))
        ]
        for official in officials:
            official.set_unusable_password()
        User.objects.bulk_create(officials)
        Membership.objects.bulk_create(
            Membership(position_id=position, user_id=official.pk, starts_on=yesterday)
            for position, official in zip(positions, officials, strict=True)
        )
        from warga.regions.models import Village

        villages = list(
            Village.objects.filter(district__regency_id=GOVERNMENT_CODE).order_by("code").values_list("code", flat=True)
        )
    return {"officials": len(officials), "villages": villages}


def _echo_round_trips(government: Any, count: int, *, timeout: float) -> list[float]:
    """Seconds from each echo's commit to the worker's row, one echo at a time."""
    from django.db import transaction

    from tenants.context import government_context
    from warga.diagnostics.models import TaskEcho
    from warga.diagnostics.services import echo_forget, echo_request

    seconds: list[float] = []
    tokens: list[uuid.UUID] = []
    for _ in range(count):
        with transaction.atomic():
            token = echo_request(government=government)
        committed = time.time()  # the transaction committed and its task was sent
        tokens.append(token)
        deadline = time.monotonic() + timeout
        with government_context(government):
            while (row := TaskEcho.objects.filter(token=token).values_list("created_at", flat=True).first()) is None:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the worker did not run a diagnostics echo within {timeout:.0f} s")
                time.sleep(0.002)
        seconds.append(row.timestamp() - committed)
    echo_forget(government=government, tokens=tokens)
    return seconds


def echo(count: int, *, warmup: int) -> list[float]:
    """`count` echo round trips after `warmup` uncounted ones (the first waits for the worker
    to come up and open its connections)."""
    _django()
    from tenants.models import Government

    government = Government.objects.get(code=GOVERNMENT_CODE)
    if warmup:
        _echo_round_trips(government, warmup, timeout=90)
    return _echo_round_trips(government, count, timeout=30)


def submit(*, first_citizen: int, reports: int) -> dict[str, float]:
    """Submit `reports` reports with one photo each, one after another, as citizens from
    number `first_citizen` on (ten each: the product's hourly limit). Returns each report's
    tracking number with the moment `report_submit` returned: its transaction committed and its
    tasks sent."""
    _django()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from warga.accounts.models import User
    from warga.intake.services import report_submit
    from warga.regions.models import Village

    photo = small_photo()
    villages = list(
        Village.objects.filter(district__regency_id=GOVERNMENT_CODE).order_by("code").values_list("code", flat=True)
    )
    citizens = -(-reports // REPORTS_PER_CITIZEN)
    reporters = list(User.objects.filter(pk__in=[citizen_id(first_citizen + n) for n in range(citizens)]))
    if len(reporters) != citizens:
        raise RuntimeError(f"expected {citizens} citizens from number {first_citizen}, found {len(reporters)}")
    committed: dict[str, float] = {}
    for index in range(reports):
        submission = report_submit(
            acting_user=reporters[index % citizens],
            type="pengaduan",
            category_code=CATEGORIES[index % len(CATEGORIES)],
            description="Sampah menumpuk di pinggir jalan sejak seminggu, mohon segera diangkut.",
            latitude=POINT[0],
            longitude=POINT[1],
            village_code=villages[(first_citizen + index * 7) % len(villages)],
            privacy="publik",
            idempotency_key=f"kirim-{uuid.uuid4().hex}",
            photos=[SimpleUploadedFile("foto.jpg", photo, content_type="image/jpeg")],
        )
        committed[submission.tracking_number] = time.time()
    return committed


def collect(*, committed: dict[str, float], timeout: float) -> dict[str, Any]:
    """Wait (up to `timeout`) until none of these reports has a notification queued or a photo
    in processing; then, for each report whose notifications were all sent, the seconds from
    its commit to the last one."""
    _django()
    from django.db.models import Count, Max, Q

    from tenants.context import government_context
    from tenants.models import Government
    from warga.notifications.models import DeliveryStatus, Notification
    from warga.reports.models import PhotoState, Report, ReportPhoto

    government = Government.objects.get(code=GOVERNMENT_CODE)
    started = time.perf_counter()
    with government_context(government):
        tracking = dict(Report.objects.filter(tracking_number__in=committed).values_list("id", "tracking_number"))
        while True:
            queued = Notification.objects.filter(report_id__in=tracking, status=DeliveryStatus.QUEUED).count()
            photos = ReportPhoto.objects.filter(report_id__in=tracking, state=PhotoState.PROCESSING).count()
            if (not queued and not photos) or time.perf_counter() - started > timeout:
                break
            time.sleep(0.2)
        rows = (
            Notification.objects.filter(report_id__in=tracking)
            .values("report_id")
            .annotate(
                last=Max("sent_at"),
                emails=Count("id", filter=Q(channel="email", status=DeliveryStatus.SENT)),
                undelivered=Count("id", filter=~Q(status=DeliveryStatus.SENT)),
            )
        )
        delays: list[float] = []
        delivered_at: list[float] = []
        emails = undelivered = 0
        for row in rows:
            emails += row["emails"]
            undelivered += row["undelivered"]
            if not row["undelivered"] and row["last"] is not None:
                delays.append(row["last"].timestamp() - committed[tracking[row["report_id"]]])
                delivered_at.append(row["last"].timestamp())
        failed = Notification.objects.filter(report_id__in=tracking, status=DeliveryStatus.FAILED).count()
    return {
        "delays": delays,
        "reports": len(tracking),
        "emails_sent": emails,
        "undelivered": undelivered,
        "failed": failed,
        "photos_pending": photos,
        "first_commit": min(committed.values()),
        "last_commit": max(committed.values()),
        "last_delivery": max(delivered_at, default=0.0),
    }


def forget_queue() -> None:
    """Delete this run's queues (and their exchanges) from a shared RabbitMQ or Redis."""
    _django()
    from django.conf import settings

    from config.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        for name in settings.WARGA_QUEUES.values():
            bound = app.amqp.queues[name].bind(connection.default_channel)
            bound.declare()  # Redis: the channel deletes only bindings it has seen
            bound.delete()
            bound.exchange.delete()


# --- The SMTP sink (the outside world) ----------------------------------------------------------


class SmtpSink(socketserver.ThreadingTCPServer):
    """Accepts every message over SMTP on loopback and counts them; stores nothing."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.messages = 0
        self.recipients = 0
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _SmtpSession(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server = self.server
        assert isinstance(server, SmtpSink)
        self.wfile.write(b"220 sink ESMTP\r\n")
        recipients = 0
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n" if verb == b"EHLO" else b"250 sink\r\n")
            elif verb == b"RCPT":
                recipients += 1
                self.wfile.write(b"250 OK\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 End with .\r\n")
                while (body := self.rfile.readline()) and body != b".\r\n":
                    pass
                with server.lock:
                    server.messages += 1
                    server.recipients += recipients
                recipients = 0
                self.wfile.write(b"250 OK queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 Bye\r\n")
                return
            else:  # MAIL, RSET, NOOP
                self.wfile.write(b"250 OK\r\n")


@contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.shutdown()
        sink.server_close()


# --- The suite ------------------------------------------------------------------------------------


def _settings_module(directory: Path, *, smtp_port: int) -> dict[str, str]:
    """The project's settings with email sent over SMTP to the sink; nothing else changes."""
    (directory / "bench_delivery_settings.py").write_text(
        "from config.settings import *  # noqa: F403\n\n"
        "EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'\n"
        f"EMAIL_HOST = '127.0.0.1'\nEMAIL_PORT = {smtp_port}\nEMAIL_TIMEOUT = 10\n"
    )
    path = os.pathsep.join(filter(None, [str(directory), os.environ.get("PYTHONPATH", "")]))
    return {"DJANGO_SETTINGS_MODULE": "bench_delivery_settings", "PYTHONPATH": path}


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def worker(env: dict[str, str], *, log_path: Path, nodename: str, queue: str) -> Iterator[subprocess.Popen[str]]:
    from harness import logged_process

    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        f"--concurrency={WORKER_CONCURRENCY}",
        "-Q",
        # The run's three queues (settings.WARGA_QUEUES, named after its default queue).
        f"{queue}.urgent,{queue},{queue}.bulk",
        f"--hostname={nodename}",
        "--without-mingle",
        "--without-gossip",
        "--loglevel=WARNING",
    ]
    with logged_process(command, env=env, log_path=log_path) as process:
        yield process


class WorkerDied(RuntimeError):
    pass


def _while_working(
    worker_process: subprocess.Popen[str], *commands: list[str], env: dict[str, str], log_path: Path
) -> list[str]:
    """Run `commands` in parallel while watching the worker: a worker that dies ends the run
    at once with its log, instead of the commands waiting out their deadlines. Returns each
    command's standard output."""
    from harness import ROOT

    with tempfile.TemporaryDirectory() as folder:
        outputs = [Path(folder) / f"{index}.out" for index in range(len(commands))]
        errors = [Path(folder) / f"{index}.err" for index in range(len(commands))]
        processes = []
        for command, out, err in zip(commands, outputs, errors, strict=True):
            with out.open("w") as stdout, err.open("w") as stderr:
                processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr, text=True))
        try:
            while any(process.poll() is None for process in processes):
                if worker_process.poll() is not None:
                    tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-12:])
                    raise WorkerDied(f"the worker exited ({worker_process.returncode}) during the run:\n{tail}")
                time.sleep(0.2)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        for command, process, err in zip(commands, processes, errors, strict=True):
            if process.returncode != 0:
                raise RuntimeError(
                    f"`{' '.join(command[2:])}` failed ({process.returncode}):\n{err.read_text()[-3000:]}"
                )
        return [out.read_text() for out in outputs]


@dataclass(frozen=True)
class Sizes:
    reports: int  # per broker
    producers: int
    echoes: int  # before and again after the reports
    timeout: float


def _last_json(text: str) -> Any:
    return json.loads(text.splitlines()[-1])


def run(ctx: Any) -> None:
    from harness import run_timed, section

    sizes = Sizes(1000, 2, 40, 900) if ctx.large else Sizes(60, 2, 20, 300)
    scratch = ctx.scratch
    section(
        f"delivery: set-up (Kota Bandung with an official in every routed seat; {sizes.reports} reports per broker)"
    )
    started = time.perf_counter()
    scratch.manage("provision_regions", *GOVERNMENT_CODES)
    citizens_per_broker = -(-sizes.reports // REPORTS_PER_CITIZEN) + sizes.producers
    made = run_timed(
        [sys.executable, str(Path(__file__)), "setup", "--citizens", str(citizens_per_broker * len(BROKERS))],
        env=scratch.env(),
    )
    prepared = _last_json(made.stdout)
    print(
        f"  {prepared['officials']} officials seated, {len(prepared['villages'])} villages; "
        f"set-up {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    this = str(Path(__file__))
    directory = Path(tempfile.mkdtemp(prefix="warga-bench-delivery-"))
    try:
        with smtp_sink() as sink:
            settings_env = _settings_module(directory, smtp_port=sink.port)
            for number, (broker, spec) in enumerate(BROKERS.items()):
                if spec is not None and not _reachable(spec[1]):
                    ctx.report.note(f"delivery: {broker} not reachable on 127.0.0.1:{spec[1]}; not measured")
                    continue
                queue = f"warga-bench-delivery-{os.getpid()}-{broker}"
                env = scratch.env(
                    **settings_env,
                    CELERY_BROKER_URL=spec[0] if spec else "filesystem://",
                    CELERY_TASK_DEFAULT_QUEUE=queue,
                    WARGA_VAR_DIR=str(scratch.var_dir / broker),
                )
                section(
                    f"delivery, {broker} broker: {sizes.echoes} echoes, {sizes.reports} reports from "
                    f"{sizes.producers} producers, {sizes.echoes} echoes; worker --concurrency {WORKER_CONCURRENCY}"
                )
                load = os.getloadavg()[0]
                sent_before = sink.messages
                nodename = f"warga-bench-{broker}-{os.getpid()}@{socket.gethostname()}"
                log_path = scratch.var_dir / f"worker-{broker}.log"
                share = -(-sizes.reports // sizes.producers)
                first = number * citizens_per_broker + 1
                try:
                    with worker(env, log_path=log_path, nodename=nodename, queue=queue) as process:
                        step = functools.partial(_while_working, process, env=env, log_path=log_path)
                        before = _last_json(
                            step([sys.executable, this, "echo", "--count", str(sizes.echoes), "--warmup", "3"])[0]
                        )
                        submitted_from = time.perf_counter()
                        outputs = step(
                            *(
                                [
                                    sys.executable,
                                    this,
                                    "submit",
                                    "--first-citizen",
                                    str(first + producer * (-(-share // REPORTS_PER_CITIZEN))),
                                    "--reports",
                                    str(min(share, sizes.reports - producer * share)),
                                ]
                                for producer in range(sizes.producers)
                            )
                        )
                        submitted = time.perf_counter() - submitted_from
                        committed: dict[str, float] = {}
                        for output in outputs:
                            committed |= _last_json(output)
                        commits = directory / f"commits-{broker}.json"
                        commits.write_text(json.dumps(committed))
                        collected = _last_json(
                            step(
                                [
                                    sys.executable,
                                    this,
                                    "collect",
                                    "--commits",
                                    str(commits),
                                    "--timeout",
                                    str(sizes.timeout),
                                ]
                            )[0]
                        )
                        after = _last_json(
                            step([sys.executable, this, "echo", "--count", str(sizes.echoes), "--warmup", "0"])[0]
                        )
                except WorkerDied as error:
                    # A broker whose worker dies is a finding; the other brokers still run.
                    print(f"  {broker}: {error}", flush=True)
                    ctx.report.add(_result(f"delivery {broker}: the run completed", 0, "", target="yes", met=False))
                    ctx.report.note(f"delivery {broker}: the worker died during the run (load average {load:.2f})")
                    continue
                finally:
                    if spec is not None:
                        run_timed([sys.executable, this, "forget-queue"], env=env, check=False)
                    lines = log_path.read_text(errors="replace").splitlines() if log_path.exists() else []
                    print(f"  worker log: {len(lines)} lines; last: {lines[-1][:200] if lines else '-'}", flush=True)
                _report(ctx, broker, before + after, collected, sink.messages - sent_before, submitted, load)
            print(f"  SMTP sink: {sink.messages} messages, {sink.recipients} recipients in all", flush=True)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _result(*args: Any, **kwargs: Any) -> Any:
    from harness import Result

    return Result(*args, **kwargs)


def _report(
    ctx: Any, broker: str, echo: list[float], collected: dict[str, Any], received: int, submitted: float, load: float
) -> None:
    from harness import percentile

    echo50, echo95 = percentile(echo, 0.50) * 1000, percentile(echo, 0.95) * 1000
    delays = [seconds * 1000 for seconds in collected["delays"]]
    reports = collected["reports"]
    # From the first commit to the last delivery: how fast the worker got through them all.
    span = collected["last_delivery"] - collected["first_commit"]
    print(
        f"  echo round trip p50 {echo50:.1f} ms, p95 {echo95:.1f} ms ({len(echo)}); {reports} reports submitted in "
        f"{submitted:.1f} s ({reports / submitted:.1f}/s), all delivered {span:.1f} s after the first commit; "
        f"{collected['emails_sent']} emails sent ({received} reached the SMTP sink), {collected['undelivered']} "
        f"notifications not sent, {collected['failed']} failed, {collected['photos_pending']} photos pending; "
        f"load average {load:.2f}",
        flush=True,
    )
    complete = collected["undelivered"] == 0 and collected["emails_sent"] == received and len(delays) == reports
    if not delays:
        ctx.report.add(_result(f"delivery {broker}: reports delivered", 0, "", target=str(reports), met=False))
        return
    p50, p95, worst = percentile(delays, 0.50), percentile(delays, 0.95), max(delays)
    ctx.report.add(_result(f"delivery {broker}: p50", p50, "ms", echo50, "echo round trip p50"))
    ctx.report.add(_result(f"delivery {broker}: p95", p95, "ms", echo95, "echo round trip p95"))
    ctx.report.add(
        _result(
            f"delivery {broker}: max ({len(delays)} of {reports} reports)",
            worst,
            "ms",
            target="every notification sent",
            met=complete,
        )
    )
    ctx.report.note(
        f"delivery {broker}: {reports} reports submitted at {reports / submitted:.1f}/s, delivered at "
        f"{reports / span if span else 0:.1f}/s; {collected['emails_sent']} emails sent, {received} received by "
        f"the SMTP sink, {collected['failed']} failed; load average {load:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "echo", "submit", "collect", "forget-queue"])
    parser.add_argument("--citizens", type=int, default=300)
    parser.add_argument("--first-citizen", type=int, default=1)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--commits", type=Path)
    parser.add_argument("--timeout", type=float, default=300)
    arguments = parser.parse_args()
    if arguments.command == "setup":
        print(json.dumps(setup(arguments.citizens)))
    elif arguments.command == "echo":
        print(json.dumps(echo(arguments.count, warmup=arguments.warmup)))
    elif arguments.command == "submit":
        print(json.dumps(submit(first_citizen=arguments.first_citizen, reports=arguments.reports)))
    elif arguments.command == "collect":
        print(json.dumps(collect(committed=json.loads(arguments.commits.read_text()), timeout=arguments.timeout)))
    else:
        forget_queue()


if __name__ == "__main__":
    main()
