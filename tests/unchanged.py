"""The second half of every denial test: the refusal changed nothing.

    with assert_nothing_changed():
        response = client.post(...)
    assert response.status_code == 403

snapshots every table of the public schema and of every government's schema (row count and a
digest of the rows, in one query) before and after, and fails naming the tables that changed.
Left out: what a read changes by design (sessions, the session-activity log, worker heartbeats)
and the large reference tables nobody writes in a test (regions).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from tenants.models import Government

IGNORED_PREFIXES = ("django_session", "usersessions_", "health_", "regions_", "django_migrations")


def _tables(schemas: list[str]) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY(%s) ORDER BY 1, 2", [schemas]
        )
        return [(schema, table) for schema, table in cursor.fetchall() if not table.startswith(IGNORED_PREFIXES)]


def snapshot(schemas: list[str]) -> dict[str, tuple[int, str]]:
    """`schema.table` → (rows, digest of the rows), read in one query."""
    tables = _tables(schemas)
    quote = connection.ops.quote_name
    parts = [
        f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
        f"FROM {quote(schema)}.{quote(table)} t"
        for schema, table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), [f"{schema}.{table}" for schema, table in tables])
        return {name: (rows, digest) for name, rows, digest in cursor.fetchall()}


@contextmanager
def assert_nothing_changed(*governments: Government) -> Iterator[None]:
    """Fails if any table of public or of `governments` (every government when none is named)
    differs after the block."""
    chosen = governments or tuple(Government.objects.exclude(schema_name="public"))
    schemas = ["public", *(government.schema_name for government in chosen)]
    before = snapshot(schemas)
    yield
    after = snapshot(schemas)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert changed == [], f"the refusal changed {changed}"
