"""Web push: subscriptions checked before they are stored, messages sent as real encrypted
Web Push requests (RFC 8291 aes128gcm, RFC 8292 VAPID) to a local push service over HTTPS, and
the push service's answers acted on (404/410 drop the subscription, 5xx retried, 4xx not)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.notifications.fakes import VAPID_KEY, Browser, FakePushService, b64url, point, unb64url
from warga.accounts.models import User
from warga.notifications.models import Channel, DeliveryStatus, EventKind, Notification
from warga.notifications.services import (
    ChannelUnavailable,
    channel_preference_set,
    notification_deliver,
    notifications_send,
)
from warga.notifications_public.models import PushSubscription
from warga.notifications_public.services import PushSubscriptionInvalid, PushUnavailable, push_subscription_save


@pytest.fixture
def push_service(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePushService]:
    service = FakePushService(tmp_path)
    settings.WARGA_VAPID_PRIVATE_KEY = b64url(VAPID_KEY.private_numbers().private_value.to_bytes(32, "big"))
    settings.WARGA_VAPID_PUBLIC_KEY = b64url(point(VAPID_KEY))
    settings.WARGA_VAPID_SUBJECT = "mailto:operator@warga.example"
    settings.WARGA_PUSH_SERVICE_HOSTS = ("127.0.0.1",)
    settings.WARGA_PUSH_TIMEOUT = 2.0
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(service.certificate))
    yield service
    service.close()


def _subscribe(user: User, service: FakePushService, browser: Browser, name: str = "perangkat-1") -> PushSubscription:
    subscription, created = push_subscription_save(
        user=user, endpoint=f"{service.origin}/push/{name}", p256dh=browser.p256dh, auth=b64url(browser.auth)
    )
    assert created
    return subscription


def _queue_push(government: Government, user: User, key: str = "uji-push:1") -> int:
    with government_context(government):
        channel_preference_set(user_id=user.pk, email=False, sms=False, push=True)
        queued = notifications_send(
            recipient_ids=[user.pk],
            report_id=None,
            kind=EventKind.REPORT_STATUS_CHANGED,
            context={"tracking_number": "32.73-2026-000042", "from_status": "received", "to_status": "verified"},
            dedup_key=key,
        )
    assert len(queued) == 1
    return queued[0]


def _verify_vapid(authorization: str, *, audience: str) -> dict[str, Any]:
    scheme, _, parameters = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in parameters.split(","))
    assert unb64url(fields["k"]) == point(VAPID_KEY)
    header, claims, signature = fields["t"].split(".")
    raw = unb64url(signature)
    VAPID_KEY.public_key().verify(
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{header}.{claims}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    decoded: dict[str, Any] = json.loads(unb64url(claims))
    assert decoded["aud"] == audience
    return decoded


def test_a_notification_is_pushed_as_an_encrypted_signed_web_push_request(
    bandung: Government, push_service: FakePushService
) -> None:
    user, browser = UserFactory(), Browser()
    subscription = _subscribe(user, push_service, browser)
    notification_id = _queue_push(bandung, user)
    with government_context(bandung):
        assert notification_deliver(notification_id=notification_id) == "sent"
        row = Notification.objects.get(pk=notification_id)
        assert (row.channel, row.status, row.attempts, row.last_error) == (Channel.PUSH, DeliveryStatus.SENT, 1, "")

    [request] = push_service.received
    assert request["path"] == "/push/perangkat-1"
    headers = request["headers"]
    assert (headers["content-encoding"], headers["ttl"], headers["urgency"]) == ("aes128gcm", "86400", "normal")
    claims = _verify_vapid(headers["authorization"], audience=push_service.origin)
    assert claims["sub"] == "mailto:operator@warga.example"
    # Only the browser's keys open it: the push service saw ciphertext.
    assert b"32.73-2026-000042" not in request["body"]
    assert browser.decrypt(request["body"]) == {
        "title": "Status laporan 32.73-2026-000042: verified",
        "body": "Status laporan Anda 32.73-2026-000042 berubah dari received menjadi verified.",
        "url": "/notifikasi/",
    }
    subscription.refresh_from_db()
    assert subscription.last_sent_at is not None


@pytest.mark.parametrize("gone", [404, 410])
def test_a_subscription_the_push_service_no_longer_knows_is_deleted(
    bandung: Government, push_service: FakePushService, gone: int
) -> None:
    user = UserFactory()
    _subscribe(user, push_service, Browser())
    notification_id = _queue_push(bandung, user)
    push_service.statuses = [gone]
    with government_context(bandung):
        assert notification_deliver(notification_id=notification_id) == "failed"
        row = Notification.objects.get(pk=notification_id)
    assert row.status == DeliveryStatus.FAILED
    assert row.last_error == "Penerima tidak memiliki langganan notifikasi peramban yang masih berlaku."
    assert not PushSubscription.objects.filter(user=user).exists()
    assert len(push_service.received) == 1


def test_a_push_service_error_is_retried_then_delivered_and_the_subscription_kept(
    bandung: Government, push_service: FakePushService
) -> None:
    user, browser = UserFactory(), Browser()
    _subscribe(user, push_service, browser)
    notification_id = _queue_push(bandung, user)
    push_service.statuses = [503, 201]
    with government_context(bandung):
        assert notification_deliver(notification_id=notification_id) == "retry"
        row = Notification.objects.get(pk=notification_id)
        assert (row.status, row.attempts, row.last_error) == (
            DeliveryStatus.QUEUED,
            1,
            "Push service answered HTTP 503",
        )
        assert notification_deliver(notification_id=notification_id) == "sent"
        assert notification_deliver(notification_id=notification_id) == "skipped"
    assert PushSubscription.objects.filter(user=user).count() == 1
    assert len(push_service.received) == 2
    # Each attempt is encrypted afresh (new salt and server key): two different bodies, one message.
    first, second = (request["body"] for request in push_service.received)
    assert first != second
    assert browser.decrypt(first) == browser.decrypt(second)


def test_a_refusal_other_than_gone_is_not_retried(bandung: Government, push_service: FakePushService) -> None:
    user = UserFactory()
    _subscribe(user, push_service, Browser())
    notification_id = _queue_push(bandung, user)
    push_service.statuses = [400]
    with government_context(bandung):
        assert notification_deliver(notification_id=notification_id) == "failed"
        assert Notification.objects.get(pk=notification_id).last_error == "Push service answered HTTP 400"
    assert PushSubscription.objects.filter(user=user).count() == 1


def test_one_browser_taking_the_message_is_enough(bandung: Government, push_service: FakePushService) -> None:
    user = UserFactory()
    _subscribe(user, push_service, Browser(), "telepon")
    _subscribe(user, push_service, Browser(), "laptop")
    notification_id = _queue_push(bandung, user)
    push_service.statuses = [201, 500]
    with government_context(bandung):
        assert notification_deliver(notification_id=notification_id) == "sent"
    assert [request["path"] for request in push_service.received] == ["/push/telepon", "/push/laptop"]


def test_push_is_queued_only_for_people_with_a_subscribed_browser(
    bandung: Government, push_service: FakePushService
) -> None:
    subscribed, not_subscribed = UserFactory(), UserFactory()
    _subscribe(subscribed, push_service, Browser())
    with government_context(bandung):
        for user in (subscribed, not_subscribed):
            channel_preference_set(user_id=user.pk, email=False, sms=False, push=True)
        notifications_send(
            recipient_ids=[subscribed.pk, not_subscribed.pk],
            report_id=None,
            kind=EventKind.REPORT_ROUTED,
            context={"tracking_number": "32.73-2026-000043"},
            dedup_key="uji-push:siapa",
        )
        channels = set(Notification.objects.values_list("recipient_id", "channel"))
    assert channels == {
        (subscribed.pk, Channel.IN_APP),
        (subscribed.pk, Channel.PUSH),
        (not_subscribed.pk, Channel.IN_APP),
    }


def test_with_push_off_nothing_is_subscribed_chosen_or_queued(bandung: Government, settings: Any) -> None:
    settings.WARGA_VAPID_PRIVATE_KEY = settings.WARGA_VAPID_PUBLIC_KEY = settings.WARGA_VAPID_SUBJECT = ""
    user, browser = UserFactory(), Browser()
    with pytest.raises(PushUnavailable):
        push_subscription_save(
            user=user,
            endpoint="https://fcm.googleapis.com/fcm/send/x",
            p256dh=browser.p256dh,
            auth=b64url(browser.auth),
        )
    assert not PushSubscription.objects.exists()
    with government_context(bandung):
        with pytest.raises(ChannelUnavailable, match="Notifikasi lewat Notifikasi peramban tidak tersedia"):
            channel_preference_set(user_id=user.pk, email=True, sms=False, push=True)
        assert not Notification.objects.filter(recipient_id=user.pk).exists()


@pytest.mark.parametrize(
    ("endpoint", "p256dh", "auth", "field"),
    [
        ("http://127.0.0.1/push/x", None, None, "endpoint"),
        ("https://169.254.169.254/latest/meta-data", None, None, "endpoint"),
        ("https://push.attacker.example/x", None, None, "endpoint"),
        ("https://127.0.0.1.attacker.example/x", None, None, "endpoint"),
        ("https://127.0.0.1/push/x", "bukan-kunci", None, "keys.p256dh"),
        ("https://127.0.0.1/push/x", b64url(b"\x04" + bytes(64)), None, "keys.p256dh"),
        ("https://127.0.0.1/push/x", None, b64url(b"pendek"), "keys.auth"),
    ],
)
def test_a_subscription_that_cannot_be_used_is_refused_and_not_stored(
    db: None, push_service: FakePushService, endpoint: str, p256dh: str | None, auth: str | None, field: str
) -> None:
    browser = Browser()
    with pytest.raises(PushSubscriptionInvalid) as refused:
        push_subscription_save(
            user=UserFactory(),
            endpoint=endpoint,
            p256dh=p256dh or browser.p256dh,
            auth=auth or b64url(browser.auth),
        )
    assert refused.value.field == field
    assert not PushSubscription.objects.exists()
