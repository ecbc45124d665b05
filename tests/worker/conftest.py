"""A real Celery worker process for the worker tests, once per broker per module.

The worker is `celery -A config worker` from the project's own environment, started on the
test database and a broker. The test process is the producer; it is configured from the very
settings module the worker loads, evaluated under the worker's environment, so both agree on
the broker URL, its transport options and the queue by construction (the round trip proves it).

Brokers: the filesystem transport always (its folders in a temporary directory); RabbitMQ and
Redis on loopback when they answer. WARGA_REQUIRE_BROKERS=amqp,redis (CI sets it) turns an
unreachable broker into a failure instead of a skip. Each run has a default queue of its own,
and the urgent and bulk queues named after it (settings.WARGA_QUEUES), so runs sharing one
RabbitMQ or Redis never take each other's tasks. A worker consumes all three unless told which.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.db import connection

import config.settings
from config.celery import app as celery_app
from config.celery import filesystem_broker_folders_ensure
from warga.health.models import WorkerHeartbeat

from .support import Worker, echo_rows_delete

BROKERS: dict[str, tuple[str, str, int] | None] = {
    "filesystem": None,
    "amqp": ("amqp://guest:guest@127.0.0.1:5672//", "RabbitMQ", 5672),
    "redis": ("redis://127.0.0.1:6379/15", "Redis", 6379),
}
START_SECONDS = 30
STOP_SECONDS = 10


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the workers' logs to the report of every failing test that used a worker: the
    `worker` fixture's, and those the test started itself (`worker_running`)."""
    report: pytest.TestReport = yield
    running = getattr(item, "funcargs", {}).get("worker")
    workers = [running] if isinstance(running, Worker) else []
    workers += [each for each in _STARTED_BY_TEST if each is not running]
    if report.failed:
        for each in workers:
            report.sections.append((f"{each.broker} worker log ({each.log_path})", each.log()))
    if report.when == "teardown":
        _STARTED_BY_TEST.clear()
    return report


# Workers started by `worker_running` during the current test (the `worker` fixture's excepted).
_STARTED_BY_TEST: list[Worker] = []


@pytest.fixture
def db(committed_db: None) -> None:
    """In this folder `db` gives committed access (no wrapping transaction): the worker is
    another process and only sees committed rows. Tests clean up what they write.

    It is named `db` on purpose: pytest-django creates the test database only when a collected
    test asks for `db` or carries a django_db marker. With `committed_db` alone, running this
    folder by itself would set up nothing and reach the development database.
    """


@pytest.fixture
def echo_tokens(db: None) -> Iterator[list[uuid.UUID]]:
    """Tokens a test sends; their rows are deleted from every schema afterwards."""
    tokens: list[uuid.UUID] = []
    yield tokens
    if tokens:
        echo_rows_delete(tokens)


def _database_url() -> str:
    """The test database (pytest-django's NAME) as a URL that config.env.database() reads back."""
    settings = connection.settings_dict
    if not str(settings["NAME"]).startswith("test_"):
        pytest.fail(
            f"Refusing to start a worker on {settings['NAME']!r}: not a test database. "
            "Worker tests must request `db` so that pytest-django creates the test database."
        )
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = str(settings["HOST"] or "")
    query = {key: str(value) for key, value in (settings.get("OPTIONS") or {}).items()}
    if host.startswith("/"):  # a Unix socket directory
        query["host"] = host
        host = ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    url = f"postgresql://{credentials}{host}{port}/{quote(settings['NAME'], safe='')}"
    return f"{url}?{urlencode(query)}" if query else url


def _require_or_skip(broker: str) -> None:
    spec = BROKERS[broker]
    if spec is None:
        return
    try:
        with socket.create_connection(("127.0.0.1", spec[2]), timeout=1):
            return
    except OSError:
        pass
    message = f"{spec[1]} not reachable on 127.0.0.1:{spec[2]}; CI runs this test against it"
    required = {name.strip() for name in os.environ.get("WARGA_REQUIRE_BROKERS", "").split(",")}
    if broker in required:
        pytest.fail(f"{message}, and WARGA_REQUIRE_BROKERS={os.environ['WARGA_REQUIRE_BROKERS']} requires it.")
    pytest.skip(message)


def _settings_under(environment: dict[str, str]) -> ModuleType:
    """config/settings.py evaluated afresh under `environment`: what a worker started with it sees."""
    spec = importlib.util.spec_from_file_location("warga_worker_settings", config.settings.__file__)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        spec.loader.exec_module(module)
    return module


def _producer_reset() -> None:
    """Forget the producer's cached broker connections, queues and routes so the next send uses
    the current configuration (Celery builds them on first use and offers no public reset)."""
    import kombu.pools

    kombu.pools.reset()
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


