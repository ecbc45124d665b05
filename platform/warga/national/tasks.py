"""National tasks: the relay (one per government, sent from beat into every ready
government's schema), offers to a newly ready government (in the triage desk's schema) and
the surge flags (once for the country, in the public schema)."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import connection

from tenants.models import Government
from tenants.selectors import governments_ready
from tenants.tasks import TenantRequiredTask, send_into_each
from warga.national.selectors import governments_with_pending_relay
from warga.national.services import offers_for_government, offers_remind, relay_drain, surges_flag

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


@shared_task(name="national.relay_sweep", ignore_result=True, time_limit=120, soft_time_limit=100)
def national_relay_sweep(jitter_seconds: int = 5) -> int:
    """Public scope, from beat: the relay's backstop. Sends `national.relay_drain` into each
    ready government whose outbox holds unrelayed events (a nudge lost with a broker outage),
    and into no other; returns how many were sent. Idempotent like the drain itself."""
    ready = list(governments_ready().only("pk", "schema_name", "is_ready", "code", "name", "level"))
    pending = governments_with_pending_relay(ready)
    send_into_each(pending, "national.relay_drain", jitter_seconds=jitter_seconds)
    logger.info("relay sweep: %d of %d ready governments have events waiting", len(pending), len(ready))
    return len(pending)


@shared_task(
    name="national.offers_for_government",
    base=TenantRequiredTask,
    ignore_result=True,
    acks_late=True,
    autoretry_for=(Exception,),
    max_retries=5,
    retry_backoff=True,
    time_limit=300,
    soft_time_limit=270,
)
def national_offers_for_government(government_id: int) -> int:
    """Tenant scope (the national government's schema, where the desk's reports are): offer
    the desk's pending reports to the government that just became ready; returns how many
    offers were made. Idempotent: each report is offered to a government once."""
    government = Government.objects.filter(pk=government_id).first()
    if government is None:
        return 0
    return offers_for_government(government=government)


@shared_task(name="national.surges_flag", ignore_result=True, time_limit=120, soft_time_limit=100)
def national_surges_flag() -> int:
    """Public scope, one run for the whole country (beat, not the per-government dispatcher):
    flag new surges in the read model and notify; returns how many flags are new. Idempotent:
    a surge is flagged and told once."""
    return len(surges_flag().flagged)


@shared_task(name="national.offers_remind", ignore_result=True, time_limit=300, soft_time_limit=270)
def national_offers_remind() -> int:
    """Public scope, once for the country (beat, daily): remind each ready government's deciders
    of offers still pending, at most once a week per person; returns how many governments."""
    return offers_remind()
