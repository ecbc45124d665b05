"""WhatsApp: the Business Cloud API's message shape sent to a local fake gateway over real
HTTP, retries on 5xx/429/timeouts and not on 4xx, only to a verified number, and never queued
when the channel is off."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.notifications.fakes import FakeGateway
from warga.accounts.models import User
from warga.notifications.models import Channel, ChannelPreference, DeliveryStatus, EventKind, Notification
from warga.notifications.selectors import notification_channels_offered
from warga.notifications.services import (
    ChannelUnavailable,
    channel_preference_set,
    notification_deliver,
    notifications_send,
)
from warga.notifications.whatsapp import ConsoleWhatsAppSender, HttpWhatsAppSender, WhatsAppDeliveryError

CONTEXT = {"tracking_number": "32.73-2026-000007", "from_status": "received", "to_status": "verified"}
MESSAGE = (
    "Status laporan 32.73-2026-000007: verified\n\n"
    "Status laporan Anda 32.73-2026-000007 berubah dari received menjadi verified.\n"
    "Buka aplikasi Warga untuk melihat rinciannya, menanggapi, atau memberi penilaian."
)


@pytest.fixture
def gateway(settings: Any) -> Iterator[FakeGateway]:
    fake = FakeGateway()
    settings.WARGA_WHATSAPP_SENDER = "warga.notifications.whatsapp.HttpWhatsAppSender"
    settings.WARGA_WHATSAPP_HTTP_URL = fake.url
    settings.WARGA_WHATSAPP_HTTP_TOKEN = "token-wa"
    settings.WARGA_WHATSAPP_HTTP_TIMEOUT = 0.5
    settings.WARGA_WHATSAPP_TEMPLATE = ""
    yield fake
    fake.close()


def test_a_text_message_in_the_cloud_api_shape(gateway: FakeGateway) -> None:
    HttpWhatsAppSender().send(to="+6281234567890", text="Laporan 32.73-2026-000001 diterima")
    assert gateway.received == [
        {
            "auth": "Bearer token-wa",
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "6281234567890",
            "type": "text",
            "text": {"preview_url": False, "body": "Laporan 32.73-2026-000001 diterima"},
        }
    ]


def test_a_template_message_when_a_template_is_configured(gateway: FakeGateway, settings: Any) -> None:
    settings.WARGA_WHATSAPP_TEMPLATE = "warga_notifikasi"
    settings.WARGA_WHATSAPP_TEMPLATE_LANGUAGE = "id"
    HttpWhatsAppSender().send(to="+6281234567890", text="Laporan 32.73-2026-000001 diterima")
    assert gateway.received == [
        {
            "auth": "Bearer token-wa",
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "6281234567890",
            "type": "template",
            "template": {
                "name": "warga_notifikasi",
                "language": {"code": "id"},
                "components": [
                    {"type": "body", "parameters": [{"type": "text", "text": "Laporan 32.73-2026-000001 diterima"}]}
                ],
            },
        }
    ]


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (502, True), (429, True), (400, False), (401, False), (404, False)]
)
def test_which_refusals_are_worth_retrying(gateway: FakeGateway, status: int, retryable: bool) -> None:
    gateway.statuses = [status]
    with pytest.raises(WhatsAppDeliveryError) as refused:
        HttpWhatsAppSender().send(to="+6281234567890", text="x")
    assert (str(refused.value), refused.value.retryable) == (f"WhatsApp gateway answered HTTP {status}", retryable)


def test_a_timeout_is_retryable(gateway: FakeGateway, settings: Any) -> None:
    settings.WARGA_WHATSAPP_HTTP_TIMEOUT = 0.3
    gateway.delay = 1.5
    started = time.monotonic()
    with pytest.raises(WhatsAppDeliveryError) as refused:
        HttpWhatsAppSender().send(to="+6281234567890", text="x")
    assert (str(refused.value), refused.value.retryable) == ("WhatsApp gateway did not answer within 0.3 s", True)
    assert time.monotonic() - started < 1.4


def _queue(government: Government, user: User, key: str) -> list[int]:
    with government_context(government):
        channel_preference_set(user_id=user.pk, email=False, sms=False, whatsapp=True)
        return notifications_send(
            recipient_ids=[user.pk],
            report_id=None,
            kind=EventKind.REPORT_STATUS_CHANGED,
            context=CONTEXT,
            dedup_key=key,
        )


def test_delivery_retries_a_5xx_then_sends_to_the_verified_number(bandung: Government, gateway: FakeGateway) -> None:
    user = UserFactory(phone="+6281200000001", phone_verified=True)
    [notification_id] = _queue(bandung, user, "uji-wa:1")
    gateway.statuses = [503, 200]
    with government_context(bandung):
        assert Notification.objects.get(pk=notification_id).channel == Channel.WHATSAPP
        assert notification_deliver(notification_id=notification_id) == "retry"
        row = Notification.objects.get(pk=notification_id)
        assert (row.status, row.attempts, row.last_error) == (
            DeliveryStatus.QUEUED,
            1,
            "WhatsApp gateway answered HTTP 503",
        )
        assert notification_deliver(notification_id=notification_id) == "sent"
        assert notification_deliver(notification_id=notification_id) == "skipped"
    assert [(r["to"], r["text"]["body"]) for r in gateway.received] == [("6281200000001", MESSAGE)] * 2


def test_a_4xx_fails_at_once(bandung: Government, gateway: FakeGateway) -> None:
    user = UserFactory(phone="+6281200000002", phone_verified=True)
    [notification_id] = _queue(bandung, user, "uji-wa:2")
    gateway.statuses = [400]
    with government_context(bandung):
        assert notification_deliver(notification_id=notification_id) == "failed"
        row = Notification.objects.get(pk=notification_id)
    assert (row.status, row.attempts, row.last_error) == (
        DeliveryStatus.FAILED,
        1,
        "WhatsApp gateway answered HTTP 400",
    )


def test_an_unverified_number_is_never_messaged(bandung: Government, gateway: FakeGateway) -> None:
    user = UserFactory(phone="+6281200000003", phone_verified=False)
    [notification_id] = _queue(bandung, user, "uji-wa:3")
    with government_context(bandung):
        assert notification_deliver(notification_id=notification_id) == "failed"
        assert Notification.objects.get(pk=notification_id).last_error == (
            "Penerima tidak memiliki nomor telepon yang terverifikasi."
        )
    assert gateway.received == []


def test_the_console_sender_logs_the_message(
    bandung: Government, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.WARGA_WHATSAPP_SENDER = "warga.notifications.whatsapp.ConsoleWhatsAppSender"
    user = UserFactory(phone="+6281200000004", phone_verified=True)
    [notification_id] = _queue(bandung, user, "uji-wa:4")
    with caplog.at_level(logging.INFO, logger="warga.whatsapp"), government_context(bandung):
        assert notification_deliver(notification_id=notification_id) == "sent"
    assert caplog.messages == [f"WhatsApp ke +6281200000004: {MESSAGE}"]
    ConsoleWhatsAppSender().send(to="+62", text="x")  # the interface SMS senders have


def test_with_whatsapp_off_it_is_not_offered_chosen_or_queued(bandung: Government, settings: Any) -> None:
    settings.WARGA_WHATSAPP_SENDER = "warga.notifications.whatsapp.ConsoleWhatsAppSender"
    user = UserFactory(phone="+6281200000005", phone_verified=True)
    with government_context(bandung):
        channel_preference_set(user_id=user.pk, email=False, sms=False, whatsapp=True)
    # The operator switches WhatsApp off: the stored choice stays but nothing is queued on it.
    settings.WARGA_WHATSAPP_SENDER = ""
    assert Channel.WHATSAPP not in notification_channels_offered()
    with government_context(bandung):
        queued = notifications_send(
            recipient_ids=[user.pk], report_id=None, kind=EventKind.REPORT_ROUTED, context={}, dedup_key="uji-wa:off"
        )
        assert queued == []
        assert list(Notification.objects.filter(recipient_id=user.pk).values_list("channel", flat=True)) == [
            Channel.IN_APP
        ]
        other = UserFactory()
        with pytest.raises(ChannelUnavailable, match=r"^Notifikasi lewat WhatsApp tidak tersedia di Warga ini\.$"):
            channel_preference_set(user_id=other.pk, email=True, sms=False, whatsapp=True)
        assert not ChannelPreference.objects.filter(user_id=other.pk).exists()
