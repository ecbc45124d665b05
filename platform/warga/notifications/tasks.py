"""Delivery of queued notifications: ids in, the delivery service out."""

from __future__ import annotations

import datetime
import random
from typing import Any

from celery import shared_task
from django.conf import settings

from tenants.tasks import TenantRequiredTask
from warga.notifications.services import (
    MAX_ATTEMPTS,
    emails_batched,
    notification_deliver,
    notifications_resend_waiting,
)


def backoff_seconds(retries: int) -> float:
    """30 s, 60 s, 120 s ... capped at 30 min, with jitter so a gateway that came back is not
    hit by every waiting message in the same second."""
    return float(min(1800, 30 * 2**retries)) * random.uniform(0.8, 1.2)


@shared_task(bind=True, base=TenantRequiredTask, name="notifications.deliver", max_retries=MAX_ATTEMPTS)
def notifications_deliver(self: Any, notification_ids: list[int]) -> dict[str, int]:
    """Deliver the given notifications of the current government; retry the ones that failed
    for a temporary reason. Idempotent: sent rows are skipped. The batch's emails share one
    connection to the mail server."""
    with emails_batched():
        outcomes = {
            notification_id: notification_deliver(notification_id=notification_id)
            for notification_id in notification_ids
        }
    pending = [notification_id for notification_id, outcome in outcomes.items() if outcome == "retry"]
    if pending:
        raise self.retry(kwargs={"notification_ids": pending}, countdown=backoff_seconds(self.request.retries))
    summary: dict[str, int] = {}
    for outcome in outcomes.values():
        summary[outcome] = summary.get(outcome, 0) + 1
    return summary


@shared_task(base=TenantRequiredTask, name="notifications.resend_waiting", ignore_result=True)
def notifications_resend_waiting_task() -> int:
    """Beat's pass over the current government's notifications whose delivery task was lost."""
    return notifications_resend_waiting(older_than=datetime.timedelta(seconds=settings.WARGA_RESEND_WAITING_SECONDS))
