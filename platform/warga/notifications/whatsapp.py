"""WhatsApp messages, behind the same interface as SMS (`send(*, to, text)`).

The sender is chosen by `WARGA_WHATSAPP_SENDER` (a dotted path); setting
`WARGA_WHATSAPP_HTTP_URL` makes `HttpWhatsAppSender` the default, and with neither the channel
is off. `ConsoleWhatsAppSender` logs instead of sending, for development.

`HttpWhatsAppSender` speaks the shape of the WhatsApp Business Cloud API's message POST
(`{"messaging_product": "whatsapp", "to", "type": "text"|"template", ...}`, bearer token), which
the Business Solution Providers' gateways also accept. Messages a business starts must use an
approved template: with `WARGA_WHATSAPP_TEMPLATE` set, the text goes as the template's one body
parameter; without it, as a plain text message.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from warga.accounts.sms import SmsSender
from warga.notifications.gateway import DeliveryError, gateway_post_json

logger = logging.getLogger("warga.whatsapp")

# A template parameter longer than this is refused by the Cloud API (error 132005).
_TEMPLATE_PARAMETER_MAX = 1024
_TEXT_MAX = 4096


class WhatsAppDeliveryError(DeliveryError):
    """The WhatsApp gateway did not take the message."""


class ConsoleWhatsAppSender:
    """Logs the message instead of sending it."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("WhatsApp ke %s: %s", to, text)


class HttpWhatsAppSender:
    def __init__(self) -> None:
        self.url = settings.WARGA_WHATSAPP_HTTP_URL
        self.token = settings.WARGA_WHATSAPP_HTTP_TOKEN
        self.timeout = float(settings.WARGA_WHATSAPP_HTTP_TIMEOUT)
        self.template = settings.WARGA_WHATSAPP_TEMPLATE
        self.template_language = settings.WARGA_WHATSAPP_TEMPLATE_LANGUAGE
        if not self.url:
            raise WhatsAppDeliveryError(
                "WARGA_WHATSAPP_HTTP_URL is not set: the WhatsApp gateway has no address.", retryable=False
            )

    def payload(self, *, to: str, text: str) -> dict[str, Any]:
        # The Cloud API takes the number as digits with the country code, without "+".
        message: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.lstrip("+"),
        }
        if self.template:
            message["type"] = "template"
            message["template"] = {
                "name": self.template,
                "language": {"code": self.template_language},
                "components": [
                    {"type": "body", "parameters": [{"type": "text", "text": text[:_TEMPLATE_PARAMETER_MAX]}]}
                ],
            }
        else:
            message["type"] = "text"
            message["text"] = {"preview_url": False, "body": text[:_TEXT_MAX]}
        return message

    def send(self, *, to: str, text: str) -> None:
        """POST the message; raise WhatsAppDeliveryError (retryable for timeouts, connection
        failures, 429 and 5xx; not for other refusals) when the gateway did not accept it."""
        gateway_post_json(
            url=self.url,
            token=self.token,
            payload=self.payload(to=to, text=text),
            timeout=self.timeout,
            name="WhatsApp gateway",
            error=WhatsAppDeliveryError,
        )


def whatsapp_sender() -> SmsSender:
    """The configured sender; only called when the channel is on (WARGA_WHATSAPP_SENDER set)."""
    if not settings.WARGA_WHATSAPP_SENDER:
        raise WhatsAppDeliveryError("WhatsApp is off: WARGA_WHATSAPP_SENDER is not set.", retryable=False)
    sender: SmsSender = import_string(settings.WARGA_WHATSAPP_SENDER)()
    return sender
