from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import DEFAULT_DB_ALIAS, connections

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import official_of
from tests.warga.notifications.fakes import FakeGateway
from tests.warga.reports.helpers import submit
from warga.notifications.models import Channel, DeliveryStatus, EventKind, Notification
from warga.notifications.selectors import channel_preference_for, notifications_for_user, notifications_unread_count
from warga.notifications.services import (
    MAX_ATTEMPTS,
    NotificationNotFound,
    channel_preference_set,
    delivery_lock_key,
    notification_deliver,
    notification_mark_read,
    notifications_mark_all_read,
    notifications_send,
)
from warga.notifications.sms import HttpSmsSender, SmsDeliveryError
from warga.notifications.tasks import notifications_deliver
from warga.reports.models import Report
from warga.reports.services import report_transition


@pytest.fixture
def gateway(settings: Any) -> Iterator[FakeGateway]:
    fake = FakeGateway()
    settings.WARGA_SMS_SENDER = "warga.notifications.sms.HttpSmsSender"
    settings.WARGA_SMS_HTTP_URL = fake.url
    settings.WARGA_SMS_HTTP_TOKEN = "token-uji"
    settings.WARGA_SMS_HTTP_TIMEOUT = 0.5
    yield fake
    fake.close()


def test_http_sender_posts_the_message_with_the_token(gateway: FakeGateway) -> None:
    HttpSmsSender().send(to="+6281234567890", text="Laporan 3273-2026-000001 diterima")
    assert gateway.received == [
        {"auth": "Bearer token-uji", "to": "+6281234567890", "text": "Laporan 3273-2026-000001 diterima"}
    ]


@pytest.mark.parametrize(("status", "retryable"), [(500, True), (503, True), (429, True), (400, False), (401, False)])
def test_http_sender_says_which_refusals_are_worth_retrying(gateway: FakeGateway, status: int, retryable: bool) -> None:
    gateway.statuses = [status]
    with pytest.raises(SmsDeliveryError) as refused:
        HttpSmsSender().send(to="+6281234567890", text="x")
    assert (str(refused.value), refused.value.retryable) == (f"SMS gateway answered HTTP {status}", retryable)


def test_http_sender_times_out_as_retryable(gateway: FakeGateway) -> None:
    gateway.delay = 1.5
    started = time.monotonic()
    with pytest.raises(SmsDeliveryError) as refused:
        HttpSmsSender(timeout=0.3).send(to="+6281234567890", text="x")
    assert refused.value.retryable is True
    assert "did not answer within 0.3 s" in str(refused.value)
    assert time.monotonic() - started < 1.4


def _sms_notification(government: Government, *, phone: str = "+6281111111111") -> tuple[Any, int]:
    user = UserFactory(phone=phone, phone_verified=True)
    with government_context(government):
        channel_preference_set(user_id=user.pk, email=False, sms=True)
        ids = notifications_send(
            recipient_ids=[user.pk],
            report_id=None,
            kind=EventKind.REPORT_STATUS_CHANGED,
            context={"tracking_number": "3273-2026-000009", "from_status": "received", "to_status": "verified"},
            dedup_key="uji:1",
        )
    assert len(ids) == 1
    return user, ids[0]


def test_sms_delivery_500_is_retried_then_sent(bandung: Government, gateway: FakeGateway) -> None:
    gateway.statuses = [500, 200]
    _, notification_id = _sms_notification(bandung)
    with government_context(bandung):
        assert notification_deliver(notification_id=notification_id) == "retry"
        row = Notification.objects.get(pk=notification_id)
        assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.QUEUED, 1, "SMS gateway answered HTTP 500")
        assert notification_deliver(notification_id=notification_id) == "sent"
        row.refresh_from_db()
        assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.SENT, 2, "")
        assert row.sent_at is not None
        # Delivered once: a late duplicate task does nothing.
        assert notification_deliver(notification_id=notification_id) == "skipped"
    assert [r["text"] for r in gateway.received] == ["Status laporan 3273-2026-000009: verified"] * 2


