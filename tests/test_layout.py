"""The project's shape: app scopes, schema boundaries in the real catalog, and the import path.

Schema checks read PostgreSQL's catalog in provisioned schemas (the template, the national
tenant, DKI Jakarta, Kota Bandung), not model metadata: what matters is what the database holds.
"""

from __future__ import annotations

import importlib.util
import sysconfig
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from tenants.models import Government

PROJECT_PACKAGES = ("warga", "tenants", "frontend", "api", "config")

# Third-party and Django apps, classified by hand: a new one fails the test until it is added
# here. "both" is for the apps django-tenants needs in every schema.
THIRD_PARTY_SCOPES = {
    "django_tenants": "public",
    "django.contrib.contenttypes": "both",
    "django.contrib.auth": "public",
    "django.contrib.sessions": "public",
    "django.contrib.messages": "public",
    "django.contrib.staticfiles": "public",
    "django.contrib.admin": "public",
    "django.contrib.postgres": "public",
    "allauth": "public",
    "allauth.account": "public",
    "allauth.mfa": "public",
    "allauth.usersessions": "public",
    "allauth.socialaccount": "public",
    "allauth.socialaccount.providers.google": "public",
    "django.contrib.humanize": "public",
    "rest_framework": "public",
    "drf_spectacular": "public",
    "drf_spectacular_sidecar": "public",
    "csp": "public",
}

# Tenant tables may hold a database foreign key to these public tables only: small reference
# tables, replicated to every node under Citus (DESIGN.md, "Scope").
PUBLIC_REFERENCE_PREFIXES = ("regions_", "taxonomy_")

# Tables django-tenants puts in every schema on purpose.
TABLES_IN_EVERY_SCHEMA = {"django_migrations", "django_content_type"}


def _is_project_app(name: str) -> bool:
    return name.split(".")[0] in PROJECT_PACKAGES


def _place(name: str) -> str:
    shared, tenant = name in settings.SHARED_APPS, name in settings.TENANT_APPS
    return {(True, False): "public", (False, True): "tenant", (True, True): "both"}.get((shared, tenant), "none")


def _tenant_schemas() -> list[str]:
    schemas = list(Government.objects.values_list("schema_name", flat=True).order_by("schema_name"))
    # The session fixture provisioned these; the checks below would pass vacuously without them.
    assert {"tenant_template", "nasional", "gov_31", "gov_32_73"} <= set(schemas)
    return schemas


def test_every_project_app_declares_a_scope_matching_its_place_in_the_app_lists() -> None:
    problems = []
    project_apps = [config for config in apps.get_app_configs() if _is_project_app(config.name)]
    assert {"warga.accounts", "warga.regions", "warga.organization", "tenants", "frontend"} <= {
        config.name for config in project_apps
    }
    for config in project_apps:
        scope = getattr(config, "scope", None)
        if scope not in ("public", "tenant"):
            problems.append(f"{config.name}: scope is {scope!r}, expected 'public' or 'tenant'")
        elif _place(config.name) != scope:
            problems.append(f"{config.name}: scope {scope!r} but it is in {_place(config.name)} app lists")
    assert problems == []


def test_every_other_app_is_classified_here_and_placed_accordingly() -> None:
    others = [config.name for config in apps.get_app_configs() if not _is_project_app(config.name)]
    unclassified = sorted(set(others) - set(THIRD_PARTY_SCOPES))
    assert unclassified == [], "classify these apps in THIRD_PARTY_SCOPES"
    misplaced = {name: _place(name) for name in others if _place(name) != THIRD_PARTY_SCOPES[name]}
    assert misplaced == {}


def _cross_schema_foreign_keys(schemas: list[str]) -> list[tuple[str, str, str, str, str]]:
    """(schema, table, constraint, referenced schema, referenced table) leaving a tenant schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ns.nspname, cl.relname, con.conname, rns.nspname, rcl.relname
               FROM pg_constraint con
               JOIN pg_class cl ON cl.oid = con.conrelid
               JOIN pg_namespace ns ON ns.oid = cl.relnamespace
               JOIN pg_class rcl ON rcl.oid = con.confrelid
               JOIN pg_namespace rns ON rns.oid = rcl.relnamespace
               WHERE con.contype = 'f' AND ns.nspname = ANY(%s) AND rns.nspname <> ns.nspname
               ORDER BY 1, 2, 3""",
            [schemas],
        )
        return [tuple(row) for row in cursor.fetchall()]


