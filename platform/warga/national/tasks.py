"""Relay tasks: one per government, sent from beat into every ready government's schema."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import connection

from tenants.tasks import TenantRequiredTask
from warga.national.services import relay_drain


@shared_task(
    name="national.relay_drain",
    base=TenantRequiredTask,
    bind=True,
    ignore_result=True,
    time_limit=120,
    soft_time_limit=100,
)
def national_relay_drain(self: Any) -> int:
    """Drain the current government's outbox into the national read model; returns the number
    of events relayed. Idempotent: a duplicate delivery finds nothing left, or waits for the
    relay already running in this government and then finds nothing left."""
    return relay_drain(government=connection.tenant).events  # type: ignore[attr-defined]
