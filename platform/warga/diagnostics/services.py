"""Writes of the worker diagnostics: sending an echo into a government, recording its arrival."""

from __future__ import annotations

import uuid

from django.db import connection

from tenants.context import government_context
from tenants.models import Government
from tenants.scope import public_scoped, tenant_scoped
from tenants.tasks import send_on_commit
from warga.diagnostics.models import TaskEcho
from warga.errors import Conflict


class GovernmentNotReady(Conflict):
    """An echo was requested for a government that is not in service."""

    code = "not_ready"


@public_scoped
def echo_request(*, government: Government, expires_seconds: float | None = None) -> uuid.UUID:
    """Queue one `diagnostics.echo` into `government`'s schema after the current transaction
    commits, and return the token the echo will be recorded under there.

    With `expires_seconds`, a worker that gets the echo later than that discards it: whoever
    was waiting for it has given up, and a late row would only be litter. The schema is pinned at the call (tenants.tasks.send_on_commit).
    """
    from warga.diagnostics.tasks import echo  # tasks import services; import here to avoid a cycle

    if not government.is_ready:
        raise GovernmentNotReady(
            f"{government} is not ready (not in service); workers refuse its tasks until it is provisioned."
        )
    token = uuid.uuid4()
    with government_context(government):
        send_on_commit(echo, kwargs={"token": str(token)}, expires=expires_seconds)
    return token


@tenant_scoped
def echo_record(*, token: uuid.UUID, task_id: str) -> TaskEcho:
    """Record that an echo arrived, in the schema the connection is really using.

    Idempotent: a redelivered echo finds the row of its first run and changes nothing.
    """
    with connection.cursor() as cursor:
        # Asked from the database, not from django-tenants' bookkeeping: the point is to
        # catch the two disagreeing.
        cursor.execute("SELECT current_schema()")
        row = cursor.fetchone()
    schema_seen = str(row[0]) if row else ""
    echo, _ = TaskEcho.objects.get_or_create(token=token, defaults={"schema_seen": schema_seen, "task_id": task_id})
    return echo


@public_scoped
def echo_forget(*, government: Government, tokens: list[uuid.UUID]) -> int:
    """Delete the echo rows with these tokens from `government`'s schema; returns how many."""
    with government_context(government):
        deleted, _ = TaskEcho.objects.filter(token__in=tokens).delete()
    return deleted
