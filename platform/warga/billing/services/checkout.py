"""Stripe Checkout and the Customer Portal for the admin koordinator, and the read-back of a
completed checkout."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import Government
from tenants.scope import tenant_scoped_to
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.billing.errors import BillingInvalid, BillingNotFound, BillingUnavailable
from warga.billing.models import BillingAccount, BillingStatus, Interval
from warga.billing.selectors import BILLING_PAGE_PATH, plans_for, price_id
from warga.billing.services._common import (
    STRIPE_DOWN_MESSAGE,
    _account_for_update,
    _audit,
    _require_billed,
    _stripe,
    _subscription_apply,
)
from warga.billing.stripe_api import as_dict, stripe_client

CHECKOUT_RETURN_PATH = f"{BILLING_PAGE_PATH}selesai/"


# A trial end handed to Checkout must be at least two days ahead (Stripe's rule).
_TRIAL_END_MARGIN = datetime.timedelta(hours=48)


def _customer_id(account: BillingAccount) -> str:
    """The government's one Stripe Customer, made on first need with an idempotency key (a
    retry after a lost answer finds the same customer) and recorded at once."""
    if account.stripe_customer_id:
        return account.stripe_customer_id
    government = account.government
    customer = _stripe(
        lambda: stripe_client().v1.customers.create(
            params={
                "name": account.billing_name,
                "address": {
                    "line1": account.address_line,
                    "city": account.address_city,
                    "postal_code": account.address_postal_code,
                    "state": account.address_province,
                    "country": "ID",
                },
                "tax_id_data": [{"type": "id_npwp", "value": account.npwp}],
                "preferred_locales": ["id"],
                "metadata": {"government_code": government.code or "", "government_name": government.name},
            },
            options={"idempotency_key": f"warga-customer-{government.code}-{account.customer_generation}"},
        )
    )
    with transaction.atomic():
        locked = BillingAccount.objects.select_for_update(of=("self",)).select_related("plan").get(pk=account.pk)
        if not locked.stripe_customer_id:
            locked.stripe_customer_id = customer.id
            locked.save(update_fields=["stripe_customer_id", "updated_at"])
            _audit(locked, from_status=locked.status, note=f"Stripe customer {customer.id} created")
    return customer.id


@tenant_scoped_to("government")
def billing_checkout_start(
    *, government: Government, acting_user: User, plan_code: str, interval: str, origin: str
) -> str:
    """The address of a Stripe Checkout page subscribing `government` to `plan_code` per
    `interval`; `origin` is the government host's (the return page lives there). Nothing
    changes here but the customer, made once; the subscription arrives by webhook. A trial
    still running carries over: Stripe charges from its end."""
    policy_require(actor=acting_user, government=government, action=Action.BILLING_MANAGE)
    _require_billed(government)
    plan = next((offered for offered in plans_for(government=government) if offered.code == plan_code), None)
    if plan is None:
        raise BillingInvalid(
            "Paket ini tidak ditawarkan untuk pemerintah daerah ini. (This plan is not offered to this government.)",
            field="plan",
        )
    price = price_id(plan=plan, interval=interval) if interval in Interval.values else None
    if price is None:
        raise BillingInvalid(
            "Paket ini belum dijual untuk periode itu. (This plan is not on sale for that period.)", field="interval"
        )
    account = BillingAccount.objects.select_related("government", "plan").filter(government=government).first()
    if account is None or not account.npwp:
        raise BillingInvalid(
            "Isi dulu NPWP dan alamat penagihan di bawah. (Fill in the NPWP and billing address below first.)",
            field="npwp",
        )
    subscribed = account.status in (BillingStatus.ACTIVE, BillingStatus.PAST_DUE) or (
        account.status == BillingStatus.TRIALING and account.stripe_subscription_id
    )
    if subscribed:
        raise BillingInvalid(
            "Pemerintah ini sudah berlangganan; ubah paket lewat portal pelanggan Stripe. "
            "(This government already subscribes; change the plan in Stripe's customer portal.)"
        )
    customer = _customer_id(account)
    metadata = {"government_code": government.code or "", "plan": plan.code, "interval": interval}
    subscription_data: dict[str, Any] = {"metadata": metadata}
    now = timezone.now()
    if account.trial_ends_at is not None and account.trial_ends_at > now + _TRIAL_END_MARGIN:
        subscription_data["trial_end"] = int(account.trial_ends_at.timestamp())
    session = _stripe(
        lambda: stripe_client().v1.checkout.sessions.create(
            params={  # type: ignore[arg-type]
                "mode": "subscription",
                "customer": customer,
                "client_reference_id": government.code or "",
                "line_items": [{"price": price, "quantity": 1}],
                "metadata": metadata,
                "subscription_data": subscription_data,
                "locale": "id",
                "success_url": f"{origin}{CHECKOUT_RETURN_PATH}?session_id={{CHECKOUT_SESSION_ID}}",
                "cancel_url": f"{origin}{BILLING_PAGE_PATH}",
            }
        )
    )
    if not session.url:
        raise BillingUnavailable(STRIPE_DOWN_MESSAGE)
    return session.url


@tenant_scoped_to("government")
def billing_portal_start(*, government: Government, acting_user: User, origin: str) -> str:
    """The address of Stripe's Customer Portal for `government`: change the plan or the payment
    method, download invoices, cancel. Only once a customer exists."""
    policy_require(actor=acting_user, government=government, action=Action.BILLING_MANAGE)
    _require_billed(government)
    account = BillingAccount.objects.filter(government=government).first()
    if account is None or not account.stripe_customer_id:
        raise BillingInvalid(
            "Belum ada langganan untuk dikelola; pilih paket dulu. (There is no subscription to manage yet; choose a plan.)"
        )
    customer = account.stripe_customer_id
    portal = _stripe(
        lambda: stripe_client().v1.billing_portal.sessions.create(
            params={"customer": customer, "return_url": f"{origin}{BILLING_PAGE_PATH}", "locale": "id"}
        )
    )
    return portal.url


@dataclass(frozen=True)
class CheckoutResult:
    status: str  # open, complete, expired
    payment_status: str  # paid, unpaid, no_payment_required


@tenant_scoped_to("government")
def billing_checkout_result(*, government: Government, acting_user: User, session_id: str) -> CheckoutResult:
    """What became of the Checkout session `session_id`, read back from Stripe; a completed
    one's subscription is mirrored at once (the webhook may still be on its way). A session of
    another government is not found."""
    policy_require(actor=acting_user, government=government, action=Action.BILLING_MANAGE)
    _require_billed(government)
    if not re.fullmatch(r"cs_[A-Za-z0-9_]{1,200}", session_id or ""):
        raise BillingNotFound(_("There is no such checkout."))
    session = as_dict(_stripe(lambda: stripe_client().v1.checkout.sessions.retrieve(session_id)))
    if (session.get("metadata") or {}).get("government_code") != government.code:
        raise BillingNotFound(_("There is no such checkout."))
    subscription_id = session.get("subscription")
    if session.get("status") == "complete" and isinstance(subscription_id, str):
        subscription = as_dict(_stripe(lambda: stripe_client().v1.subscriptions.retrieve(subscription_id)))
        with transaction.atomic():
            account = _account_for_update(government)
            if not account.stripe_customer_id and isinstance(session.get("customer"), str):
                account.stripe_customer_id = session["customer"]
            _subscription_apply(account, subscription, seen_at=timezone.now(), note="Read back after checkout")
    return CheckoutResult(status=str(session.get("status")), payment_status=str(session.get("payment_status")))
