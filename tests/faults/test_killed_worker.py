"""A worker killed with SIGKILL in the middle of notification delivery, photo processing and a
relay batch: each effect happens exactly once.

One real worker after another on RabbitMQ (acks late: the message of a killed worker goes back
to the queue), each stopped at a known point without any hook in the product, then killed:

1. notification delivery: the (local, real HTTP) SMS gateway holds the third message of a batch
   of six while the worker waits for its answer;
2. photo processing: the test holds the second photo's row, which the worker locks after it has
   written the clean files;
3. a relay batch: the test holds the last outbox event's row, which the worker marks relayed
   after it has written the national facts and roll-ups in the same transaction.

A last worker finishes what the killed ones left. Every SMS reaches the person once (the repeat
carries the same Idempotency-Key, which the gateway, like real providers, takes as the same
message), every photo has one clean file and one thumbnail and nothing else on disk, and every
outbox event was applied by exactly one committed relay batch.
"""

from __future__ import annotations

import os
import signal
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.notifications.fakes import FakeGateway
from tests.warga.reports.helpers import submit
from tests.warga.reports.images import distinct_image
from tests.worker.conftest import BROKERS, _environment, _require_or_skip, producer_configured, worker_running
from tests.worker.support import Worker, backend_alive, backends_waiting_for_me, committed_citizen, wait_for
from warga.accounts.models import User
from warga.national.models import RelayBatch, ReportFact
from warga.notifications.models import Channel, ChannelPreference, DeliveryStatus, EventKind, Notification
from warga.notifications.services import notifications_send
from warga.outbox.models import OutboxEvent
from warga.reports.models import PhotoState, ReportPhoto

from .support import media_files, say

pytestmark = [pytest.mark.worker, pytest.mark.timeout(240)]

RECIPIENTS = 6
HELD_MESSAGE = 3
PHOTOS = 3
RELAYED = 3


def _kill(worker: Worker) -> None:
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)


class _Release(Exception):
    """Leaves the block that holds a row, rolling its transaction back."""


@contextmanager
def _killed_while_waiting_on(hold: Callable[[], object], started: Callable[[], Any]) -> Iterator[None]:
    """Hold a row (`hold`, in a transaction of this process), then start a worker (`started`),
    let the body run, wait until the worker's session waits on the row, kill the worker, then let
    go; returns once the killed worker's session is gone (its transaction rolled back). The row
    is held before the worker starts, so the worker cannot get past it first."""
    waiting: list[int] = []
    with ExitStack() as worker_context:
        try:
            with transaction.atomic():
                hold()
                worker = worker_context.enter_context(started())
                yield
                waiting = wait_for(backends_waiting_for_me, what="the worker to reach the held row", timeout=30)
                _kill(worker)
                raise _Release
        except _Release:
            pass
        wait_for(
            lambda: not any(backend_alive(pid) for pid in waiting),
            what="the killed worker's session to end",
            timeout=10,
        )


@pytest.fixture
def sms_recipients(db: None) -> Iterator[list[User]]:
    users = [UserFactory(phone=f"+62812000{number:05d}", phone_verified=True) for number in range(RECIPIENTS)]
    bandung = Government.objects.get(code="32.73")
    with government_context(bandung):
        ChannelPreference.objects.bulk_create(
            ChannelPreference(user_id=user.pk, email=False, sms=True) for user in users
        )
    yield users
    with government_context(bandung):
        Notification.objects.filter(recipient_id__in=[user.pk for user in users]).delete()
        ChannelPreference.objects.filter(user_id__in=[user.pk for user in users]).delete()
    for user in users:
        user.delete()