@contextmanager
def producer_configured(environment: dict[str, str]) -> Iterator[ModuleType]:
    """This process sends with the broker settings a worker started with `environment` has."""
    worker_settings = _settings_under(environment)
    keys = ("broker_url", "broker_transport_options", "task_default_queue", "task_queues", "task_routes")
    saved = {key: celery_app.conf[key] for key in keys}
    with pytest.MonkeyPatch.context() as patch:
        # Celery prefers CELERY_BROKER_URL from the environment over its configuration.
        patch.setenv("CELERY_BROKER_URL", worker_settings.CELERY_BROKER_URL)
        celery_app.conf.broker_url = worker_settings.CELERY_BROKER_URL
        celery_app.conf.broker_transport_options = worker_settings.CELERY_BROKER_TRANSPORT_OPTIONS
        celery_app.conf.task_default_queue = worker_settings.CELERY_TASK_DEFAULT_QUEUE
        celery_app.conf.task_queues = worker_settings.CELERY_TASK_QUEUES
        celery_app.conf.task_routes = worker_settings.CELERY_TASK_ROUTES
        _producer_reset()
        filesystem_broker_folders_ensure(source=celery_app.conf)
        try:
            yield worker_settings
        finally:
            for key, value in saved.items():
                celery_app.conf[key] = value
            _producer_reset()


def _environment(*, broker_url: str, var_dir: Path, queue: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "WARGA_VAR_DIR": str(var_dir),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "WARGA_HEARTBEAT_SECONDS": "1",
        "WARGA_LOG_LEVEL": "INFO",
        # The tests read the worker's log for what it did: text lines, not JSON objects.
        "WARGA_LOG_FORMAT": "text",
    }


def queue_delete(queue: str) -> None:
    """Remove one queue of the run, its exchange and bindings from a shared RabbitMQ/Redis.

    Declared first so that this channel knows the bindings; kombu's Redis transport deletes
    only the bindings its channel has seen.
    """
    definition = celery_app.amqp.queues[queue]
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1)
        bound = definition.bind(broker.default_channel)
        bound.declare()
        bound.delete()
        bound.exchange.delete()


@pytest.fixture
def idle_broker(db: None, tmp_path: Path) -> Iterator[None]:
    """A filesystem broker that no worker consumes: what the sender sees when workers are down."""
    environment = _environment(broker_url="filesystem://", var_dir=tmp_path / "var", queue="default")
    with producer_configured(environment):
        yield


@contextmanager
def worker_running(
    *,
    broker: str,
    folder: Path,
    queue: str,
    django_db_blocker: Any,
    remove_queue: bool = True,
    classes: tuple[str, ...] = ("urgent", "default", "bulk"),
    broker_url: str | None = None,
    extra_environment: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
) -> Iterator[Worker]:
    """A `celery worker` subprocess on `broker` consuming the run's queues of `classes` (the
    run's default queue is `queue`; urgent and bulk are named after it), ready when this
    yields; the producer sends with the same settings meanwhile. Stopped (warm) afterwards if
    still alive, then, with `remove_queue`, those queues are deleted from a shared RabbitMQ/Redis.
    `broker_url` replaces the broker's own address (a proxy in front of it, tests/faults);
    `extra_environment` adds settings of the test's own, `options` command-line options."""
    spec = BROKERS[broker]
    nodename = f"warga-test-{broker}-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    url = broker_url or (spec[0] if spec else "filesystem://")
    environment = _environment(broker_url=url, var_dir=folder / "var", queue=queue) | (extra_environment or {})
    with producer_configured(environment) as worker_settings:
        queues = [worker_settings.WARGA_QUEUES[name] for name in classes]
        try:
            with _worker_process(
                broker=broker,
                folder=folder,
                nodename=nodename,
                queues=queues,
                environment=environment,
                options=options,
            ) as running:
                _STARTED_BY_TEST.append(running)
                yield running
        finally:
            if remove_queue and spec is not None:
                for name in queues:
                    queue_delete(name)
            with django_db_blocker.unblock():
                WorkerHeartbeat.objects.filter(hostname=nodename).delete()


@contextmanager
def _worker_process(
    *,
    broker: str,
    folder: Path,
    nodename: str,
    queues: list[str],
    environment: dict[str, str],
    options: tuple[str, ...] = (),
) -> Iterator[Worker]:
    """The worker subprocess itself: started, awaited until ready, stopped warm (killed late)."""
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        ",".join(queues),
        f"--hostname={nodename}",
        "--loglevel=INFO",
        # No chatter with other workers: those on a shared broker are not ours to meet.
        "--without-mingle",
        "--without-gossip",
        *options,
    ]
    log_path = folder / f"worker-{nodename.split('@')[0]}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=config.settings.BASE_DIR,
            env=os.environ | environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    running = Worker(
        broker=broker,
        nodename=nodename,
        queue=environment["CELERY_TASK_DEFAULT_QUEUE"],
        process=process,
        log_path=log_path,
        environment=environment,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while f"{nodename} ready." not in running.log():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"The {broker} worker did not become ready within {START_SECONDS} s "
                    f"(exit code {process.poll()}). Its log:\n{running.log()}"
                )
            time.sleep(0.1)
        yield running
    finally:
        if process.poll() is None:
            # Warm shutdown: the worker finishes the task in hand, then exits.
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module", params=list(BROKERS))
def worker(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: Any,
) -> Iterator[Worker]:
    broker: str = request.param
    _require_or_skip(broker)
    folder = tmp_path_factory.mktemp(f"worker-{broker}")
    queue = f"default-test-{uuid.uuid4().hex[:8]}"
    with worker_running(broker=broker, folder=folder, queue=queue, django_db_blocker=django_db_blocker) as running:
        yield running


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory() -> None:
    """Overrides tests/conftest.py's: the worker and server processes here read the run's media
    folder, so these tests keep it."""
