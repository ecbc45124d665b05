"""The outbox writer: facts for the national read model, written in the caller's
transaction, and the nudge that gets the relay to drain them after the commit."""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.core.cache import caches
from django.db import transaction

from tenants.context import current_schema
from warga.reports.models import OutboxEvent, Report
from warga.webhooks.services import webhooks_report_event

logger = logging.getLogger(__name__)

# The national relay (warga.national) drains a government's outbox into the read model. Every
# write nudges it once its transaction commits, so a change reaches the national view in about
# RELAY_NUDGE_SECONDS instead of at beat's next pass (beat stays as the backstop). Nudges are
# coalesced per government: the first write of a window sends one drain, delayed to the end of
# the window, which takes every event committed in it.
RELAY_TASK_NAME = "national.relay_drain"
RELAY_NUDGE_SECONDS = 1


def _relay_nudge(schema: str) -> None:
    if not caches["shared"].add(f"relay-nudge:{schema}", 1, timeout=RELAY_NUDGE_SECONDS):
        return
    try:
        current_app.send_task(RELAY_TASK_NAME, headers={"_schema_name": schema}, countdown=RELAY_NUDGE_SECONDS)
    except Exception:  # the change is committed and beat's next pass relays it: never fail the request
        logger.warning("could not nudge the national relay of %s; beat's next pass will relay it", schema)


def _outbox_write(**fields: Any) -> OutboxEvent:
    """Write an outbox event in the caller's transaction, with the government's webhook
    deliveries of the same change (warga.webhooks); nudge the relay after it commits."""
    event = OutboxEvent.objects.create(**fields)
    webhooks_report_event(kind=event.kind, payload=event.payload, at=event.created_at)
    schema = current_schema()
    transaction.on_commit(lambda: _relay_nudge(schema))
    return event


def _outbox_payload(report: Report, *, photo_count: int) -> dict[str, object]:
    # Codes and statuses only: no description, coordinates or identity leave the schema.
    return {
        "tracking_number": report.tracking_number,
        "type": report.type,
        "category_code": report.category_code,
        "province_code": report.province_code,
        "regency_code": report.regency_code,
        "district_code": report.district_code,
        "village_code": report.village_code,
        "privacy": report.privacy,
        "status": report.status,
        "priority": report.priority,
        "photos": photo_count,
        "created_at": report.created_at.isoformat(),
    }
