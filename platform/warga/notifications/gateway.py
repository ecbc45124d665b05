"""One JSON POST to a message gateway, with the answer sorted into "try later" or "give up".

Shared by the SMS and WhatsApp senders: a timeout, a connection failure, 429 or a 5xx may work
later (the delivery task retries with backoff); any other refusal will not (a 4xx means the
request itself is wrong: a bad number, an expired token, an unknown template).
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from warga.errors import UpstreamFailed

# The key of the message being sent, if the caller named one (gateway_idempotency_key).
_IDEMPOTENCY_KEY: ContextVar[str] = ContextVar("gateway_idempotency_key", default="")


@contextmanager
def gateway_idempotency_key(key: str) -> Iterator[None]:
    """Requests to a gateway inside this block carry `Idempotency-Key: key`.

    A worker killed after the gateway took a message but before the outcome was written sends
    it again when the task is redelivered; a gateway that honours the header (most SMS and
    WhatsApp providers do, by this or their own name for it) takes the repeat as the same
    message instead of texting the person twice (docs/decisions/0063)."""
    token = _IDEMPOTENCY_KEY.set(key)
    try:
        yield
    finally:
        _IDEMPOTENCY_KEY.reset(token)


class DeliveryError(UpstreamFailed):
    """The gateway did not take the message. `retryable` says whether trying later may work."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        self.retryable = retryable
        super().__init__(message)


def gateway_post_json(
    *, url: str, token: str, payload: dict[str, Any], timeout: float, name: str, error: type[DeliveryError]
) -> None:
    """POST `payload` with a bearer token; raise `error` (a DeliveryError) naming the gateway
    `name` when it did not accept the message."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    if _IDEMPOTENCY_KEY.get():
        headers["Idempotency-Key"] = _IDEMPOTENCY_KEY.get()
    request = urllib.request.Request(  # noqa: S310 -- the URL is the operator's configured gateway
        url, data=json.dumps(payload).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as refusal:
        refusal.close()  # the refusal's body is not needed; leaving it open leaks the socket
        retryable = refusal.code == 429 or refusal.code >= 500
        raise error(f"{name} answered HTTP {refusal.code}", retryable=retryable) from refusal
    except TimeoutError as timeout_error:
        raise error(f"{name} did not answer within {timeout:g} s", retryable=True) from timeout_error
    except urllib.error.URLError as failure:
        retryable = isinstance(failure.reason, (TimeoutError, socket.timeout, ConnectionError, OSError))
        raise error(f"{name} unreachable: {failure.reason}", retryable=retryable) from failure