def test_the_gateway_is_called_outside_any_transaction_with_the_notification_claimed(
    bandung: Government, gateway: FakeGateway
) -> None:
    """While the SMS gateway is being waited for, the sending connection holds no transaction
    open (beyond the test's own), and another session cannot claim the same notification."""
    _, notification_id = _sms_notification(bandung)
    sending = connections[DEFAULT_DB_ALIAS]  # this thread's connection, read from the gateway's
    outside = len(sending.atomic_blocks)
    key = delivery_lock_key(schema=bandung.schema_name, notification_id=notification_id)
    seen: list[tuple[int, bool]] = []

    def during_the_call() -> None:
        with psycopg.connect(_dsn(sending.settings_dict), autocommit=True) as other:
            claimed = other.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()
            seen.append((len(sending.atomic_blocks), bool(claimed and claimed[0])))

    gateway.on_request = during_the_call
    with government_context(bandung):
        assert notification_deliver(notification_id=notification_id) == "sent"
        assert Notification.objects.get(pk=notification_id).status == DeliveryStatus.SENT
    assert seen == [(outside, False)]
    # Released once sent: the next claim of it succeeds.
    with sending.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s), pg_advisory_unlock(%s)", [key, key])
        assert cursor.fetchone() == (True, True)


def test_a_notification_being_sent_elsewhere_is_skipped_not_sent_twice(
    bandung: Government, gateway: FakeGateway
) -> None:
    _, notification_id = _sms_notification(bandung)
    key = delivery_lock_key(schema=bandung.schema_name, notification_id=notification_id)
    with psycopg.connect(_dsn(connections[DEFAULT_DB_ALIAS].settings_dict), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [key])
        with government_context(bandung):
            assert notification_deliver(notification_id=notification_id) == "skipped"
        other.execute("SELECT pg_advisory_unlock(%s)", [key])
    assert gateway.received == []
    with government_context(bandung):
        assert Notification.objects.get(pk=notification_id).status == DeliveryStatus.QUEUED
        assert notification_deliver(notification_id=notification_id) == "sent"
    assert len(gateway.received) == 1


def _dsn(settings_dict: dict[str, Any]) -> str:
    parts = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
        "host": settings_dict["HOST"],
        "port": settings_dict["PORT"],
    }
    return " ".join(f"{name}='{value}'" for name, value in parts.items() if value)


def test_sms_delivery_that_keeps_timing_out_ends_failed(
    bandung: Government, gateway: FakeGateway, settings: Any
) -> None:
    settings.WARGA_SMS_HTTP_TIMEOUT = 0.2
    gateway.delay = 0.5
    _, notification_id = _sms_notification(bandung)
    with government_context(bandung):
        outcomes = [notification_deliver(notification_id=notification_id) for _ in range(MAX_ATTEMPTS + 1)]
        assert outcomes == ["retry"] * MAX_ATTEMPTS + ["failed"]
        row = Notification.objects.get(pk=notification_id)
        assert (row.status, row.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS + 1)
        assert row.last_error == "SMS gateway did not answer within 0.2 s"


def test_email_follows_the_recipients_language(bandung: Government) -> None:
    indonesian, english = UserFactory(language="id"), UserFactory(language="en")
    with government_context(bandung):
        ids = notifications_send(
            recipient_ids=[indonesian.pk, english.pk],
            report_id=None,
            kind=EventKind.REPORT_STATUS_CHANGED,
            context={"tracking_number": "3273-2026-000009", "from_status": "received", "to_status": "verified"},
            dedup_key="uji:bahasa",
        )
        assert [notification_deliver(notification_id=pk) for pk in ids] == ["sent", "sent"]
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        indonesian.email: "Status laporan 3273-2026-000009: verified",
        english.email: "Report 3273-2026-000009 is now verified",
    }


