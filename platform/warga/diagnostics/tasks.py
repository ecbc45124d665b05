"""Tasks of the worker diagnostics."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from celery import shared_task
from django.db import OperationalError

from tenants.tasks import TenantRequiredTask
from warga.diagnostics.services import echo_record

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    base=TenantRequiredTask,
    name="diagnostics.echo",
    ignore_result=True,
    time_limit=30,
    soft_time_limit=20,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def echo(self: Any, token: str) -> None:
    """Record `token` in the schema this task runs in; idempotent on the token."""
    row = echo_record(token=uuid.UUID(token), task_id=str(self.request.id))
    logger.info("diagnostics.echo %s recorded in schema %s", token, row.schema_seen)
