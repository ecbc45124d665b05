"""Deliveries recorded in the transaction of the change they announce, and the admin's test
and replay."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.webhooks.models import Delivery, Endpoint, EndpointState, Event
from warga.webhooks.selectors import Subscription, subscriptions_active
from warga.webhooks.services._common import WebhookNotFound, _body, _endpoint_locked, _send_after_commit


def _record(*, endpoint_ids: Sequence[int], event: str, data: Mapping[str, Any], at: datetime.datetime) -> list[int]:
    if not endpoint_ids:
        return []
    event_id = uuid.uuid4()
    body = _body(event=event, event_id=event_id, data=data, at=at)
    rows = Delivery.objects.bulk_create(
        Delivery(endpoint_id=pk, event=event, event_id=event_id, body=body, next_attempt_at=at, created_at=at)
        for pk in endpoint_ids
    )
    ids = [row.pk for row in rows]
    _send_after_commit(ids)
    return ids


# The report's outbox kinds (warga.reports) -> the events they are announced as.
def _events_of(kind: str, payload: Mapping[str, Any]) -> list[tuple[Event, dict[str, Any]]]:
    data = dict(payload)
    if kind == "report.submitted":
        return [(Event.REPORT_CREATED, data)]
    if kind in {"report.transferred_in", "report.transferred_out"}:
        return [(Event.REPORT_TRANSFERRED, data | {"direction": kind.rsplit("_", 1)[1]})]
    if kind == "report.status_changed":
        events = [(Event.REPORT_STATUS_CHANGED, data)]
        follows = {"resolved": Event.REPORT_RESOLVED, "reopened": Event.REPORT_DISPUTED}
        if data.get("to_status") in follows:
            events.append((follows[data["to_status"]], data))
        return events
    return []


@tenant_scoped
def webhooks_report_event(
    *,
    kind: str,
    payload: Mapping[str, Any],
    at: datetime.datetime,
    subscriptions: Sequence[Subscription] | None = None,
) -> list[int]:
    """Record the deliveries of a report change for every active endpoint that wants it.

    Called by warga.reports with each outbox event, in the change's transaction, with the
    outbox's payload: codes, statuses and times, never a description, a place or anyone's
    identity. `subscriptions`: the government's active endpoints as `subscriptions_active`
    gives them, already read in this transaction (routing's configuration holds them); read
    here when not given. Returns the ids of the deliveries queued (sent after the commit)."""
    events = _events_of(kind, payload)
    if not events:
        return []
    if subscriptions is None:
        subscriptions = subscriptions_active()
    queued: list[int] = []
    for event, data in events:
        wanted = [s.endpoint_id for s in subscriptions if event.value in s.events]
        queued += _record(endpoint_ids=wanted, event=event, data=data, at=at)
    return queued


@tenant_scoped
def webhook_for_unit(*, unit_id: int) -> Endpoint | None:
    """The active webhook of an external organisation, if it has one."""
    return Endpoint.objects.filter(unit_id=unit_id, state=EndpointState.ACTIVE).first()


@tenant_scoped
def webhook_forward_record(*, unit_id: int, data: Mapping[str, Any], at: datetime.datetime) -> int | None:
    """Queue a `report.forwarded` delivery to the external organisation's webhook, in the
    forward's transaction. None when the organisation has no active webhook."""
    endpoint = webhook_for_unit(unit_id=unit_id)
    if endpoint is None:
        return None
    (delivery_id,) = _record(endpoint_ids=[endpoint.pk], event=Event.REPORT_FORWARDED, data=data, at=at)
    return delivery_id


@tenant_scoped
def endpoint_ping(*, endpoint_id: int) -> Delivery:
    """Queue a `ping` delivery to the endpoint (the console's test button), paused or not:
    it is how an admin checks a receiver before resuming it."""
    with transaction.atomic():
        endpoint = _endpoint_locked(endpoint_id)
        now = timezone.now()
        event_id = uuid.uuid4()
        delivery = Delivery.objects.create(
            endpoint=endpoint,
            event=Event.PING,
            event_id=event_id,
            body=_body(event=Event.PING, event_id=event_id, data={"endpoint": endpoint.name}, at=now),
            next_attempt_at=now,
            created_at=now,
        )
        _send_after_commit([delivery.pk])
    return delivery


@tenant_scoped
def delivery_replay(*, delivery_id: int) -> Delivery:
    """Send a delivery again as a new delivery (its own `Warga-Delivery` id, the same body,
    hence the same event id), whatever became of the first."""
    with transaction.atomic():
        original = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
        if original is None:
            raise WebhookNotFound("Pengiriman itu tidak ada di pemerintah daerah ini.")
        now = timezone.now()
        replay = Delivery.objects.create(
            endpoint=original.endpoint,
            event=original.event,
            event_id=original.event_id,
            body=original.body,
            next_attempt_at=now,
            created_at=now,
            replay_of=original,
        )
        _send_after_commit([replay.pk])
    return replay
