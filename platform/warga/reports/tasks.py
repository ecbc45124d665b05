"""Report tasks: ids in, a service call out."""

from __future__ import annotations

import datetime
from typing import Any

from celery import shared_task
from django.conf import settings

from tenants.tasks import TenantRequiredTask


@shared_task(
    bind=True,
    base=TenantRequiredTask,
    name="reports.photo_process",
    # Storage that did not answer; a picture that cannot be decoded is not retried (rejected).
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
)
def photo_process_task(self: Any, *, photo_id: int) -> str:
    """Make one quarantined photo of the current government clean, with its thumbnail.
    Idempotent: a photo already finished is left as it is."""
    # Imported here: the services queue this task, so they import this module first.
    from warga.reports.services import report_photo_finish

    return report_photo_finish(photo_id=photo_id)


@shared_task(base=TenantRequiredTask, name="reports.photos_resend_waiting", ignore_result=True)
def photos_resend_waiting_task() -> int:
    """Beat's pass over the current government's photos whose processing task was lost."""
    # Imported here for the same reason as above.
    from warga.reports.services import report_photos_resend_waiting

    return report_photos_resend_waiting(older_than=datetime.timedelta(seconds=settings.WARGA_RESEND_WAITING_SECONDS))