def _forbidden(keys: list[tuple[str, str, str, str, str]]) -> list[tuple[str, str, str, str, str]]:
    return [key for key in keys if not (key[3] == "public" and key[4].startswith(PUBLIC_REFERENCE_PREFIXES))]


def test_tenant_schemas_hold_no_foreign_key_to_public_tables_but_reference_tables(db: None) -> None:
    schemas = _tenant_schemas()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid
               JOIN pg_namespace ns ON ns.oid = cl.relnamespace
               WHERE con.contype = 'f' AND ns.nspname = 'gov_32_73'""",
        )
        (inside,) = cursor.fetchone()
    assert inside >= 1  # organization_unit.parent: foreign keys inside a schema are seen and allowed
    assert _forbidden(_cross_schema_foreign_keys(schemas)) == []


def test_the_foreign_key_check_catches_a_key_to_a_public_table(db: None) -> None:
    """The check above would also pass if it never looked; show it finds a planted violation."""
    with connection.cursor() as cursor:
        cursor.execute(
            """CREATE TABLE gov_32_73.layout_probe (
                   id bigint PRIMARY KEY,
                   user_id uuid REFERENCES public.accounts_user (id),
                   village_code varchar(13) REFERENCES public.regions_village (code))"""
        )
    keys = _cross_schema_foreign_keys(["gov_32_73"])
    assert [(key[1], key[4]) for key in keys if key[1] == "layout_probe"] == [
        ("layout_probe", "accounts_user"),
        ("layout_probe", "regions_village"),
    ]
    assert [(key[1], key[4]) for key in _forbidden(keys)] == [("layout_probe", "accounts_user")]


def _relations(schemas: list[str]) -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ns.nspname, cl.relname FROM pg_class cl JOIN pg_namespace ns ON ns.oid = cl.relnamespace
               WHERE cl.relkind IN ('r', 'p', 'v', 'm', 'f') AND ns.nspname = ANY(%s)""",
            [schemas],
        )
        found: dict[str, set[str]] = {schema: set() for schema in schemas}
        for schema, table in cursor.fetchall():
            found[schema].add(table)
        return found


def test_no_tenant_table_shares_a_name_with_a_public_table(db: None) -> None:
    """Tenant connections also search `public`: a table missing from a tenant schema would
    silently read the public one of the same name."""
    schemas = _tenant_schemas()
    found = _relations(["public", *schemas])
    public = found.pop("public")
    assert "organization_unit" in found["gov_32_73"]
    assert "accounts_user" in public
    clashes = {schema: sorted((tables & public) - TABLES_IN_EVERY_SCHEMA) for schema, tables in found.items()}
    assert clashes == {schema: [] for schema in schemas}
    # Every tenant schema has exactly the template's tables.
    assert {schema: tables for schema, tables in found.items()} == dict.fromkeys(schemas, found["tenant_template"])


def test_platform_is_the_standard_library_module_and_not_our_source_folder() -> None:
    import platform

    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert Path(platform.__file__).resolve().parent == stdlib
    assert platform.system() != ""
    spec = importlib.util.find_spec("platform")
    assert spec is not None
    assert spec.origin is not None
    assert Path(spec.origin).resolve().parent == stdlib
    assert uuid.uuid4().version == 4
    assert not (Path(settings.BASE_DIR) / "platform" / "__init__.py").exists()


@pytest.mark.parametrize("package", ["config", "warga"])
def test_the_source_folder_packages_are_importable_from_the_editable_install(package: str) -> None:
    spec = importlib.util.find_spec(package)
    assert spec is not None
    assert spec.submodule_search_locations is not None
    assert [Path(p).resolve() for p in spec.submodule_search_locations] == [
        (Path(settings.BASE_DIR) / "platform" / package).resolve()
    ]
