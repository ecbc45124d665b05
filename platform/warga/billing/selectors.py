"""Reads of billing: whether billing is on, a government's standing (may it use premium
features now?), the plans offered to it, and the operator's overview.

`premium_refusal` is what `warga.access.policy` asks for every premium action: the one place
the lock is decided (docs/decisions/0053).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from tenants.models import Government, Level
from tenants.scope import any_scope
from warga.billing.models import BillingAccount, BillingStatus, Interval, Plan
from warga.regions.selectors import population_figures

BILLING_PAGE_PATH = "/kantor/admin/tagihan/"
PREMIUM_LOCKED_MESSAGE = (
    "Fitur ini termasuk paket Lengkap dan terkunci untuk pemerintah daerah ini: {state_id}. "
    "Admin koordinator dapat mengaturnya di halaman Tagihan: {path} "
    "(This feature is part of the complete plan and is locked for this government: {state_en}. "
    "The admin koordinator can settle it on the Billing page: {path})"
)
# Why premium features are locked, by billing state (Indonesian, English).
LOCKED_BECAUSE: dict[str, tuple[str, str]] = {
    BillingStatus.NONE: ("belum berlangganan", "there is no subscription"),
    BillingStatus.TRIALING: ("masa uji coba sudah habis", "the trial is over"),
    BillingStatus.ACTIVE: ("paketnya paket Dasar", "its plan is the basic plan"),
    BillingStatus.PAST_DUE: (
        "pembayaran tertunggak melewati masa tenggang",
        "a payment is overdue beyond the grace period",
    ),
    BillingStatus.UNPAID: ("tagihan belum dibayar", "an invoice is unpaid"),
    BillingStatus.CANCELED: ("langganan sudah berhenti", "the subscription was canceled"),
}
# Levels that are billed; the national government and the template never are.
BILLED_LEVELS = frozenset({Level.PROVINCE, Level.REGENCY, Level.CITY})


@any_scope
def billing_enabled() -> bool:
    """Billing is on when Stripe's secret key is configured; off, every government is active."""
    return bool(settings.WARGA_BILLING_ENABLED)


@any_scope
def is_billed(government: Government) -> bool:
    return government.level in BILLED_LEVELS


@any_scope
def price_id(*, plan: Plan, interval: str) -> str | None:
    """The Stripe Price of `plan` per `interval` from the environment, or None (not on sale)."""
    return settings.WARGA_STRIPE_PRICES.get(f"{plan.code}:{interval}")


@any_scope
def plan_for_price(*, price: str) -> tuple[Plan, str] | None:
    """The plan and interval a Stripe Price id stands for, or None when the environment does not map it."""
    for key, value in settings.WARGA_STRIPE_PRICES.items():
        if value == price:
            code, _, interval = key.partition(":")
            plan = Plan.objects.filter(code=code).first()
            return (plan, interval) if plan is not None else None
    return None


@dataclass(frozen=True)
class Standing:
    """What a government may use now, and why."""

    premium: bool
    state: str  # a BillingStatus value, or "off" / "not_billed"
    # Past due: premium features stay until this moment.
    grace_ends_at: datetime.datetime | None = None
    # After a downgrade or before a trial ends: premium until this moment.
    premium_until: datetime.datetime | None = None


@any_scope
def grace_end(account: BillingAccount) -> datetime.datetime | None:
    if account.past_due_since is None:
        return None
    return account.past_due_since + datetime.timedelta(days=settings.WARGA_BILLING_GRACE_DAYS)


