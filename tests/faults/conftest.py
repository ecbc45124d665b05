"""Fixtures of the fault tests: committed data (the servers under test are other processes),
citizens signed in, and a beat process beside the worker.

The worker process comes from tests/worker (`worker_running`), whose report hook attaches the
logs of the workers a failing test started; it is imported here so that it runs for this folder
too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session

import config.settings
from tests.worker.conftest import pytest_runtest_makereport  # noqa: F401 -- the workers' logs on failure
from tests.worker.support import committed_citizen

from .support import Citizen, citizen_signed_in, stopped


@pytest.fixture
def db(committed_db: None) -> None:
    """Committed access, as in tests/worker: the web server and the worker are other processes.
    Named `db` so that pytest-django creates the test database when this folder runs alone."""


@pytest.fixture(autouse=True)
def _relay_bookkeeping_restored(db: None) -> Iterator[None]:
    """The relays the workers run here commit batches and move each source's cursor in the
    national read model; both are put back as they were, for the tests that count them."""
    from warga.national.models import RelayBatch, RelaySource

    last_batch = RelayBatch.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sources = list(RelaySource.objects.values())
    yield
    RelayBatch.objects.filter(id__gt=last_batch).delete()
    RelaySource.objects.exclude(id__in=[source["id"] for source in sources]).delete()
    for source in sources:
        RelaySource.objects.filter(id=source["id"]).update(**{k: v for k, v in source.items() if k != "id"})


@pytest.fixture
def citizens(db: None) -> Iterator[Callable[[int], list[Citizen]]]:
    """`citizens(n)`: n signed-in citizens; afterwards their Kota Bandung reports and everything
    written about them (tests/worker/support.committed_citizen), their sessions and they go."""
    made: list[Citizen] = []
    with ExitStack() as stack:

        def make(count: int) -> list[Citizen]:
            batch = [
                citizen_signed_in(stack.enter_context(committed_citizen(email_prefix="gangguan"))) for _ in range(count)
            ]
            made.extend(batch)
            return batch

        yield make
        Session.objects.filter(session_key__in=[each.session_key for each in made]).delete()


@contextmanager
def beat_running(environment: dict[str, str], folder: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`celery beat` with `environment` (a worker's), its log in `folder`, started (not awaited:
    it starts beside the other processes); stopped afterwards."""
    log_path = folder / "beat.log"
    Path(environment["WARGA_VAR_DIR"], "celery").mkdir(parents=True, exist_ok=True)  # its schedule file
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("celery")), "-A", "config", "beat", "--loglevel=INFO"],
            cwd=config.settings.BASE_DIR,
            env=os.environ | environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
        assert process.poll() is None, f"celery beat stopped. Its log:\n{log_path.read_text(errors='replace')}"
    finally:
        stopped(process)


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory() -> None:
    """Overrides tests/conftest.py's: the worker and server processes here read the run's media
    folder, so these tests keep it."""
