"""Stripe's events, stored once by their id and applied to each government's billing in a task."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import stripe
from django.db import transaction
from django.utils import timezone

from tenants.models import Government
from tenants.scope import public_scoped
from warga.billing.models import BillingAccount, BillingStatus, StripeEvent
from warga.billing.selectors import is_billed
from warga.billing.services._common import _account_for_update, _audit, _subscription_apply
from warga.billing.stripe_api import as_dict, stripe_client

logger = logging.getLogger(__name__)


@public_scoped
def stripe_event_record(*, payload: dict[str, Any]) -> bool:
    """Store a verified Stripe event once, by its id, and queue its processing after commit.
    True when it is new; a replayed event changes nothing."""
    # Imported here, unavoidably: the task module imports these services to run them.
    from warga.billing.tasks import event_process_task

    with transaction.atomic():
        event, created = StripeEvent.objects.get_or_create(
            id=str(payload["id"]),
            defaults={
                "type": str(payload.get("type", "")),
                "created": datetime.datetime.fromtimestamp(int(payload["created"]), tz=datetime.UTC),
                "livemode": bool(payload.get("livemode", False)),
                "payload": payload,
            },
        )
        if created:
            transaction.on_commit(lambda: event_process_task.delay(event_id=event.id))
    return created


@public_scoped
def stripe_event_process(*, event_id: str) -> str:
    """Apply a stored event to its government's billing, once: the outcome is stored with it
    and a second call returns it unchanged. A failure to read Stripe raises (the task retries)
    and leaves the event unprocessed."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().filter(id=event_id).first()
        if event is None:
            return "missing"
        if event.processed_at is not None:
            return event.outcome
        outcome, code = _event_apply(event)
        event.outcome = outcome
        event.government_code = code[:5]
        event.processed_at = timezone.now()
        event.save(update_fields=["outcome", "government_code", "processed_at"])
    return outcome


def _event_account(obj: dict[str, Any], *, event: StripeEvent) -> tuple[BillingAccount | None, str]:
    """The account an event's object belongs to: by the government code in its metadata, else
    by its customer. (None, code) when neither names a billed government."""
    metadata = obj.get("metadata") or {}
    code = str(metadata.get("government_code") or obj.get("client_reference_id") or "")
    customer = obj.get("customer") if obj.get("object") != "customer" else obj.get("id")
    if code:
        government = Government.objects.filter(code=code).first()
        if government is None or not is_billed(government):
            logger.warning("Stripe event %s names government %r, which is not a billed government", event.id, code)
            return None, code
        account: BillingAccount | None = _account_for_update(government)
    else:
        account = (
            BillingAccount.objects.select_for_update(of=("self",))
            .select_related("plan")
            .filter(stripe_customer_id=customer)
            .first()
            if isinstance(customer, str)
            else None
        )
        if account is None:
            logger.warning("Stripe event %s (%s) belongs to no known government", event.id, event.type)
            return None, ""
    assert account is not None
    if isinstance(customer, str) and account.stripe_customer_id and customer != account.stripe_customer_id:
        logger.warning("Stripe event %s is for customer %s, not %s's", event.id, customer, account.government.code)
        return None, code
    return account, account.government.code or ""


def _invoice_subscription(invoice: dict[str, Any]) -> str | None:
    details = ((invoice.get("parent") or {}).get("subscription_details") or {}).get("subscription")
    value = details or invoice.get("subscription")
    return value if isinstance(value, str) else None


def _read_subscription(subscription_id: str) -> dict[str, Any]:
    try:
        return as_dict(stripe_client().v1.subscriptions.retrieve(subscription_id))
    except stripe.StripeError:
        logger.warning("Stripe subscription %s could not be read; the event will be retried", subscription_id)
        raise


def _event_apply(event: StripeEvent) -> tuple[str, str]:
    obj: dict[str, Any] = event.payload.get("data", {}).get("object", {})
    kind = event.type
    outcome = StripeEvent.Outcome
    if kind not in HANDLED_EVENTS:
        return outcome.IGNORED, ""
    if kind == "invoice.paid" or kind == "invoice.payment_failed":
        subscription_metadata = ((obj.get("parent") or {}).get("subscription_details") or {}).get("metadata") or {}
        account, code = _event_account({**obj, "metadata": subscription_metadata}, event=event)
    else:
        account, code = _event_account(obj, event=event)
    if account is None:
        return outcome.UNKNOWN_GOVERNMENT, code
    now = timezone.now()
    if kind == "checkout.session.completed":
        subscription_id = obj.get("subscription")
        if obj.get("mode") != "subscription" or not isinstance(subscription_id, str):
            return outcome.IGNORED, code
        if not account.stripe_customer_id and isinstance(obj.get("customer"), str):
            account.stripe_customer_id = obj["customer"]
        changed = _subscription_apply(
            account, _read_subscription(subscription_id), seen_at=now, event_id=event.id, note="Checkout completed"
        )
    elif kind.startswith("customer.subscription."):
        if account.stripe_state_at is not None and event.created < account.stripe_state_at:
            return outcome.STALE, code
        # Stripe's times are whole seconds: on a tie the order is unknown, so ask Stripe.
        subscription = (
            _read_subscription(str(obj["id"]))
            if account.stripe_state_at is not None and event.created == account.stripe_state_at
            else obj
        )
        changed = _subscription_apply(account, subscription, seen_at=event.created, event_id=event.id, note=kind)
    elif kind in ("invoice.paid", "invoice.payment_failed"):
        subscription_id = _invoice_subscription(obj)
        if subscription_id is None:
            return outcome.IGNORED, code
        note = "Invoice paid" if kind == "invoice.paid" else "Invoice payment failed"
        changed = _subscription_apply(
            account, _read_subscription(subscription_id), seen_at=now, event_id=event.id, note=note
        )
    else:  # customer.deleted
        changed = _customer_forget(account, seen_at=event.created, event_id=event.id)
    return (outcome.APPLIED if changed else outcome.IGNORED), code


HANDLED_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.paid",
        "invoice.payment_failed",
        "customer.deleted",
    }
)


def _customer_forget(account: BillingAccount, *, seen_at: datetime.datetime, event_id: str) -> bool:
    """Stripe deleted the customer (and with it every subscription): the government has none,
    and its next checkout makes a new customer."""
    if not account.stripe_customer_id:
        return False
    from_status = account.status
    account.stripe_customer_id = None
    account.customer_generation += 1
    account.status = BillingStatus.CANCELED if account.stripe_subscription_id else account.status
    account.stripe_subscription_id = ""
    account.cancel_at_period_end = False
    account.past_due_since = None
    account.stripe_state_at = max(seen_at, account.stripe_state_at or seen_at)
    account.save()
    _audit(account, from_status=from_status, event_id=event_id, note="Stripe customer deleted")
    return True
