"""Writes of push subscriptions and of where a person's notifications are (public schema)."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Government
from tenants.scope import any_scope, tenant_scoped_to
from warga.accounts.models import User
from warga.errors import Conflict, FieldError, Invalid
from warga.notifications_public.models import NotificationGovernment, PushSubscription

ENDPOINT_MAX = 2000


class PushSubscriptionInvalid(Invalid):
    """The subscription cannot be used; `field` names the part that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message, fields={field: [FieldError("invalid", message)]})


class PushUnavailable(Conflict):
    """Web push is off on this installation (no VAPID keys configured)."""

    code = "channel_unavailable"
    default_message = _("Browser notifications are not switched on in this Warga.")


def _base64url(value: str) -> bytes | None:
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None


@any_scope
def push_service_allowed(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == allowed or host.endswith(f".{allowed}") for allowed in settings.WARGA_PUSH_SERVICE_HOSTS)


def _endpoint_check(endpoint: str) -> None:
    parts = urlsplit(endpoint)
    if len(endpoint) > ENDPOINT_MAX or parts.scheme != "https" or not parts.hostname:
        raise PushSubscriptionInvalid("endpoint", "Alamat langganan harus berupa URL https dari layanan push peramban.")
    if parts.username or parts.password or not push_service_allowed(parts.hostname):
        raise PushSubscriptionInvalid(
            "endpoint", f"Layanan push {parts.hostname} tidak dikenal: gunakan peramban yang didukung."
        )


def _keys_check(*, p256dh: str, auth: str) -> None:
    point = _base64url(p256dh)
    refused = PushSubscriptionInvalid("keys.p256dh", "Kunci p256dh bukan kunci publik P-256 (65 bita, base64url).")
    if point is None or len(point) != 65:
        raise refused
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise refused from None
    secret = _base64url(auth)
    if secret is None or len(secret) != 16:
        raise PushSubscriptionInvalid("keys.auth", "Kunci auth harus 16 bita dalam base64url.")


@any_scope
def push_subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> tuple[PushSubscription, bool]:
    """Store this browser's subscription for `user`; (subscription, created).

    The endpoint identifies one browser profile: subscribing again from it (after signing in
    as someone else) moves it to the new account, so a shared browser never receives the
    previous person's messages. Raises PushUnavailable or PushSubscriptionInvalid, storing
    nothing.
    """
    if not settings.WARGA_VAPID_PRIVATE_KEY:
        raise PushUnavailable()
    _endpoint_check(endpoint)
    _keys_check(p256dh=p256dh, auth=auth)
    return PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
        create_defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": user_agent[:300],
            "created_at": timezone.now(),
        },
    )


@any_scope
def push_subscription_delete(*, user: User, endpoint: str) -> bool:
    """Remove `user`'s subscription with this endpoint; False when they have none such."""
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted > 0


@any_scope
def push_subscription_gone(*, subscription_id: int) -> None:
    """The push service answered 404/410: the browser dropped the subscription for good."""
    PushSubscription.objects.filter(pk=subscription_id).delete()


@any_scope
def push_subscription_used(*, subscription_id: int) -> None:
    PushSubscription.objects.filter(pk=subscription_id).update(last_sent_at=timezone.now())


@tenant_scoped_to("government")
def notification_governments_note(*, user_ids: Iterable[uuid.UUID], government: Government) -> None:
    """Record that `government` holds notifications for these people (once each; a repeat
    adds nothing and locks nothing, so a flood of notifications does not queue on these rows).
    Runs in the caller's transaction: rolled back with the notifications."""
    now = timezone.now()
    NotificationGovernment.objects.bulk_create(
        [NotificationGovernment(user_id=user_id, government=government, first_notified_at=now) for user_id in user_ids],
        ignore_conflicts=True,
    )
