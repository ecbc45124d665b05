"""The trial every newly onboarded government starts with."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tenants.models import Government
from tenants.scope import public_scoped
from warga.billing.models import BillingAccount, BillingStatus
from warga.billing.selectors import is_billed
from warga.billing.services._common import _account_for_update, _audit


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
