"""Billing's tasks: billing lives in `public`, so they run there (PublicTask)."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from tenants.services import origin_for_slug
from tenants.tasks import PublicTask
from warga.billing.services import billing_grace_remind, stripe_event_process

logger = logging.getLogger(__name__)

MAX_RETRIES = 8


@shared_task(
    bind=True, base=PublicTask, name="billing.event_process", acks_late=True, max_retries=MAX_RETRIES, time_limit=120
)
def event_process_task(self: Any, *, event_id: str) -> str:
    """Apply the stored Stripe event `event_id` (once; a repeat returns its outcome). When
    Stripe cannot be read back the task retries with a growing wait; the event stays unprocessed
    until then."""
    import stripe

    try:
        return stripe_event_process(event_id=event_id)
    except stripe.StripeError as error:
        if self.request.retries >= MAX_RETRIES:
            logger.exception("Stripe event %s could not be processed after %d tries", event_id, MAX_RETRIES + 1)
            raise
        raise self.retry(exc=error, countdown=min(600, 10 * 2**self.request.retries)) from error


@shared_task(base=PublicTask, name="billing.grace_remind", acks_late=True, time_limit=600, soft_time_limit=540)
def grace_remind_task() -> int:
    """Daily (beat): remind the admins of past-due governments (warga.billing.services)."""
    return billing_grace_remind(origin_of=lambda government: origin_for_slug(government.slug))
