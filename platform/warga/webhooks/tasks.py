"""Webhook deliveries on their own queue: ids in, the delivery service out."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from tenants.tasks import TenantRequiredTask
from warga.webhooks.services import deliveries_due_send, delivery_attempt

# A retry due within this is sent with a countdown; later ones are left to beat's pass
# (webhooks.deliver_due), so no worker holds hours-long ETA messages.
COUNTDOWN_MAX_SECONDS = 600


@shared_task(bind=True, base=TenantRequiredTask, name="webhooks.deliver", ignore_result=True)
def webhook_deliver(self: Any, delivery_id: int) -> str:
    """Attempt one delivery of the current government; schedule its retry when it failed.
    Idempotent: a delivered, paused or not-yet-due delivery is left alone."""
    attempt = delivery_attempt(delivery_id=delivery_id)
    if attempt.outcome == "retry" and attempt.next_attempt_at is not None:
        delay = max(0.0, (attempt.next_attempt_at - timezone.now()).total_seconds())
        if delay <= COUNTDOWN_MAX_SECONDS:
            self.apply_async(kwargs={"delivery_id": delivery_id}, countdown=delay)
    return attempt.outcome


@shared_task(base=TenantRequiredTask, name="webhooks.deliver_due", ignore_result=True)
def webhooks_deliver_due() -> int:
    """Send every delivery of the current government whose time has come."""
    return deliveries_due_send()
