"""Sending text messages, behind one small interface, within a budget.

The sender is chosen by `WARGA_SMS_SENDER` (a dotted path). The default writes the message to
the log, which is what development and the test suite use; a gateway sender (the routing
work's SMS adapter) implements the same `send`.

`sms_sender()` wraps the chosen sender in the two checks every text message passes, whatever
sends it (sign-in codes, lock-out notices, notifications): the number must be an Indonesian
mobile number, and the installation's hourly budget (`WARGA_SMS_BUDGET_PER_HOUR`) must not be
spent. The budget is counted in the `shared` cache, one count for every process, worker and
government (docs/decisions/0026).
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.cache import caches
from django.core.mail import mail_admins
from django.utils import timezone
from django.utils.module_loading import import_string

from warga.accounts.phone import phone_is_indonesian_mobile
from warga.errors import Unavailable, Unprocessable

logger = logging.getLogger("warga.sms")
budget_logger = logging.getLogger("warga.sms.budget")

# Kept a little longer than the hour it counts, so a late increment never restarts at zero.
_BUDGET_KEY_SECONDS = 2 * 3600


class SmsSender(Protocol):
    def send(self, *, to: str, text: str) -> None:
        """Send `text` to the E.164 number `to`; raise on failure."""


class SmsNotAllowed(Unprocessable):
    """The number is not one Warga sends text messages to (not an Indonesian mobile number).
    Trying again will not help."""

    code = "sms_not_allowed"
    retryable = False


class SmsBudgetExhausted(Unavailable):
    """This hour's SMS budget is spent; the next hour has a new one."""

    code = "sms_budget_exhausted"
    retry_after_seconds = 3600
    retryable = True


class ConsoleSmsSender:
    """Logs the message instead of sending it."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS ke %s: %s", to, text)


def _budget_key(hour: str) -> str:
    return f"sms-budget:{hour}"


def _current_hour() -> str:
    return timezone.now().strftime("%Y%m%d%H")


def sms_budget_used() -> int:
    """Text messages sent (or being sent) in the current clock hour, by every process."""
    return int(caches["shared"].get(_budget_key(_current_hour()), 0))


def sms_budget_left() -> int:
    """How many more text messages may go out this hour."""
    return max(0, settings.WARGA_SMS_BUDGET_PER_HOUR - sms_budget_used())


def _alert_budget_reached(hour: str, limit: int) -> None:
    """Tell the operators, once per hour, that the budget is spent: an error in the log (which
    log alerting picks up) and a mail to ADMINS."""
    if not caches["shared"].add(f"sms-budget-alert:{hour}", 1, _BUDGET_KEY_SECONDS):
        return
    message = (
        f"The SMS budget of {limit} messages for the hour {hour} (UTC) is reached: further text messages "
        "(sign-in codes, notifications) are refused until the next hour. A sudden rise can mean SMS pumping; "
        "check the gateway's recent destinations, or raise WARGA_SMS_BUDGET_PER_HOUR if the traffic is real."
    )
    budget_logger.error(message)
    mail_admins("SMS budget reached", message, fail_silently=True)


def sms_budget_spend() -> None:
    """Take one message from this hour's budget, or raise SmsBudgetExhausted.

    The count is an atomic increment in the `shared` cache (Redis in production), so every web
    process and worker of every government draws on the one budget. Reaching the budget alerts
    the operators once per hour.
    """
    limit = settings.WARGA_SMS_BUDGET_PER_HOUR
    hour = _current_hour()
    key = _budget_key(hour)
    shared = caches["shared"]
    shared.add(key, 0, _BUDGET_KEY_SECONDS)
    try:
        used = shared.incr(key)
    except ValueError:  # expired between add and incr
        shared.add(key, 1, _BUDGET_KEY_SECONDS)
        used = 1
    if used >= limit:
        _alert_budget_reached(hour, limit)
    if used > limit:
        raise SmsBudgetExhausted(f"SMS budget of {limit} per hour reached.")


class BudgetedSmsSender:
    """The configured sender, behind the checks every text message passes."""

    def __init__(self, inner: SmsSender) -> None:
        self.inner = inner

    def send(self, *, to: str, text: str) -> None:
        if not phone_is_indonesian_mobile(to):
            raise SmsNotAllowed(f"{to} is not an Indonesian mobile number; no SMS is sent there.")
        sms_budget_spend()
        self.inner.send(to=to, text=text)


def sms_sender() -> SmsSender:
    sender: SmsSender = import_string(settings.WARGA_SMS_SENDER)()
    return BudgetedSmsSender(sender)
