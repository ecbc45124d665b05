"""Writes of billing: the trial, the invoicing details, Stripe Checkout and the Customer
Portal for the admin koordinator, and the mirror of Stripe's events into each government's
billing state (docs/billing.md, docs/decisions/0053).

Stripe is the source of truth for subscriptions. An event is stored once by its id and
processed in a task; an event older than the state already stored is not applied, and on a
tie (Stripe's times are whole seconds) the subscription is read back from Stripe. Every
change of state leaves a `BillingAudit` row.
"""

from __future__ import annotations

import datetime
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import stripe
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.context import government_context
from tenants.models import Government
from tenants.scope import any_scope, public_scoped, tenant_scoped_to
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.billing.errors import BillingInvalid, BillingNotFound, BillingUnavailable
from warga.billing.models import BillingAccount, BillingAudit, BillingStatus, Interval, Plan, StripeEvent
from warga.billing.selectors import (
    BILLING_PAGE_PATH,
    billing_enabled,
    grace_end,
    is_billed,
    plan_for_price,
    plans_for,
    price_id,
)
from warga.billing.stripe_api import as_dict, stripe_client
from warga.organization.models import Membership, PositionKind
from warga.organization.selectors import membership_active_q, today_in

logger = logging.getLogger(__name__)
T = TypeVar("T")

CHECKOUT_RETURN_PATH = f"{BILLING_PAGE_PATH}selesai/"
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
# A trial end handed to Checkout must be at least two days ahead (Stripe's rule).
_TRIAL_END_MARGIN = datetime.timedelta(hours=48)


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


# --- Trial --------------------------------------------------------------------------------


@public_scoped
def start_trial(government: Government, *, now: datetime.datetime | None = None) -> BillingAccount | None:
    """Start `government`'s trial: WARGA_BILLING_TRIAL_DAYS of every feature with no payment
    details, for a newly onboarded government. Idempotent: a government that had a trial or
    a subscription keeps its account unchanged. None for a government never billed."""
    if not is_billed(government):
        return None
    now = now or timezone.now()
    with transaction.atomic():
        account = _account_for_update(government)
        if (
            account.trial_ends_at is None
            and account.status == BillingStatus.NONE
            and not account.stripe_subscription_id
        ):
            account.status = BillingStatus.TRIALING
            account.trial_ends_at = now + datetime.timedelta(days=settings.WARGA_BILLING_TRIAL_DAYS)
            account.save(update_fields=["status", "trial_ends_at", "updated_at"])
            _audit(account, from_status=BillingStatus.NONE, note="Trial started")
    return account


def _account_for_update(government: Government) -> BillingAccount:
    BillingAccount.objects.get_or_create(government=government)
    return BillingAccount.objects.select_for_update(of=("self",)).select_related("plan").get(government=government)


# --- Invoicing details --------------------------------------------------------------------


@any_scope
def npwp_clean(value: str) -> str:
    """An NPWP as its digits: 15 (the old format, `01.234.567.8-901.000`) or 16 (the NIK-based
    format since 2024); dots, dashes and spaces are ignored."""
    digits = re.sub(r"[.\-\s]", "", value or "")
    if not re.fullmatch(r"\d{15}|\d{16}", digits):
        raise BillingInvalid(
            "NPWP terdiri dari 15 atau 16 angka (titik dan tanda hubung boleh). "
            "(An NPWP has 15 or 16 digits; dots and dashes are allowed.)",
            field="npwp",
        )
    return digits


