"""Tenant-aware Celery with a real worker process, for every broker the worker fixture runs.

Each test sends from this process and waits, with a deadline, for the worker's evidence in the
database (an echo row in some schema) or in its log (a refusal).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from config.celery import app as celery_app
from tenants.context import government_context
from tenants.models import Government, Level
from tenants.selectors import governments_ready
from tenants.services import government_build_schema, government_mark_ready, government_register
from warga.diagnostics.models import TaskEcho
from warga.diagnostics.services import echo_request
from warga.diagnostics.tasks import echo
from warga.health.models import WorkerHeartbeat

from .support import Worker, echo_rows, wait_for

pytestmark = pytest.mark.worker

REFUSED = "celery.exceptions.Reject: (TenantContextMissing(\"Task diagnostics.echo needs a ready government's schema"


def _arrived(token: uuid.UUID) -> dict[str, str]:
    return dict(wait_for(lambda: echo_rows(token), what=f"the echo {token} to be recorded"))


def test_echo_runs_in_the_schema_of_the_government_it_was_sent_to_and_nowhere_else(
    worker: Worker, echo_tokens: list[uuid.UUID]
) -> None:
    bandung = Government.objects.get(code="32.73")
    jakarta = Government.objects.get(code="31")

    bandung_token = echo_request(government=bandung)
    jakarta_token = echo_request(government=jakarta)
    echo_tokens += [bandung_token, jakarta_token]

    # Exactly one row each, in its own schema, written while the connection was on that schema.
    assert _arrived(bandung_token) == {"gov_32_73": "gov_32_73"}
    assert _arrived(jakarta_token) == {"gov_31": "gov_31"}
    with government_context(jakarta):
        assert not TaskEcho.objects.filter(token=bandung_token).exists()
        assert TaskEcho.objects.get(token=jakarta_token).schema_seen == "gov_31"
    with government_context(bandung):
        assert not TaskEcho.objects.filter(token=jakarta_token).exists()


def test_echo_requested_inside_an_outer_transaction_still_reaches_its_government(
    worker: Worker, echo_tokens: list[uuid.UUID]
) -> None:
    """on_commit fires after the government's context has been left (the connection is back on
    public): the schema must have been pinned when the echo was requested."""
    bandung = Government.objects.get(code="32.73")
    with transaction.atomic():
        token = echo_request(government=bandung)
        echo_tokens.append(token)
        assert echo_rows(token) == {}  # nothing is sent before the commit

    assert _arrived(token) == {"gov_32_73": "gov_32_73"}


def test_tenant_task_sent_from_the_public_schema_is_refused(worker: Worker, echo_tokens: list[uuid.UUID]) -> None:
    token = uuid.uuid4()
    echo_tokens.append(token)

    sent = echo.apply_async(kwargs={"token": str(token)})

    log = worker.wait_for_log(f"Task diagnostics.echo[{sent.id}] reject requeue=False: ")
    assert f"{REFUSED} but would run in 'public'" in log
    assert echo_rows(token) == {}


def test_tenant_task_is_refused_until_its_government_is_ready_then_runs_at_once(
    worker: Worker, echo_tokens: list[uuid.UUID]
) -> None:
    # Registered and its schema built, not yet marked ready: what beat could reach mid-provisioning.
    pending = government_register(code="32.04", name="Kabupaten Bandung", level=Level.REGENCY)
    early, late = uuid.uuid4(), uuid.uuid4()
    echo_tokens += [early, late]
    try:
        government_build_schema(government=pending)
        with government_context(pending):
            refused = echo.apply_async(kwargs={"token": str(early)})
        log = worker.wait_for_log(f"Task diagnostics.echo[{refused.id}] reject requeue=False: ")
        assert f"{REFUSED} but would run in 'gov_32_04'" in log
        assert echo_rows(early) == {}

        # The worker now holds the government in its tenant cache as not ready; readiness is
        # read afresh, so the next task runs at once instead of being refused for the cache's life.
        government_mark_ready(government=pending)
        with government_context(pending):
            echo.apply_async(kwargs={"token": str(late)})
        assert _arrived(late) == {"gov_32_04": "gov_32_04"}
        assert echo_rows(early) == {}  # a refused task is dropped, not retried
    finally:
        pending.delete()


def test_echo_that_expired_before_a_worker_took_it_is_discarded(worker: Worker, echo_tokens: list[uuid.UUID]) -> None:
    bandung = Government.objects.get(code="32.73")
    stale = echo_request(government=bandung, expires_seconds=0.000001)  # expired once published
    fresh = echo_request(government=bandung)
    echo_tokens += [stale, fresh]

    # One consumer takes the queue in order: once the later echo is in, the stale one was handled.
    assert _arrived(fresh) == {"gov_32_73": "gov_32_73"}
    assert "Discarding revoked task: diagnostics.echo[" in worker.log()
    assert echo_rows(stale) == {}


def test_echo_is_idempotent_on_its_token(worker: Worker, echo_tokens: list[uuid.UUID]) -> None:
    bandung = Government.objects.get(code="32.73")
    token = uuid.uuid4()
    echo_tokens.append(token)
    with government_context(bandung):
        first = echo.apply_async(kwargs={"token": str(token)})
        second = echo.apply_async(kwargs={"token": str(token)})  # a redelivery, as after a lost ack

    worker.wait_for_log(f"diagnostics.echo {token} recorded in schema gov_32_73\n", count=2)
    with government_context(bandung):
        rows = list(TaskEcho.objects.filter(token=token).values_list("task_id", "schema_seen"))
    # One row, from whichever copy ran first: brokers need not keep two messages sent within
    # the same millisecond in order (the filesystem transport orders by file name).
    assert len(rows) == 1
    assert rows[0] in {(first.id, "gov_32_73"), (second.id, "gov_32_73")}
    assert echo_rows(token) == {"gov_32_73": "gov_32_73"}


def test_for_each_ready_tenant_reaches_every_ready_government_exactly_once(
    worker: Worker, echo_tokens: list[uuid.UUID]
) -> None:
    ready = {"nasional", "gov_31", "gov_32_73"}
    assert set(governments_ready().values_list("schema_name", flat=True)) == ready
    token = uuid.uuid4()  # the same token everywhere: one table per schema, one row per government
    echo_tokens.append(token)

    # Sent from the public schema, as beat sends it; the dispatcher runs in the worker.
    celery_app.send_task(
        "tenants.for_each_ready_tenant",
        args=["diagnostics.echo"],
        kwargs={"jitter_seconds": 0, "kwargs": {"token": str(token)}},
    )

    wait_for(lambda: set(echo_rows(token)) == ready, what="an echo in every ready government")
    log = worker.wait_for_log(f"diagnostics.echo {token} recorded", count=len(ready))
    assert echo_rows(token) == {schema: schema for schema in ready}  # not the template, nowhere else
    for schema in ready:
        assert log.count(f"diagnostics.echo {token} recorded in schema {schema}\n") == 1
    assert "dispatched diagnostics.echo to 3 of 3 ready governments" in log


def test_worker_records_its_heartbeat_while_running(worker: Worker, db: None) -> None:
    first = wait_for(
        lambda: WorkerHeartbeat.objects.filter(hostname=worker.nodename).first(),
        what="the worker's first heartbeat",
    )
    assert first.pid == worker.process.pid
    # WARGA_HEARTBEAT_SECONDS=1 for this worker: a later beat moves beat_at forward.
    later = wait_for(
        lambda: WorkerHeartbeat.objects.filter(hostname=worker.nodename, beat_at__gt=first.beat_at).first(),
        what="a second heartbeat",
    )
    assert later.started_at == first.started_at
    assert later.beat_at - first.beat_at >= timedelta(seconds=0.5)


def test_check_tenant_tasks_reaches_every_ready_government_and_leaves_no_rows(worker: Worker, db: None) -> None:
    """The operator's command, run as an operator runs it: its own process, the workers' broker."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check_tenant_tasks", "--timeout", "20"],
        cwd=settings.BASE_DIR,
        env=os.environ | worker.environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["government", "schema", "round", "trip"]
    rows = [re.fullmatch(r"(.+?) {2,}(\S+) +(\d+) ms", line) for line in lines[1:4]]
    assert [(row[1], row[2]) for row in rows if row] == [
        ("Provinsi DKI Jakarta (31)", "gov_31"),
        ("Kota Bandung (32.73)", "gov_32_73"),
        ("Pemerintah Pusat (Nasional) (national)", "nasional"),
    ]
    assert lines[4:] == ["All 3 governments answered."]
    assert echo_rows() == {}  # the command removes the echoes it received


