"""Sending text messages, behind one small interface.

The sender is chosen by `WARGA_SMS_SENDER` (a dotted path). The default writes the message to
the log, which is what development and the test suite use; a gateway sender (the routing
work's SMS adapter) implements the same `send`.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("warga.sms")


class SmsSender(Protocol):
    def send(self, *, to: str, text: str) -> None:
        """Send `text` to the E.164 number `to`; raise on failure."""


class ConsoleSmsSender:
    """Logs the message instead of sending it."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS ke %s: %s", to, text)


def sms_sender() -> SmsSender:
    sender: SmsSender = import_string(settings.WARGA_SMS_SENDER)()
    return sender