@tenant_scoped_to("government")
def billing_details_set(
    *,
    government: Government,
    acting_user: User,
    npwp: str,
    billing_name: str,
    address_line: str,
    address_city: str,
    address_postal_code: str,
    address_province: str,
) -> BillingAccount:
    """Save the name, NPWP and address invoices carry. Every field is checked before anything
    is written. Stripe receives them with the customer, made at the first checkout; later
    changes are made in Stripe's Customer Portal."""
    policy_require(actor=acting_user, government=government, action=Action.BILLING_MANAGE)
    _require_billed(government)
    clean_npwp = npwp_clean(npwp)
    values = {
        "billing_name": " ".join(billing_name.split()),
        "address_line": " ".join(address_line.split()),
        "address_city": " ".join(address_city.split()),
        "address_province": " ".join(address_province.split()),
    }
    for field, value in values.items():
        if not value:
            raise BillingInvalid(_("This field is required for invoices."), field=field)
    if not re.fullmatch(r"\d{5}", address_postal_code.strip()):
        raise BillingInvalid(
            "Kode pos terdiri dari 5 angka. (A postal code has 5 digits.)", field="address_postal_code"
        )
    with transaction.atomic():
        account = _account_for_update(government)
        for field, value in values.items():
            setattr(account, field, value)
        account.npwp = clean_npwp
        account.address_postal_code = address_postal_code.strip()
        account.save()
        _audit(account, from_status=account.status, actor_id=acting_user.pk, note="Invoicing details saved")
    return account


# --- Checkout and the Customer Portal -----------------------------------------------------


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


# --- Stripe events ------------------------------------------------------------------------


@public_scoped
def stripe_event_record(*, payload: dict[str, Any]) -> bool:
    """Store a verified Stripe event once, by its id, and queue its processing after commit.
    True when it is new; a replayed event changes nothing."""
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


# --- Grace period reminders ---------------------------------------------------------------


@public_scoped
def admin_emails(*, government: Government) -> list[str]:
    """The addresses of `government`'s admin koordinators seated today."""
    with government_context(government):
        user_ids = set(
            Membership.objects.filter(
                membership_active_q(on=today_in(government=government)), position__kind=PositionKind.ADMIN_KOORDINATOR
            ).values_list("user_id", flat=True)
        )
    return sorted(
        User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").values_list("email", flat=True)
    )


@public_scoped
def billing_grace_remind(*, now: datetime.datetime | None = None, origin_of: Callable[[Government], str]) -> int:
    """Email the admin koordinators of every past-due government, at most once every
    WARGA_BILLING_REMINDER_DAYS, while its grace period runs and once more after it ended.
    Returns how many governments were reminded."""
    if not billing_enabled():
        return 0
    now = now or timezone.now()
    every = datetime.timedelta(days=settings.WARGA_BILLING_REMINDER_DAYS)
    reminded = 0
    due = BillingAccount.objects.filter(status=BillingStatus.PAST_DUE).select_related("government")
    for account in due:
        if account.last_reminder_at is not None and now - account.last_reminder_at < every:
            continue
        ends = grace_end(account)
        if ends is not None and account.last_reminder_at is not None and account.last_reminder_at > ends:
            continue  # told after the grace period ended already
        recipients = admin_emails(government=account.government)
        if recipients:
            link = f"{origin_of(account.government)}{BILLING_PAGE_PATH}"
            if ends is not None and now < ends:
                subject = f"[Warga] Pembayaran {account.government.name} gagal (payment failed)"
                body = (
                    f"Pembayaran langganan Warga untuk {account.government.name} gagal. Fitur paket Lengkap "
                    f"(domain sendiri, tampilan, ekspor CSV, kunci API dan webhook) tetap berjalan sampai "
                    f"{timezone.localtime(ends):%d-%m-%Y %H:%M} WIB, lalu terkunci. Laporan warga tetap diterima "
                    f"dan ditangani seperti biasa.\nPerbarui cara pembayaran: {link}\n\n"
                    f"The payment for {account.government.name}'s Warga subscription failed. Premium features keep "
                    f"working until the date above, then lock. Citizens' reports keep arriving and being handled.\n"
                )
            else:
                subject = f"[Warga] Fitur paket Lengkap {account.government.name} terkunci (premium features locked)"
                body = (
                    f"Masa tenggang pembayaran {account.government.name} telah berakhir; fitur paket Lengkap "
                    f"terkunci sampai pembayaran diterima. Laporan warga tetap diterima dan ditangani.\n"
                    f"Selesaikan pembayaran: {link}\n\n"
                    f"The grace period has ended; premium features are locked until payment is received.\n"
                )
            send_mail(subject, body, None, recipients)
        account.last_reminder_at = now
        account.save(update_fields=["last_reminder_at", "updated_at"])
        reminded += 1
    return reminded


# --- Reconciliation -----------------------------------------------------------------------


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
