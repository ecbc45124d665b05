"""A real webhook worker killed with SIGKILL in the middle of a delivery: the delivery is
recorded delivered exactly once, by the next worker.

The receiver (a local HTTP server verifying the signature) holds the first request open;
meanwhile the sending worker's database session holds the delivery's advisory lock with no
transaction open (docs/decisions/0048). The worker is killed there, the receiver let go, a new
worker started and beat's backstop (`webhooks.deliver_due`) sent, as beat would.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from tenants.context import government_context
from tenants.models import Government
from tests.warga.webhooks.receiver import Receiver
from warga.webhooks.models import Delivery, DeliveryState, Endpoint
from warga.webhooks.services import delivery_lock_key, endpoint_create, webhooks_report_event

from .conftest import worker_running
from .support import wait_for

pytestmark = pytest.mark.worker

FINISHED = re.compile(r"Task webhooks\.deliver\[[0-9a-f-]+\] (succeeded|raised)")


@pytest.fixture
def receiver(db: None, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """A receiver on this machine, which this process and the workers it starts may deliver to;
    Bandung's endpoint and deliveries are removed afterwards."""
    settings.WARGA_WEBHOOKS_ALLOW_LOCAL = True
    monkeypatch.setenv("WARGA_WEBHOOKS_ALLOW_LOCAL", "1")
    running = Receiver()
    yield running
    running.close()
    with government_context(Government.objects.get(code="32.73")):
        Delivery.objects.all().delete()
        Endpoint.objects.all().delete()


def _lock_holders(key: int) -> list[tuple[int, str]]:
    """(pid, state) of the sessions holding the advisory lock `key`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT a.pid, a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted "
            "AND ((l.classid::bigint << 32) | l.objid::bigint) = (%s::bigint & x'FFFFFFFFFFFFFFFF'::bigint)",
            [key],
        )
        return [(int(pid), str(state)) for pid, state in cursor.fetchall()]


def test_a_delivery_cut_off_by_a_killed_worker_is_recorded_delivered_exactly_once(
    receiver: Receiver, tmp_path: Path, django_db_blocker: Any
) -> None:
    bandung = Government.objects.get(code="32.73")
    with government_context(bandung):
        issued = endpoint_create(name="Sistem aduan", url=receiver.url, events=["report.created"])
    receiver.secret = issued.secret
    arrived, release = threading.Event(), threading.Event()

    def hold_the_first() -> None:
        if not arrived.is_set():
            arrived.set()
            release.wait(timeout=30)

    receiver.on_request = hold_the_first
    queue = f"default-test-{uuid.uuid4().hex[:8]}"
    workers = {"broker": "filesystem", "folder": tmp_path, "queue": queue, "django_db_blocker": django_db_blocker}
    with worker_running(**workers, classes=("webhooks",), remove_queue=False) as first:
        with government_context(bandung), transaction.atomic():
            (delivery_id,) = webhooks_report_event(
                kind="report.submitted", payload={"tracking_number": "UJI-KAIT-000001"}, at=timezone.now()
            )
        assert arrived.wait(timeout=20), "the worker never reached the receiver"
        key = delivery_lock_key(schema=bandung.schema_name, delivery_id=delivery_id)
        # Mid-delivery: the worker's session holds the claim, and no transaction.
        ((_pid, state),) = _lock_holders(key)
        assert state == "idle"
        # The next worker starts meanwhile (idle: the only message is in the first one's hands).
        with worker_running(**workers, classes=("webhooks",)) as second:
            os.kill(first.process.pid, signal.SIGKILL)
            first.process.wait(timeout=10)
            release.set()
            assert not FINISHED.findall(first.log())
            # The killed worker's session ends, and its claim with it; nothing was recorded.
            wait_for(lambda: not _lock_holders(key), what="the killed worker's claim to go", timeout=10)
            with government_context(bandung):
                row = Delivery.objects.get(pk=delivery_id)
            assert (row.state, row.attempts, row.delivered_at) == (DeliveryState.PENDING, 0, None)
            # Beat's pass finds it due and sends it again.
            with government_context(bandung):
                celery_app.send_task("webhooks.deliver_due")

            def delivered() -> bool:
                with government_context(bandung):
                    return Delivery.objects.filter(pk=delivery_id, state=DeliveryState.DELIVERED).exists()

            wait_for(delivered, what="the delivery to be recorded delivered", timeout=20)
            # A duplicate task (a broker redelivering the killed worker's message) changes nothing.
            with government_context(bandung):
                celery_app.send_task("webhooks.deliver", kwargs={"delivery_id": delivery_id})

            def finished() -> bool:
                log = second.log()
                received = len(re.findall(r"Task webhooks\.deliver\[[0-9a-f-]+\] received", log))
                return received >= 2 and len(FINISHED.findall(log)) == received

            wait_for(finished, what="every delivery task of the new worker to finish", timeout=20)
            assert "raised" not in FINISHED.findall(second.log())
            assert "'delivered'" in second.log()
            assert "'skipped'" in second.log()

    with government_context(bandung):
        row = Delivery.objects.get(pk=delivery_id)
    assert (row.state, row.attempts, row.status_code) == (DeliveryState.DELIVERED, 1, 200)
    # The receiver saw the same delivery twice (at least once), signed both times; it
    # recognises the second by its Warga-Delivery id.
    assert [r.verified for r in receiver.received] == [True, True]
    assert {r.headers["Warga-Delivery"] for r in receiver.received} == {str(row.uid)}