def test_each_effect_happens_once_across_killed_workers(
    sms_recipients: list[User], tmp_path: Path, settings: Any, django_db_blocker: Any
) -> None:
    _require_or_skip("amqp")
    bandung = Government.objects.get(code="32.73")
    gateway = FakeGateway()
    held = threading.Event()
    let_go = threading.Event()

    def hold_the_third() -> None:
        if len({each.get("idempotency_key") for each in gateway.received}) == HELD_MESSAGE and not held.is_set():
            held.set()
            let_go.wait(30)

    gateway.on_request = hold_the_third
    queue = f"default-test-{uuid.uuid4().hex[:8]}"
    environment = {
        "WARGA_SMS_HTTP_URL": gateway.url,
        "WARGA_SMS_HTTP_TOKEN": "token-uji",
        "WARGA_SMS_HTTP_TIMEOUT": "20",
    }
    settings.MEDIA_ROOT = tmp_path / "var" / "media"

    def started() -> Any:
        return worker_running(
            broker="amqp",
            folder=tmp_path,
            queue=queue,
            django_db_blocker=django_db_blocker,
            remove_queue=False,
            extra_environment=environment,
        )

    amqp = BROKERS["amqp"]
    assert amqp is not None
    # This process sends (notifications, photos, relay nudges) to the workers' queues all along,
    # also while no worker runs.
    sender = _environment(broker_url=amqp[0], var_dir=tmp_path / "var", queue=queue) | environment
    with producer_configured(sender), committed_citizen(email_prefix="pekerja-mati") as citizen:
        # 1. Notification delivery: killed while the gateway holds the third of six messages.
        with started() as first:
            with government_context(bandung), transaction.atomic():
                queued = notifications_send(
                    recipient_ids=[user.pk for user in sms_recipients],
                    report_id=None,
                    kind=EventKind.REPORT_STATUS_CHANGED,
                    context={
                        "tracking_number": "32.73-2026-999001",
                        "from_status": "received",
                        "to_status": "verified",
                    },
                    dedup_key=f"fault-sms:{uuid.uuid4().hex}",
                )
            assert len(queued) == RECIPIENTS
            wait_for(held.is_set, what="the gateway to hold the third message", timeout=30)
            _kill(first)
            let_go.set()

        # 2. Photo processing: killed with the second photo's clean files written, its row held.
        numbers = [
            submit(
                citizen, idempotency_key=uuid.uuid4().hex, photos=[_upload(distinct_image(2000 + index, (96, 72)))]
            ).tracking_number
            for index in range(PHOTOS)
        ]
        with government_context(bandung):
            photo_ids = list(
                ReportPhoto.objects.filter(report__tracking_number__in=numbers)
                .order_by("id")
                .values_list("id", flat=True)
            )
            with _killed_while_waiting_on(
                lambda: list(ReportPhoto.objects.select_for_update().filter(pk=photo_ids[1])), started
            ):
                pass

        # 3. A relay batch: killed after writing the facts, while marking the events relayed.
        numbers += [submit(citizen, idempotency_key=uuid.uuid4().hex).tracking_number for _ in range(RELAYED)]
        with government_context(bandung):
            ours = list(
                OutboxEvent.objects.filter(payload__tracking_number__in=numbers)
                .order_by("id")
                .values_list("id", flat=True)
            )
            with _killed_while_waiting_on(
                lambda: list(OutboxEvent.objects.select_for_update().filter(pk=ours[-1])), started
            ):
                pass

        # 4. A worker that is left alone finishes everything.
        with started():

            def finished() -> bool:
                with government_context(bandung):
                    delivered = Notification.objects.filter(pk__in=queued, status=DeliveryStatus.SENT).count()
                    ready = ReportPhoto.objects.filter(pk__in=photo_ids, state=PhotoState.READY).count()
                    relayed = OutboxEvent.objects.filter(pk__in=ours, relayed_at__isnull=False).count()
                return (delivered, ready, relayed) == (RECIPIENTS, PHOTOS, len(ours))

            wait_for(finished, what="the last worker to finish the killed workers' work", timeout=60)

        # Exactly once, effect by effect.
        keys = Counter(each.get("idempotency_key") for each in gateway.received)
        with government_context(bandung):
            rows = list(Notification.objects.filter(pk__in=queued).values_list("channel", "attempts"))
            photos = list(ReportPhoto.objects.filter(pk__in=photo_ids).values_list("path", "thumbnail_path"))
            # Relay batches committed in Bandung that cover each of our events (their id ranges).
            batches = list(
                RelayBatch.objects.filter(source_code="32.73", last_event_id__gte=ours[0]).values_list(
                    "first_event_id", "last_event_id"
                )
            )
        applied = Counter(event for event in ours for first, last in batches if first <= event <= last)
        on_disk = {str(path.relative_to(settings.MEDIA_ROOT)) for path in media_files(Path(settings.MEDIA_ROOT), "")}
        say(
            "worker killed with SIGKILL mid-delivery, mid-photo, mid-relay",
            notifications_sent=RECIPIENTS,
            sms_distinct_arrived=len(keys),
            sms_repeats_recognised=sum(keys.values()) - len(keys),
            photos_sent=PHOTOS,
            photos_ready=len(photos),
            files_on_disk=len(on_disk),
            outbox_events=len(ours),
            facts_arrived=ReportFact.objects.filter(tracking_number__in=numbers).count(),
            relay_batches_applying_each_event=sorted(set(applied.values())),
        )
        assert len(keys) == RECIPIENTS
        assert None not in keys
        assert keys[max(keys, key=keys.__getitem__)] <= 2  # the held one repeated once, with its key
        assert {channel for channel, _ in rows} == {Channel.SMS}
        assert on_disk == {path for pair in photos for path in pair}  # no orphans, no quarantine left
        assert len(on_disk) == 2 * PHOTOS
        assert applied == Counter(dict.fromkeys(ours, 1))
        assert ReportFact.objects.filter(tracking_number__in=numbers).count() == len(numbers)
    gateway.close()


def _upload(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("foto.jpg", content)
