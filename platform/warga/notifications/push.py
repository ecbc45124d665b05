"""Web Push delivery (RFC 8030/8291/8292) with pywebpush: the message is encrypted to the
browser's keys (`aes128gcm`) and signed with the installation's VAPID key from settings.

The push service's answer decides what happens: 201/202 delivered; 404/410 the browser dropped
the subscription, which is deleted; 429/5xx, timeouts and connection failures may work later;
any other refusal will not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import requests
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from warga.notifications.gateway import DeliveryError
from warga.notifications_public.models import PushSubscription

# How long the push service keeps a message for a browser that is offline: a day, after which
# the in-app notification is still there but a late alert is more noise than news.
TIME_TO_LIVE_SECONDS = 86_400
# Push services accept 4 kB of encrypted payload; our messages are far smaller.
_TEXT_MAX = 500


class PushDeliveryError(DeliveryError):
    """The push service did not take the message."""


@dataclass(frozen=True)
class PushMessage:
    title: str
    body: str
    # A path on the host whose service worker shows the message (each origin has its own).
    url: str

    def as_json(self) -> str:
        return json.dumps({"title": self.title[:_TEXT_MAX], "body": self.body[:_TEXT_MAX], "url": self.url})


@dataclass(frozen=True)
class PushOutcome:
    delivered: bool
    gone: bool = False
    error: PushDeliveryError | None = None


def push_send(*, subscription: PushSubscription, message: PushMessage) -> PushOutcome:
    """Send one encrypted message to one subscription. Never raises for the push service's
    answer: the outcome says delivered, gone (404/410) or the error and whether it is retryable."""
    if not settings.WARGA_VAPID_PRIVATE_KEY:
        return PushOutcome(delivered=False, error=PushDeliveryError("Web push is off.", retryable=False))
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=message.as_json(),
            vapid_private_key=Vapid.from_raw(settings.WARGA_VAPID_PRIVATE_KEY.encode()),
            vapid_claims={"sub": settings.WARGA_VAPID_SUBJECT},
            content_encoding="aes128gcm",
            ttl=TIME_TO_LIVE_SECONDS,
            timeout=settings.WARGA_PUSH_TIMEOUT,
            headers={"Urgency": "normal"},
        )
    except WebPushException as error:
        code = error.status_code
        if code in {404, 410}:
            return PushOutcome(delivered=False, gone=True)
        retryable = code is None or code == 429 or code >= 500
        return PushOutcome(
            delivered=False, error=PushDeliveryError(f"Push service answered HTTP {code}", retryable=retryable)
        )
    except requests.Timeout:
        return PushOutcome(
            delivered=False,
            error=PushDeliveryError(
                f"Push service did not answer within {settings.WARGA_PUSH_TIMEOUT:g} s", retryable=True
            ),
        )
    except requests.RequestException as error:
        return PushOutcome(
            delivered=False, error=PushDeliveryError(f"Push service unreachable: {error}", retryable=True)
        )
    return PushOutcome(delivered=True)
