"""The schema stays ready to be distributed by government (tenants/distribution.py,
docs/scaling.md): nothing ties a government's schema to another schema but joins with the
declared reference tables."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.context import government_context
from tenants.distribution import REFERENCE_TABLES
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.frontend.console.helpers import admin_client
from tests.frontend.office.conftest import BANDUNG_HOST, PUPR, seat
from tests.warga.reports.helpers import submit
from warga.organization.models import PositionKind

TEMPLATE_SCHEMA = "tenant_template"


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        return {name for (name,) in cursor.fetchall()}


def _government_schemas() -> list[str]:
    return [TEMPLATE_SCHEMA, *Government.objects.exclude(schema_name="public").values_list("schema_name", flat=True)]


def test_no_foreign_key_leaves_a_government_schema(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT source_ns.nspname, source.relname, target_ns.nspname, target.relname
            FROM pg_constraint AS c
            JOIN pg_class AS source ON source.oid = c.conrelid
            JOIN pg_namespace AS source_ns ON source_ns.oid = source.relnamespace
            JOIN pg_class AS target ON target.oid = c.confrelid
            JOIN pg_namespace AS target_ns ON target_ns.oid = target.relnamespace
            WHERE c.contype = 'f' AND source_ns.nspname <> target_ns.nspname
            """
        )
        crossing = cursor.fetchall()
    assert crossing == [], f"foreign keys across schemas, which a distributed schema cannot keep: {crossing}"


def test_every_sequence_of_a_government_lives_in_its_schema(db: None) -> None:
    schemas = _government_schemas()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_ns.nspname, tab.relname, seq_ns.nspname, seq.relname
            FROM pg_depend AS d
            JOIN pg_class AS seq ON seq.oid = d.objid AND seq.relkind = 'S'
            JOIN pg_namespace AS seq_ns ON seq_ns.oid = seq.relnamespace
            JOIN pg_class AS tab ON tab.oid = d.refobjid
            JOIN pg_namespace AS table_ns ON table_ns.oid = tab.relnamespace
            WHERE table_ns.nspname = ANY(%s)
            """,
            [schemas],
        )
        owned = cursor.fetchall()
        cursor.execute(
            """
            SELECT table_schema, table_name, column_default FROM information_schema.columns
            WHERE table_schema = ANY(%s) AND column_default LIKE 'nextval(%%'
            """,
            [schemas],
        )
        defaults = cursor.fetchall()
    assert owned, "the government schemas own no sequences: the query no longer sees them"
    assert [row for row in owned if row[0] != row[2]] == []
    # A default naming a sequence outside the schema would be schema-qualified with another name.
    strays = [row for row in defaults if "." in row[2] and f"'{row[0]}." not in row[2]]
    assert strays == []


_IDENTIFIER = re.compile(r'"([a-z_][a-z0-9_]*)"|\b([a-z_][a-z0-9_]*)\b')


def _tables_named(sql: str, known: Iterable[str]) -> set[str]:
    names = {quoted or bare for quoted, bare in _IDENTIFIER.findall(sql)}
    return names & set(known)


def _public_joins_of(run: Callable[[], object]) -> tuple[int, list[tuple[set[str], str]]]:
    """Run `run`, and return how many statements read a government's tables and those that
    also name a public table outside REFERENCE_TABLES."""
    government_tables = _tables(TEMPLATE_SCHEMA)
    # A name in both (django_content_type, django_migrations) resolves to the government's copy.
    public_only = _tables("public") - government_tables
    with CaptureQueriesContext(connection) as captured:
        run()
    tenant_statements = 0
    offending = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not _tables_named(sql, government_tables):
            continue
        tenant_statements += 1
        outside = _tables_named(sql, public_only) - REFERENCE_TABLES
        if outside:
            offending.append((outside, sql[:300]))
    return tenant_statements, offending


def _pages(client: object, host: str, paths: Iterable[str]) -> Callable[[], object]:
    def run() -> None:
        for path in paths:
            response = client.get(path, HTTP_HOST=host)  # type: ignore[attr-defined]
            assert response.status_code == 200, (path, response.status_code)

    return run


def test_officials_pages_join_only_reference_tables(bandung: Government) -> None:
    number = submit(UserFactory()).tracking_number
    kepala = seat(bandung, kind=PositionKind.KEPALA_DINAS, name=PUPR)
    officials_paths = ["/kantor/", f"/kantor/laporan/{number}/", "/api/v1/inbox/"]
    console_paths = ["/kantor/admin/", "/kantor/admin/unit/", "/kantor/admin/penerusan/", "/kantor/admin/kalender/"]
    statements, offending = _public_joins_of(_pages(signed_in_client(kepala), BANDUNG_HOST, officials_paths))
    console_statements, console_offending = _public_joins_of(_pages(admin_client(bandung), BANDUNG_HOST, console_paths))
    assert statements > 10
    assert console_statements > 5
    assert offending + console_offending == []


def test_intake_and_the_citizens_pages_join_only_reference_tables(bandung: Government) -> None:
    citizen = UserFactory()
    number = submit(citizen).tracking_number
    client = signed_in_client(citizen)

    def intake_and_pages() -> None:
        submit(citizen, description="Saluran air tersumbat sampah di ujung gang.")
        _pages(client, "localhost", [f"/laporan/{number}/", "/laporan-saya/"])()

    statements, offending = _public_joins_of(intake_and_pages)
    assert statements > 5
    assert offending == []


def test_the_guard_sees_a_join_with_a_coordinator_table(bandung: Government) -> None:
    """The check above is only worth something if it notices a join it should refuse."""

    def joined_read() -> None:
        with government_context(bandung), connection.cursor() as cursor:
            cursor.execute(
                'SELECT COUNT(*) FROM "reports_report" JOIN "accounts_user" ON "accounts_user"."id" = "reports_report"."reporter_id"'
            )

    statements, offending = _public_joins_of(joined_read)
    assert statements == 1
    assert [tables for tables, _ in offending] == [{"accounts_user"}]


@pytest.mark.parametrize("table", sorted(REFERENCE_TABLES))
def test_every_reference_table_exists_in_public(db: None, table: str) -> None:
    assert table in _tables("public")
