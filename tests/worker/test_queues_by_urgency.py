"""A notification does not wait behind photo processing: with the bulk queue flooded by real
photo tasks, a notification sent afterwards is delivered while photos are still waiting.

The workers are laid out as the development run starts them (deploy/dev.py): one consuming the
urgent and default queues, one consuming the bulk queue. The bound is a property, not a
stopwatch: the notification is delivered before the bulk backlog is drained. Routed through
one queue (as before queues by urgency) it would be delivered only after every photo before it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tenants.context import government_context
from tenants.models import Government
from tests.warga.reports.helpers import submit
from tests.warga.reports.images import distinct_image
from warga.accounts.models import User
from warga.notifications.models import DeliveryStatus, EventKind, Notification
from warga.notifications.services import notifications_send
from warga.photos import MAX_PHOTOS
from warga.reports.models import PhotoState, ReportPhoto

from .conftest import BROKERS, _require_or_skip, worker_running
from .support import committed_citizen, wait_for

pytestmark = pytest.mark.worker

# 8 reports of 5 phone-sized photos (4000 x 3000, 12 MP, each decoded, cleaned, resized and
# thumbnailed by the worker): a backlog of tens of seconds of one worker process's time.
REPORTS = 8
PHOTO_SIZE = (4000, 3000)


@pytest.fixture
def citizen(db: None) -> Iterator[User]:
    with committed_citizen(email_prefix="banjir-foto") as user:
        yield user


@pytest.fixture
def recipient(db: None) -> Iterator[User]:
    user = User.objects.create_user(f"lurah-{uuid.uuid4().hex[:8]}@example.id", None)
    yield user
    with government_context(Government.objects.get(code="32.73")):
        Notification.objects.filter(recipient_id=user.pk).delete()
    user.delete()


def _photos_waiting(bandung: Government, reporter: User) -> int:
    with government_context(bandung):
        return ReportPhoto.objects.filter(report__reporter_id=reporter.pk, state=PhotoState.PROCESSING).count()


@pytest.mark.parametrize("broker", list(BROKERS))
def test_a_notification_is_delivered_while_the_photo_backlog_is_still_waiting(
    broker: str, citizen: User, recipient: User, tmp_path: Path, django_db_blocker: Any, settings: Any
) -> None:
    _require_or_skip(broker)
    bandung = Government.objects.get(code="32.73")
    queue = f"default-test-{uuid.uuid4().hex[:8]}"
    # Both workers and this process share one media folder, as they share one in production.
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    with (
        worker_running(
            broker=broker,
            folder=tmp_path,
            queue=queue,
            django_db_blocker=django_db_blocker,
            classes=("urgent", "default"),
        ) as urgent,
        worker_running(
            broker=broker, folder=tmp_path, queue=queue, django_db_blocker=django_db_blocker, classes=("bulk",)
        ) as bulk,
    ):
        for report in range(REPORTS):
            photos = [
                SimpleUploadedFile(f"foto-{index}.jpg", distinct_image(report * MAX_PHOTOS + index, size=PHOTO_SIZE))
                for index in range(MAX_PHOTOS)
            ]
            submit(citizen, idempotency_key=uuid.uuid4().hex, photos=photos)
        flooded = _photos_waiting(bandung, citizen)
        assert flooded > REPORTS * MAX_PHOTOS // 2, "the bulk worker drained the flood before the test could look"

        with government_context(bandung), transaction.atomic():
            (queued,) = notifications_send(
                recipient_ids=[recipient.pk],
                report_id=None,
                kind=EventKind.REPORT_STATUS_CHANGED,
                context={"tracking_number": "3273-2026-999998", "from_status": "received", "to_status": "verified"},
                dedup_key=f"queues-test:{uuid.uuid4().hex}",
            )

        def delivered() -> bool:
            with government_context(bandung):
                return Notification.objects.filter(pk=queued, status=DeliveryStatus.SENT).exists()

        wait_for(delivered, what="the notification to be delivered", timeout=60, interval=0.05)
        waiting = _photos_waiting(bandung, citizen)
        assert waiting > 0, (
            f"the notification was delivered only after all {flooded} photos: it waited behind the bulk queue"
        )
        # Each kind of work went to its own worker.
        assert "Task notifications.deliver[" in urgent.log()
        assert "Task reports.photo_process[" not in urgent.log()
        assert "Task notifications.deliver[" not in bulk.log()
        # The backlog is still worked off: the photos are not lost, only later.
        wait_for(
            lambda: _photos_waiting(bandung, citizen) == 0,
            what=f"the bulk worker to finish the {flooded} photos",
            timeout=300,
            interval=0.5,
        )
