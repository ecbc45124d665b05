"""Reads of the worker diagnostics across governments' schemas."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django_tenants.utils import quote_schema_name

from tenants.scope import public_scoped
from warga.diagnostics.models import TaskEcho

# Schemas per query: one UNION ALL statement polls a batch of governments at once, so waiting
# for hundreds of echoes costs a handful of queries per round, not one per government.
_BATCH = 200


@dataclass(frozen=True)
class EchoArrival:
    schema: str
    schema_seen: str
    task_id: str
    created_at: datetime


@public_scoped
def echo_arrivals(*, tokens_by_schema: dict[str, uuid.UUID]) -> dict[str, EchoArrival]:
    """The echoes that have arrived: schema -> the row found there under that schema's token.

    `schema_seen` is what the worker's connection reported; it differs from `schema` only if
    a task wrote into a schema other than the one it was sent to.
    """
    table = TaskEcho._meta.db_table
    items = sorted(tokens_by_schema.items())
    arrived: dict[str, EchoArrival] = {}
    for start in range(0, len(items), _BATCH):
        batch = items[start : start + _BATCH]
        union = " UNION ALL ".join(
            f"SELECT %s, schema_seen, task_id, created_at FROM {quote_schema_name(schema)}.{table} WHERE token = %s"
            for schema, _ in batch
        )
        parameters: list[str] = []
        for schema, token in batch:
            parameters += [schema, str(token)]
        with connection.cursor() as cursor:
            cursor.execute(union, parameters)
            for schema, schema_seen, task_id, created_at in cursor.fetchall():
                arrived[schema] = EchoArrival(
                    schema=schema, schema_seen=schema_seen, task_id=task_id, created_at=created_at
                )
    return arrived
