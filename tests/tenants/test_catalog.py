"""The catalog lookups by index give exactly what a scan of the whole catalog gives."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.introspection import DatabaseIntrospection

from tenants.catalog import relation_oids, table_list
from tenants.context import tenant_connection
from tenants.postgresql_backend.base import SchemaIntrospection

SCHEMAS = ["public", settings.TENANT_BASE_SCHEMA, "gov_32_73"]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_relation_oids_are_every_relation_of_the_schema(db: None, schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_class WHERE relnamespace = %s::regnamespace ORDER BY oid", [schema])
        scanned = [row[0] for row in cursor.fetchall()]
        assert relation_oids(cursor, schema) == scanned
    assert len(scanned) > 100  # tables, indexes and sequences, not just tables


def test_relation_oids_include_a_view_a_sequence_and_an_index_made_by_hand(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIEW gov_32_73.catalog_test_view AS SELECT 1 AS one; "
            "CREATE SEQUENCE gov_32_73.catalog_test_sequence; "
            "CREATE INDEX catalog_test_index ON gov_32_73.organization_unit (name)"
        )
        cursor.execute("SELECT relname FROM pg_class WHERE oid = ANY(%s::oid[])", [relation_oids(cursor, "gov_32_73")])
        names = {row[0] for row in cursor.fetchall()}
    assert {"catalog_test_view", "catalog_test_sequence", "catalog_test_index", "organization_unit"} <= names


@pytest.mark.parametrize("schema", SCHEMAS)
def test_the_table_list_is_djangos_for_the_schema_alone(db: None, schema: str) -> None:
    """Django's own introspection on a search path of that schema only, as django-tenants asks it."""
    with connection.cursor() as cursor:
        cursor.execute(f'SET search_path = "{schema}"')
        django = DatabaseIntrospection(connection).get_table_list(cursor)
        cursor.execute("SET search_path = public")
        assert sorted(table_list(cursor, schema)) == sorted(tuple(info) for info in django)


def test_the_connection_introspects_the_current_schema(db: None) -> None:
    assert isinstance(connection.introspection, SchemaIntrospection)
    assert "tenants_government" in connection.introspection.table_names()
    assert "organization_unit" not in connection.introspection.table_names()
    tenant_connection().set_schema("gov_32_73")
    tables = connection.introspection.table_names()
    assert "organization_unit" in tables
    assert "tenants_government" not in tables
