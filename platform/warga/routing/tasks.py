"""Periodic escalation: beat sends the dispatcher, the dispatcher one task per ready government."""

from __future__ import annotations

from celery import shared_task

from tenants.context import tenant_connection
from tenants.tasks import TenantRequiredTask
from warga.counters import ESCALATIONS
from warga.routing.services import escalations_run


@shared_task(
    base=TenantRequiredTask, name="routing.escalate_overdue", acks_late=True, time_limit=240, soft_time_limit=200
)
def routing_escalate_overdue(batch: int = 200) -> dict[str, int]:
    """Escalate the current government's overdue reports, `batch` per transaction. Safe to
    run twice or after a crash: each overdue step escalates once (see escalations_run)."""
    run = escalations_run(batch=batch)
    ESCALATIONS.labels(government=tenant_connection().tenant.code).inc(run.escalated)
    return {"escalated": run.escalated, "chains_ended": run.chains_ended}