@any_scope
def standing_of(*, government: Government, account: BillingAccount | None, now: datetime.datetime) -> Standing:
    """The standing from an account already read (no query)."""
    if not billing_enabled():
        return Standing(premium=True, state="off")
    if not is_billed(government):
        return Standing(premium=True, state="not_billed")
    if account is None:
        return Standing(premium=False, state=BillingStatus.NONE)
    status = account.status
    downgraded = account.premium_until is not None and now < account.premium_until
    if status == BillingStatus.TRIALING:
        ends = account.trial_ends_at
        # A trial Warga started has no subscription; one in Stripe ends when Stripe says so.
        in_trial = bool(account.stripe_subscription_id) or (ends is not None and now < ends)
        return Standing(premium=in_trial, state=status, premium_until=ends)
    if status == BillingStatus.ACTIVE:
        premium = account.plan is not None and account.plan.includes_premium
        return Standing(
            premium=premium or downgraded, state=status, premium_until=account.premium_until if downgraded else None
        )
    if status == BillingStatus.PAST_DUE:
        ends = grace_end(account)
        in_grace = ends is not None and now < ends
        premium = account.plan is not None and account.plan.includes_premium
        return Standing(premium=(premium or downgraded) and in_grace, state=status, grace_ends_at=ends)
    return Standing(premium=False, state=status)


@any_scope
def billing_account_of(*, government: Government) -> BillingAccount | None:
    """`government`'s billing account with its plan (one query), or None."""
    return BillingAccount.objects.select_related("plan").filter(government_id=government.pk).first()


@any_scope
def standing_for(*, government: Government, now: datetime.datetime | None = None) -> Standing:
    """`government`'s standing now (one query when billing is on and it is billed, else none)."""
    if not billing_enabled() or not is_billed(government):
        return standing_of(government=government, account=None, now=now or timezone.now())
    return standing_of(
        government=government, account=billing_account_of(government=government), now=now or timezone.now()
    )


@any_scope
def premium_refusal(*, government: Government, now: datetime.datetime | None = None) -> str | None:
    """None when `government` may use premium features now, else the message saying why and
    where to settle it."""
    standing = standing_for(government=government, now=now)
    if standing.premium:
        return None
    state_id, state_en = LOCKED_BECAUSE.get(standing.state, (standing.state, standing.state))
    return PREMIUM_LOCKED_MESSAGE.format(state_id=state_id, state_en=state_en, path=BILLING_PAGE_PATH)


@any_scope
def plans_for(*, government: Government) -> list[Plan]:
    """The plans offered to `government`: its level, and its population band when the
    operator loaded its population (else every band of its level)."""
    plans = Plan.objects.filter(level=government.level, is_offered=True)
    figure = population_figures(codes=[government.code or ""]).get(government.code or "")
    if figure is not None:
        plans = plans.filter(population_min__lte=figure.population).exclude(population_max__lte=figure.population)
    return list(plans)


@dataclass(frozen=True)
class PlanOffer:
    plan: Plan
    intervals: list[tuple[str, str, int]]  # (interval, label, rupiah) with a Stripe Price


@any_scope
def plan_offers(*, government: Government) -> list[PlanOffer]:
    offers = []
    for plan in plans_for(government=government):
        intervals = [
            (interval, label, plan.price_month_idr if interval == Interval.MONTH else plan.price_year_idr)
            for interval, label in Interval.choices
            if price_id(plan=plan, interval=interval)
        ]
        offers.append(PlanOffer(plan=plan, intervals=intervals))
    return offers


@any_scope
def next_invoice(account: BillingAccount) -> tuple[datetime.datetime, int] | None:
    """When the next invoice is due and its rupiah, for a subscription that renews."""
    if (
        account.plan is None
        or account.current_period_end is None
        or account.cancel_at_period_end
        or account.status not in (BillingStatus.ACTIVE, BillingStatus.TRIALING, BillingStatus.PAST_DUE)
    ):
        return None
    amount = account.plan.price_year_idr if account.interval == Interval.YEAR else account.plan.price_month_idr
    return account.current_period_end, amount


@any_scope
def stripe_dashboard_url(account: BillingAccount) -> str | None:
    """The Stripe dashboard's page of the account's subscription (else customer)."""
    mode = "test/" if settings.WARGA_STRIPE_SECRET_KEY.split("_")[1:2] == ["test"] else ""
    if account.stripe_subscription_id:
        return f"https://dashboard.stripe.com/{mode}subscriptions/{account.stripe_subscription_id}"
    if account.stripe_customer_id:
        return f"https://dashboard.stripe.com/{mode}customers/{account.stripe_customer_id}"
    return None
