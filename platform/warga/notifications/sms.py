"""An SMS gateway reached over HTTP, behind the `SmsSender` interface of `warga.accounts.sms`.

Chosen by setting `WARGA_SMS_HTTP_URL` (or `WARGA_SMS_SENDER=warga.notifications.sms.HttpSmsSender`);
token, timeout and sender ID come from `WARGA_SMS_HTTP_TOKEN`, `WARGA_SMS_HTTP_TIMEOUT` and
`WARGA_SMS_HTTP_SENDER_ID`, parsed at start-up (config.settings). The request is the common JSON
shape most Indonesian gateways accept (`{"to", "text"}`, `"from"` when a sender ID is set, with
a bearer token); a gateway with another shape gets its own small class here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from warga.notifications.gateway import DeliveryError, gateway_post_json


class SmsDeliveryError(DeliveryError):
    """The SMS gateway did not take the message."""


class HttpSmsSender:
    def __init__(self, *, url: str | None = None, token: str | None = None, timeout: float | None = None) -> None:
        self.url = url if url is not None else settings.WARGA_SMS_HTTP_URL
        self.token = token if token is not None else settings.WARGA_SMS_HTTP_TOKEN
        self.timeout = timeout if timeout is not None else float(settings.WARGA_SMS_HTTP_TIMEOUT)
        self.sender_id = settings.WARGA_SMS_HTTP_SENDER_ID
        if not self.url:
            raise SmsDeliveryError(
                "WARGA_SMS_HTTP_URL is not set: the HTTP SMS gateway has no address.", retryable=False
            )

    def send(self, *, to: str, text: str) -> None:
        """POST the message; raise SmsDeliveryError (retryable for timeouts, connection
        failures, 429 and 5xx; not for other refusals) when the gateway did not accept it."""
        payload: dict[str, Any] = {"to": to, "text": text}
        if self.sender_id:
            payload["from"] = self.sender_id
        gateway_post_json(
            url=self.url,
            token=self.token,
            payload=payload,
            timeout=self.timeout,
            name="SMS gateway",
            error=SmsDeliveryError,
        )
