"""On the filesystem broker the run command gives each worker process a wider prefetch window
(deploy/dev.py, decision 0086): a polled broker otherwise lets a process finish about one task
per polling interval. What a worker holds when it stops must be neither lost nor run twice: it
finishes what its pool took and gives back the rest, and the next worker runs each task once."""

from __future__ import annotations

import importlib.util
import re
import signal
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest
from django.db import connection

from tenants.models import Government
from warga.diagnostics.models import TaskEcho
from warga.diagnostics.services import echo_request

from .conftest import STOP_SECONDS, worker_running
from .support import echo_rows, wait_for

pytestmark = pytest.mark.worker

TASKS = 12
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("warga_dev", DEPLOY / "dev.py")
    assert spec is not None
    assert spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    return dev


def test_the_run_command_widens_the_window_on_the_filesystem_broker_only() -> None:
    dev = _dev()
    options = dev.broker_worker_options({})  # no broker configured: the filesystem transport
    assert options == [f"--prefetch-multiplier={dev.FILESYSTEM_PREFETCH_MULTIPLIER}"]
    assert dev.FILESYSTEM_PREFETCH_MULTIPLIER > 1
    assert dev.broker_worker_options({"CELERY_BROKER_URL": "filesystem://"}) == options
    for pushed in ("amqp://guest:guest@127.0.0.1:5672//", "redis://127.0.0.1:6379/0"):
        assert dev.broker_worker_options({"CELERY_BROKER_URL": pushed}) == []
    for command in dev.worker_commands({}).values():
        assert options[0] in command


def _received(log: str) -> set[str]:
    return set(re.findall(r"diagnostics\.echo\[([0-9a-f-]+)\] received", log))


def _recorded(log: str) -> list[str]:
    return re.findall(r"diagnostics\.echo ([0-9a-f-]+) recorded", log)


def test_tasks_a_stopped_worker_held_go_back_and_run_once(
    db: None, tmp_path: Path, django_db_blocker: Any, echo_tokens: list[uuid.UUID]
) -> None:
    bandung = Government.objects.get(code="32.73")
    # As the run command starts them: a pool of processes (the test workers' solo pool would
    # run the task in the very loop that fetches).
    options = (*_dev().broker_worker_options({}), "--pool=prefork")
    queue = f"default-test-{uuid.uuid4().hex[:8]}"
    running: dict[str, Any] = {"broker": "filesystem", "folder": tmp_path, "queue": queue}
    echo_table = f'"{bandung.schema_name}".{TaskEcho._meta.db_table}'
    params = connection.get_connection_params()
    holder = psycopg.connect(
        **{key: params[key] for key in ("dbname", "user", "host", "port", "password") if key in params}
    )
    try:
        with worker_running(**running, django_db_blocker=django_db_blocker, options=options) as first:
            # Another session holds the echo table: the first echo blocks on its row, and the
            # worker fills its window with the next ones meanwhile.
            holder.execute(f"LOCK TABLE {echo_table} IN SHARE ROW EXCLUSIVE MODE")
            echo_tokens += [echo_request(government=bandung) for _ in range(TASKS)]
            # With a window of one it holds the blocked echo only (acknowledged late). Well within
            # the echo's soft time limit (20 s), which would end the blocked one.
            wait_for(lambda: len(_received(first.log())) >= 2, what="the worker to hold several echoes", timeout=10)
            first.process.send_signal(signal.SIGTERM)  # a warm stop, with tasks in hand
            holder.rollback()  # what it holds is finished or goes back to the queue
            first.process.wait(timeout=STOP_SECONDS)
            held = _received(first.log())
            ran_first = _recorded(first.log())
    finally:
        holder.close()
    assert len(held) >= 2
    assert len(ran_first) < TASKS
    with worker_running(**running, django_db_blocker=django_db_blocker, options=options) as second:
        wait_for(
            lambda: all(echo_rows(token) for token in echo_tokens),
            what=f"all {TASKS} echoes to be recorded",
            state=lambda: _recorded(second.log()),
        )
        ran_second = _recorded(second.log())
    ran = ran_first + ran_second
    assert sorted(ran) == sorted(str(token) for token in echo_tokens)  # each once: none lost, none twice
