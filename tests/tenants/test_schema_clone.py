"""A government's schema is a copy of the template: same tables, columns, constraint and index
names, sequences; migrations recorded as applied. Built by the catalog copy, or by
django-tenants' clone when the template holds something the copy does not reproduce."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from tenants.context import government_context
from tenants.fleet import expected_tenant_migrations
from tenants.models import Government, Level
from tenants.services import government_build_schema, schema_fingerprint

TEMPLATE = settings.TENANT_BASE_SCHEMA


def _unsaved(schema: str) -> Government:
    return Government(schema_name=schema, slug=schema.replace("_", "-"), name=schema, level=Level.REGENCY)


def _relations(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_a_built_schema_is_identical_to_the_template(db: None) -> None:
    government = _unsaved("gov_test_clone")
    government_build_schema(government=government)
    with connection.cursor() as cursor:
        assert schema_fingerprint(cursor, "gov_test_clone") == schema_fingerprint(cursor, TEMPLATE)
    # Django's own constraint names survive (a later migration drops or alters them by name).
    assert "django_content_type_app_label_model_76bd3d3b_uniq" in _relations("gov_test_clone")
    assert "unit_region_code_unique" in _relations("gov_test_clone")
    with government_context(government):
        applied = set(MigrationRecorder(connection).applied_migrations())
    assert expected_tenant_migrations() <= applied


def _rows(schema: str, query: str) -> set[tuple[str, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query.format(schema=schema))
        return set(cursor.fetchall())


def test_a_built_schema_has_what_django_tenants_clone_and_fake_migrate_give(db: None) -> None:
    government_build_schema(government=_unsaved("gov_test_copy"))
    # django-tenants' own path: clone_schema() of the template, then migrate_schemas --fake.
    _unsaved("gov_test_reference").create_schema(check_if_exists=False, verbosity=0)
    migrations = "SELECT app, name FROM {schema}.django_migrations"
    content_types = "SELECT app_label, model FROM {schema}.django_content_type"
    assert _rows("gov_test_copy", migrations) == _rows("gov_test_reference", migrations)
    assert _rows("gov_test_copy", content_types) == _rows("gov_test_reference", content_types)


def test_identity_sequences_keep_the_template_type_and_start_fresh(db: None) -> None:
    government_build_schema(government=_unsaved("gov_test_sequences"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, s.seqtypid::regtype::text, s.seqstart FROM pg_sequence s "
            "JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = %s::regnamespace "
            "AND c.relname IN ('django_content_type_id_seq', 'organization_unit_id_seq') ORDER BY 1",
            ["gov_test_sequences"],
        )
        assert cursor.fetchall() == [
            ("django_content_type_id_seq", "integer", 1),
            ("organization_unit_id_seq", "bigint", 1),
        ]


def test_a_template_with_objects_the_copy_cannot_reproduce_is_cloned_by_django_tenants(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE VIEW {TEMPLATE}.unit_names AS SELECT name FROM {TEMPLATE}.organization_unit")
    government_build_schema(government=_unsaved("gov_test_fallback"))
    assert "unit_names" in _relations("gov_test_fallback")
    assert "organization_unit" in _relations("gov_test_fallback")
