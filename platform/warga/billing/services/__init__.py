"""Writes of billing: the trial, the invoicing details, Stripe Checkout and the Customer
Portal for the admin koordinator, and the mirror of Stripe's events into each government's
billing state (docs/billing.md, docs/decisions/0053).

Stripe is the source of truth for subscriptions. An event is stored once by its id and
processed in a task; an event older than the state already stored is not applied, and on a
tie (Stripe's times are whole seconds) the subscription is read back from Stripe. Every
change of state leaves a `BillingAudit` row.

| module | what it does |
|---|---|
| trial | the trial a newly onboarded government starts with |
| invoicing_details | the name, NPWP and address invoices carry |
| checkout | Stripe Checkout, the Customer Portal, and the read-back of a completed checkout |
| stripe_events | Stripe's events stored once and mirrored into each government's billing |
| grace_reminders | the reminders to the admin koordinators of a past-due government |
| reconciliation | a government's billing compared with its subscription at Stripe |
| _common | the refusals, the Stripe call wrapper, the locked account, the audit row, the subscription mirror |
"""

from warga.billing.services._common import BILLING_OFF_MESSAGE, NOT_BILLED_MESSAGE, STRIPE_DOWN_MESSAGE
from warga.billing.services.checkout import (
    CHECKOUT_RETURN_PATH,
    CheckoutResult,
    billing_checkout_result,
    billing_checkout_start,
    billing_portal_start,
)
from warga.billing.services.grace_reminders import admin_emails, billing_grace_remind
from warga.billing.services.invoicing_details import billing_details_set, npwp_clean
from warga.billing.services.reconciliation import Difference, billing_reconcile_one
from warga.billing.services.stripe_events import HANDLED_EVENTS, stripe_event_process, stripe_event_record
from warga.billing.services.trial import start_trial

__all__ = [
    "BILLING_OFF_MESSAGE",
    "CHECKOUT_RETURN_PATH",
    "HANDLED_EVENTS",
    "NOT_BILLED_MESSAGE",
    "STRIPE_DOWN_MESSAGE",
    "CheckoutResult",
    "Difference",
    "admin_emails",
    "billing_checkout_result",
    "billing_checkout_start",
    "billing_details_set",
    "billing_grace_remind",
    "billing_portal_start",
    "billing_reconcile_one",
    "npwp_clean",
    "start_trial",
    "stripe_event_process",
    "stripe_event_record",
]
