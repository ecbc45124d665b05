"""Comparing a government's billing with its subscription at Stripe."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tenants.scope import public_scoped
from warga.billing.models import BillingAccount
from warga.billing.selectors import plan_for_price
from warga.billing.services._common import _MIRRORED, _stripe, _subscription_apply
from warga.billing.stripe_api import as_dict, stripe_client


@dataclass(frozen=True)
class Difference:
    government: str
    field: str
    warga: str
    stripe: str


@public_scoped
def billing_reconcile_one(account: BillingAccount, *, apply: bool) -> list[Difference]:
    """Compare `account` with its subscription at Stripe; with `apply`, take Stripe's state.
    Raises BillingUnavailable when Stripe cannot be read."""
    if not account.stripe_subscription_id:
        return []
    subscription_id = account.stripe_subscription_id
    subscription = as_dict(_stripe(lambda: stripe_client().v1.subscriptions.retrieve(subscription_id)))
    items = (subscription.get("items") or {}).get("data") or []
    price = ((items[0] if items else {}).get("price") or {}).get("id")
    mapped = plan_for_price(price=price) if isinstance(price, str) else None
    label = account.government.code or account.government.name
    differences = []
    mirrored = _MIRRORED.get(str(subscription.get("status")))
    if mirrored is not None and mirrored != account.status:
        differences.append(Difference(label, "status", account.status, str(subscription.get("status"))))
    stripe_plan = mapped[0].code if mapped else f"? ({price})"
    if (account.plan.code if account.plan else "") != stripe_plan:
        differences.append(Difference(label, "plan", account.plan.code if account.plan else "-", stripe_plan))
    if differences and apply:
        with transaction.atomic():
            locked = BillingAccount.objects.select_for_update(of=("self",)).select_related("plan").get(pk=account.pk)
            _subscription_apply(locked, subscription, seen_at=timezone.now(), note="Reconciled with Stripe")
    return differences
