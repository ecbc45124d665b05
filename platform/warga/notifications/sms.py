"""An SMS gateway reached over HTTP, behind the `SmsSender` interface of `warga.accounts.sms`.

Chosen with `WARGA_SMS_SENDER=warga.notifications.sms.HttpSmsSender`; the gateway's address,
token and timeout come from `WARGA_SMS_HTTP_URL`, `WARGA_SMS_HTTP_TOKEN` and
`WARGA_SMS_HTTP_TIMEOUT` (seconds). The request is the common JSON shape most Indonesian
gateways accept (`{"to", "text"}` with a bearer token); a gateway with another shape gets its
own small class here.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

from django.conf import settings


class SmsDeliveryError(RuntimeError):
    """The gateway did not take the message. `retryable` says whether trying later may work."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class HttpSmsSender:
    def __init__(self, *, url: str | None = None, token: str | None = None, timeout: float | None = None) -> None:
        self.url = url if url is not None else getattr(settings, "WARGA_SMS_HTTP_URL", "")
        self.token = token if token is not None else getattr(settings, "WARGA_SMS_HTTP_TOKEN", "")
        self.timeout = timeout if timeout is not None else float(getattr(settings, "WARGA_SMS_HTTP_TIMEOUT", 10))
        if not self.url:
            raise SmsDeliveryError(
                "WARGA_SMS_HTTP_URL is not set: the HTTP SMS gateway has no address.", retryable=False
            )

    def send(self, *, to: str, text: str) -> None:
        """POST the message; raise SmsDeliveryError (retryable for timeouts, connection
        failures, 429 and 5xx; not for other refusals) when the gateway did not accept it."""
        request = urllib.request.Request(  # noqa: S310 -- the URL is the operator's configured gateway
            self.url,
            data=json.dumps({"to": to, "text": text}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as error:
            error.close()  # the refusal's body is not needed; leaving it open leaks the socket
            retryable = error.code == 429 or error.code >= 500
            raise SmsDeliveryError(f"SMS gateway answered HTTP {error.code}", retryable=retryable) from error
        except TimeoutError as error:
            raise SmsDeliveryError(f"SMS gateway did not answer within {self.timeout:g} s", retryable=True) from error
        except urllib.error.URLError as error:
            retryable = isinstance(error.reason, (TimeoutError, socket.timeout, ConnectionError, OSError))
            raise SmsDeliveryError(f"SMS gateway unreachable: {error.reason}", retryable=retryable) from error
