"""Reads of the outbox: what the national relay has still to apply, in the current
government's schema, and which governments have any (a probe across schemas, public scope).
"""

from __future__ import annotations

from collections.abc import Iterable

from tenants.models import Government
from tenants.scope import public_scoped, tenant_scoped
from tenants.selectors import governments_holding
from warga.outbox.models import OutboxEvent


@tenant_scoped
def outbox_pending(*, limit: int) -> list[OutboxEvent]:
    """The oldest `limit` events not yet relayed, in id order (the order they were written)."""
    return list(OutboxEvent.objects.filter(relayed_at__isnull=True).order_by("id")[:limit])


@tenant_scoped
def outbox_first_pending_id() -> int | None:
    """The id of the oldest event not yet relayed, or None when the outbox is drained."""
    return OutboxEvent.objects.filter(relayed_at__isnull=True).order_by("id").values_list("id", flat=True).first()


@public_scoped
def governments_with_pending_relay(governments: Iterable[Government]) -> list[Government]:
    """Those of `governments` whose outbox holds events not yet relayed: a probe of the
    outbox's partial index on unrelayed rows in each schema (`governments_holding`), so the
    relay's backstop visits only governments with work instead of sending a task into every one
    (issue #17 item 6, docs/performance.md "Relay sweep")."""
    return governments_holding(governments, OutboxEvent.objects.filter(relayed_at__isnull=True))
