"""Writes to the current government's outbox: events recorded in the caller's transaction,
and the relay's marks on the events it applied.

Tenant scope: the outbox is a table of each government's schema.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from celery import current_app
from django.core.cache import caches
from django.db import transaction

from tenants.context import current_schema
from tenants.scope import any_scope, tenant_scoped
from warga.outbox.models import OutboxEvent
from warga.webhooks.selectors import Subscription
from warga.webhooks.services import webhooks_report_event

logger = logging.getLogger(__name__)

# The national relay (warga.national) drains a government's outbox into the read model. Every
# write nudges it once its transaction commits, so a change reaches the national view in about
# RELAY_NUDGE_SECONDS instead of at beat's next pass (beat stays as the backstop). Nudges are
# coalesced per government: the first write of a window sends one drain, delayed to the end of
# the window, which takes every event committed in it. Sent by name: the relay reads this app,
# so importing its task here would make the two depend on each other.
RELAY_TASK_NAME = "national.relay_drain"
RELAY_NUDGE_SECONDS = 1


@any_scope
def relay_nudge(*, schema: str) -> None:
    """Send the relay of `schema` once per RELAY_NUDGE_SECONDS window; never raises (the
    change is committed and beat's next pass relays it)."""
    if not caches["shared"].add(f"relay-nudge:{schema}", 1, timeout=RELAY_NUDGE_SECONDS):
        return
    try:
        current_app.send_task(RELAY_TASK_NAME, headers={"_schema_name": schema}, countdown=RELAY_NUDGE_SECONDS)
    except Exception:  # the change is committed and beat's next pass relays it: never fail the request
        logger.warning("could not nudge the national relay of %s; beat's next pass will relay it", schema)


@tenant_scoped
def outbox_write(*, webhook_subscriptions: Sequence[Subscription] | None = None, **fields: Any) -> OutboxEvent:
    """Write an outbox event in the caller's transaction, with the government's webhook
    deliveries of the same change (warga.webhooks); nudge the relay after it commits.
    `webhook_subscriptions`: the government's active endpoints when the caller already holds
    them (routing's configuration, read in this transaction); read here otherwise."""
    event = OutboxEvent.objects.create(**fields)
    webhooks_report_event(
        kind=event.kind, payload=event.payload, at=event.created_at, subscriptions=webhook_subscriptions
    )
    schema = current_schema()
    transaction.on_commit(lambda: relay_nudge(schema=schema))
    return event


@tenant_scoped
def outbox_mark_relayed(*, event_ids: Iterable[int], at: datetime) -> int:
    """Mark the events `event_ids` applied at `at`, in the relay's batch transaction; returns
    how many rows were marked."""
    return OutboxEvent.objects.filter(pk__in=list(event_ids)).update(relayed_at=at)
