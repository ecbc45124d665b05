"""Reads of a government's webhooks, in its schema (the schema is the scope: another
government's endpoints and deliveries are not in it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from tenants.scope import any_scope, tenant_scoped
from warga.webhooks.models import Delivery, DeliveryState, Endpoint, EndpointState

DELIVERIES_SHOWN = 50


@tenant_scoped
def endpoints_list() -> QuerySet[Endpoint]:
    return Endpoint.objects.select_related("unit").order_by("name", "id")


@dataclass(frozen=True)
class Subscription:
    """An active endpoint of the government's own (not an external organisation's) and the
    events it takes: all a report change needs to queue its deliveries."""

    endpoint_id: int
    events: frozenset[str]


@tenant_scoped
def subscriptions_active() -> tuple[Subscription, ...]:
    """The government's active endpoints and their events, in the endpoints' order (one
    query). Routing's configuration cache holds them (docs/decisions/0140)."""
    rows = Endpoint.objects.filter(state=EndpointState.ACTIVE, unit__isnull=True).values_list("id", "events")
    return tuple(Subscription(endpoint_id=pk, events=frozenset(events)) for pk, events in rows)


@tenant_scoped
def endpoint_get(*, endpoint_id: int) -> Endpoint | None:
    return Endpoint.objects.select_related("unit").filter(pk=endpoint_id).first()


@tenant_scoped
def deliveries_list(*, endpoint_id: int | None = None, limit: int = DELIVERIES_SHOWN) -> list[Delivery]:
    """The latest deliveries, newest first, with their endpoint (one query)."""
    rows = Delivery.objects.select_related("endpoint").order_by("-created_at", "-id")
    if endpoint_id is not None:
        rows = rows.filter(endpoint_id=endpoint_id)
    return list(rows[:limit])


@tenant_scoped
def delivery_get(*, delivery_id: int) -> Delivery | None:
    return Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()


@any_scope  # builds a query; beat's dispatcher runs it in every schema at once
def deliveries_due(*, now: datetime.datetime | None = None) -> QuerySet[Delivery]:
    """Pending deliveries whose time has come (their endpoint paused or not). Also beat's probe
    for `webhooks.deliver_due` across every schema (settings.WARGA_FAN_OUT_PROBES): one table,
    the `webhook_delivery_due` partial index."""
    return Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now or timezone.now())