def test_check_tenant_tasks_names_the_governments_that_did_not_answer(idle_broker: None) -> None:
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("check_tenant_tasks", "--timeout", "0.5", "32.73", "31", stdout=out)

    assert str(raised.value) == (
        "no answer within 0.5 s from 2 of 2: Kota Bandung (32.73), Provinsi DKI Jakarta (31). "
        "Is a worker running and consuming the default queue, with the same broker?"
    )
    assert [line.split()[-2:] for line in out.getvalue().splitlines()[1:]] == [["NO", "ANSWER"], ["NO", "ANSWER"]]
    assert echo_rows() == {}


def test_check_tenant_tasks_refuses_unknown_and_not_ready_governments(db: None) -> None:
    with pytest.raises(CommandError) as unknown:
        call_command("check_tenant_tasks", "31", "99.99", "atlantis", stdout=StringIO())
    assert str(unknown.value) == "No government with code or slug: 99.99, atlantis."

    pending = government_register(code="32.04", name="Kabupaten Bandung", level=Level.REGENCY)
    try:
        with pytest.raises(CommandError) as not_ready:
            call_command("check_tenant_tasks", "32.04", stdout=StringIO())
    finally:
        pending.delete()
    assert str(not_ready.value) == (
        "Not ready (not in service, workers refuse their tasks): Kabupaten Bandung (32.04). "
        "Finish provisioning them or leave them out."
    )
