"""Notifications queued on commit are delivered by a real worker in the right government."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from tenants.context import government_context
from tenants.models import Government
from warga.accounts.models import User
from warga.notifications.models import Channel, DeliveryStatus, EventKind, Notification
from warga.notifications.services import notifications_send

from .support import Worker, wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def recipient(db: None) -> Iterator[User]:
    user = User.objects.create_user("penerima-notifikasi@example.id", None)
    yield user
    for government in Government.objects.filter(code__in=["31", "32.73"]):
        with government_context(government):
            Notification.objects.filter(recipient_id=user.pk).delete()
    user.delete()


def test_email_notification_is_delivered_after_commit_in_its_government(worker: Worker, recipient: User) -> None:
    bandung = Government.objects.get(code="32.73")
    with government_context(bandung), transaction.atomic():
        queued = notifications_send(
            recipient_ids=[recipient.pk],
            report_id=None,
            kind=EventKind.REPORT_STATUS_CHANGED,
            context={"tracking_number": "3273-2026-999999", "from_status": "received", "to_status": "verified"},
            dedup_key="worker-test:1",
        )
        assert len(queued) == 1

    def delivered() -> Notification | None:
        with government_context(bandung):
            return Notification.objects.filter(pk=queued[0], status=DeliveryStatus.SENT).first()

    row = wait_for(delivered, what="the worker delivering the email notification")
    assert (row.channel, row.attempts, row.last_error) == (Channel.EMAIL, 1, "")
    worker.wait_for_log("Status laporan 3273-2026-999999: verified")
    with government_context(Government.objects.get(code="31")):
        assert not Notification.objects.filter(recipient_id=recipient.pk).exists()
