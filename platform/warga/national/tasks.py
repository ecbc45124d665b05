"""National tasks: the relay (one per government, sent into each ready government's schema
whose outbox holds events) and the surge flags (once for the country, in the public schema).
The triage desk's offers are warga.triage's."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import connection

from tenants.selectors import governments_ready
from tenants.tasks import PublicTask, TenantRequiredTask, send_into_each
from warga.national.services import relay_drain, surges_flag
from warga.outbox.selectors import governments_with_pending_relay

logger = logging.getLogger(__name__)


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


@shared_task(base=PublicTask, name="national.relay_sweep", ignore_result=True, time_limit=120, soft_time_limit=100)
def national_relay_sweep(jitter_seconds: int = 5) -> int:
    """Public scope, from beat: the relay's backstop. Sends `national.relay_drain` into each
    ready government whose outbox holds unrelayed events (a nudge lost with a broker outage),
    and into no other; returns how many were sent. Idempotent like the drain itself."""
    ready = list(governments_ready().only("pk", "schema_name", "is_ready", "code", "name", "level"))
    pending = governments_with_pending_relay(ready)
    send_into_each(pending, "national.relay_drain", jitter_seconds=jitter_seconds)
    logger.info("relay sweep: %d of %d ready governments have events waiting", len(pending), len(ready))
    return len(pending)


@shared_task(base=PublicTask, name="national.surges_flag", ignore_result=True, time_limit=120, soft_time_limit=100)
def national_surges_flag() -> int:
    """Public scope, one run for the whole country (beat, not the per-government dispatcher):
    flag new surges in the read model and notify; returns how many flags are new. Idempotent:
    a surge is flagged and told once."""
    return len(surges_flag().flagged)
