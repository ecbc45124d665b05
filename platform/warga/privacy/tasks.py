from __future__ import annotations

from celery import shared_task

from tenants.tasks import TenantRequiredTask
from warga.privacy.services import retention_apply


@shared_task(name="privacy.retention_apply", base=TenantRequiredTask, ignore_result=True, acks_late=True)
def retention_apply_task() -> int:
    """Daily, in every ready government (beat, through the dispatcher): anonymise the reporters
    of reports that ended longer ago than the government's retention period. Idempotent."""
    return retention_apply()
