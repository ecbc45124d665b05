"""What every billing service shares: the refusals, the one Stripe call wrapper, the locked
account, the audit row, and the mirror of a subscription into an account."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import stripe

from tenants.models import Government
from warga.billing.errors import BillingInvalid, BillingUnavailable
from warga.billing.models import BillingAccount, BillingAudit, BillingStatus, Plan
from warga.billing.selectors import billing_enabled, is_billed, plan_for_price

logger = logging.getLogger(__name__)
T = TypeVar("T")


STRIPE_DOWN_MESSAGE = (
    "Stripe tidak dapat dihubungi saat ini; tidak ada yang berubah. Coba lagi beberapa menit lagi. "
    "(Stripe cannot be reached right now; nothing was changed. Try again in a few minutes.)"
)
BILLING_OFF_MESSAGE = (
    "Tagihan tidak diaktifkan di instalasi ini; semua fitur tersedia tanpa langganan. "
    "(Billing is off on this installation; every feature is available without a subscription.)"
)
NOT_BILLED_MESSAGE = "Pemerintah pusat tidak ditagih. (The national government is never billed.)"
# Stripe's statuses and the state mirrored here; None keeps the state (a first payment still
# being made does not end a trial).
_MIRRORED: dict[str, str | None] = {
    "trialing": BillingStatus.TRIALING,
    "active": BillingStatus.ACTIVE,
    "past_due": BillingStatus.PAST_DUE,
    "unpaid": BillingStatus.UNPAID,
    "paused": BillingStatus.UNPAID,
    "canceled": BillingStatus.CANCELED,
    "incomplete": None,
    "incomplete_expired": None,
}


def _audit(
    account: BillingAccount,
    *,
    from_status: str,
    note: str,
    actor_id: uuid.UUID | None = None,
    event_id: str = "",
) -> None:
    BillingAudit.objects.create(
        account=account,
        from_status=from_status,
        to_status=account.status,
        plan_code=account.plan.code if account.plan else "",
        stripe_event_id=event_id,
        actor_id=actor_id,
        note=note[:300],
    )


def _require_billed(government: Government) -> None:
    if not billing_enabled():
        raise BillingInvalid(BILLING_OFF_MESSAGE)
    if not is_billed(government):
        raise BillingInvalid(NOT_BILLED_MESSAGE)


def _stripe(call: Callable[[], T]) -> T:
    """Run one Stripe call; its failure becomes a refusal saying what to do."""
    try:
        return call()
    except stripe.InvalidRequestError as error:
        logger.warning("Stripe refused a request: %s", error)
        raise BillingInvalid(
            f"Stripe menolak permintaan ini: {error.user_message or error}. (Stripe refused the request.)"
        ) from error
    except stripe.StripeError as error:
        logger.warning("Stripe could not be reached or failed: %r", error)
        raise BillingUnavailable(STRIPE_DOWN_MESSAGE) from error


def _account_for_update(government: Government) -> BillingAccount:
    BillingAccount.objects.get_or_create(government=government)
    return BillingAccount.objects.select_for_update(of=("self",)).select_related("plan").get(government=government)


def _timestamp(value: object) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC) if isinstance(value, int) else None


def _subscription_apply(
    account: BillingAccount,
    subscription: dict[str, Any],
    *,
    seen_at: datetime.datetime,
    event_id: str = "",
    note: str = "",
) -> bool:
    """Mirror `subscription` (as Stripe sent or returned it) into `account`, locked by the
    caller. True when something a person sees changed (state, plan, period); one audit row."""
    items = (subscription.get("items") or {}).get("data") or []
    first = items[0] if items else {}
    price = (first.get("price") or {}).get("id")
    mapped = plan_for_price(price=price) if isinstance(price, str) else None
    period_end = _timestamp(first.get("current_period_end") or subscription.get("current_period_end"))
    mirrored = _MIRRORED.get(str(subscription.get("status")))
    before = (
        account.status,
        account.plan_id,
        account.interval,
        account.current_period_end,
        account.cancel_at_period_end,
    )
    from_status = account.status
    new_plan: Plan | None = mapped[0] if mapped else account.plan
    old_plan = account.plan
    # A downgrade keeps the premium features until the end of the period already paid for.
    if (
        old_plan is not None
        and old_plan.includes_premium
        and new_plan is not None
        and not new_plan.includes_premium
        and account.current_period_end is not None
        and account.current_period_end > seen_at
    ):
        account.premium_until = account.current_period_end
    elif new_plan is not None and new_plan.includes_premium:
        account.premium_until = None
    if mapped is not None:
        account.plan, account.interval = mapped
    elif isinstance(price, str):
        logger.warning("Stripe price %s maps to no plan (WARGA_STRIPE_PRICES)", price)
    if mirrored is not None:
        account.status = mirrored
    if account.status == BillingStatus.PAST_DUE:
        account.past_due_since = account.past_due_since or seen_at
    else:
        account.past_due_since = None
        account.last_reminder_at = None
    account.stripe_subscription_id = str(subscription.get("id") or account.stripe_subscription_id)
    account.current_period_end = period_end or account.current_period_end
    account.cancel_at_period_end = bool(subscription.get("cancel_at_period_end"))
    account.stripe_state_at = max(seen_at, account.stripe_state_at or seen_at)
    account.save()
    after = (
        account.status,
        account.plan_id,
        account.interval,
        account.current_period_end,
        account.cancel_at_period_end,
    )
    if after != before:
        _audit(account, from_status=from_status, event_id=event_id, note=note)
    return after != before
