"""Reads of the outbox: what the national relay has still to apply, in the current
government's schema, and which governments have any (a probe across schemas, public scope).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from tenants.models import Government
from tenants.scope import public_scoped, tenant_scoped
from warga.outbox.models import OutboxEvent


@tenant_scoped
def outbox_pending(*, limit: int) -> list[OutboxEvent]:
    """The oldest `limit` events not yet relayed, in id order (the order they were written)."""
    return list(OutboxEvent.objects.filter(relayed_at__isnull=True).order_by("id")[:limit])


@tenant_scoped
def outbox_first_pending_id() -> int | None:
    """The id of the oldest event not yet relayed, or None when the outbox is drained."""
    return OutboxEvent.objects.filter(relayed_at__isnull=True).order_by("id").values_list("id", flat=True).first()


# Schemas probed per statement by `governments_with_pending_relay`: one index probe each.
PENDING_PROBE_CHUNK = 200


@public_scoped
def governments_with_pending_relay(governments: Iterable[Government]) -> list[Government]:
    """Those of `governments` whose outbox holds events not yet relayed.

    Public scope. One statement per 200 schemas, each a probe of the outbox's partial index on
    unrelayed rows, so the relay's backstop visits only governments with work instead of
    sending a task into every one (issue #17 item 6, docs/performance.md "Relay sweep").
    """
    candidates = list(governments)
    pending: list[Government] = []
    quote = connection.ops.quote_name
    table = quote(OutboxEvent._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(candidates), PENDING_PROBE_CHUNK):
            chunk = candidates[start : start + PENDING_PROBE_CHUNK]
            probes = " UNION ALL ".join(
                f"SELECT {index} WHERE EXISTS "
                f"(SELECT 1 FROM {quote(government.schema_name)}.{table} WHERE relayed_at IS NULL)"
                for index, government in enumerate(chunk)
            )
            cursor.execute(probes)
            pending.extend(chunk[index] for (index,) in cursor.fetchall())
    return pending