def test_the_same_event_notifies_once(bandung: Government) -> None:
    user = UserFactory()
    with government_context(bandung):
        for _ in range(2):
            notifications_send(
                recipient_ids=[user.pk, user.pk],
                report_id=None,
                kind=EventKind.REPORT_ESCALATED,
                context={"tracking_number": "x", "from_step": 1, "due_at": ""},
                dedup_key="escalated:1:1",
            )
        assert sorted(Notification.objects.filter(recipient_id=user.pk).values_list("channel", flat=True)) == [
            Channel.EMAIL,
            Channel.IN_APP,
        ]


def test_the_citizen_is_notified_of_every_state_change_and_reads_them(bandung: Government, jakarta: Government) -> None:
    reporter, official = UserFactory(), official_of(bandung, jakarta)
    tracking_number = submit(reporter).tracking_number
    with government_context(bandung):
        report_transition(acting_user=official, tracking_number=tracking_number, to_status="verified")
        report_transition(acting_user=official, tracking_number=tracking_number, to_status="in_progress")
        report = Report.objects.get(tracking_number=tracking_number)
        mine = notifications_for_user(user_id=reporter.pk)
        assert [(n.kind, n.context.get("to_status")) for n in mine] == [
            (EventKind.REPORT_STATUS_CHANGED, "in_progress"),
            (EventKind.REPORT_STATUS_CHANGED, "verified"),
            (EventKind.REPORT_RECEIVED, None),
        ]
        assert {n.report_id for n in mine} == {report.pk}
        assert notifications_unread_count(user_id=reporter.pk) == 3
        notification_mark_read(user_id=reporter.pk, notification_id=mine[0].pk)
        assert notifications_unread_count(user_id=reporter.pk) == 2
        # Someone else's notification is not found, and stays unread.
        with pytest.raises(NotificationNotFound):
            notification_mark_read(user_id=official.pk, notification_id=mine[1].pk)
        assert notifications_unread_count(user_id=reporter.pk) == 2
        assert notifications_mark_all_read(user_id=reporter.pk) == 2
        assert notifications_unread_count(user_id=reporter.pk) == 0
    with government_context(jakarta):
        assert notifications_unread_count(user_id=reporter.pk) == 0
        assert not Notification.objects.filter(recipient_id=reporter.pk).exists()


def test_channel_preferences_default_to_in_app_and_email(bandung: Government, jakarta: Government) -> None:
    user = UserFactory()
    with government_context(bandung):
        assert (channel_preference_for(user_id=user.pk).email, channel_preference_for(user_id=user.pk).sms) == (
            True,
            False,
        )
        channel_preference_set(user_id=user.pk, email=False, sms=True)
        ids = notifications_send(
            recipient_ids=[user.pk], report_id=None, kind=EventKind.REPORT_ROUTED, context={}, dedup_key="uji:pref"
        )
        assert list(Notification.objects.filter(pk__in=ids).values_list("channel", flat=True)) == [Channel.SMS]
    with government_context(jakarta):
        # Preferences are per government: Jakarta still has the defaults.
        assert channel_preference_for(user_id=user.pk).email is True


class _CountingBackend(locmem.EmailBackend):
    """The test mailbox, counting the sessions opened to it (what one SMTP connection is)."""

    sessions = 0

    def open(self) -> bool:
        if getattr(self, "_session", False):
            return False
        type(self).sessions += 1
        self._session = True
        return True

    def close(self) -> None:
        self._session = False


def test_a_delivery_batch_sends_its_emails_over_one_connection(bandung: Government, settings: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}._CountingBackend"
    _CountingBackend.sessions = 0
    people = [UserFactory() for _ in range(3)]
    with government_context(bandung):
        ids = notifications_send(
            recipient_ids=[p.pk for p in people],
            report_id=None,
            kind=EventKind.REPORT_STATUS_CHANGED,
            context={"tracking_number": "3273-2026-000010", "from_status": "received", "to_status": "verified"},
            dedup_key="uji:batch",
        )
        assert notifications_deliver.run(notification_ids=ids) == {"sent": 3}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert _CountingBackend.sessions == 1
