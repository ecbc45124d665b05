"""Fleet migrations: pending detection per schema, and a failing government taken out of service."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib import import_module
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext, override_settings

from tenants import fleet
from tenants.fleet import expected_tenant_migrations, pending_by_schema
from tenants.models import Government, Level
from tenants.services import government_build_schema, government_mark_ready, government_register, schema_fingerprint


def _forget_migration(schema: str, app: str, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s', [app, name])
        assert cursor.rowcount == 1


def test_nothing_is_pending_when_every_schema_is_migrated(db: None) -> None:
    assert pending_by_schema() == {}


def test_expected_migrations_are_those_of_the_tenant_apps_only(db: None) -> None:
    expected = expected_tenant_migrations()
    assert ("organization", "0001_initial") in expected
    assert ("contenttypes", "0001_initial") in expected
    assert {app for app, _ in expected} & {"accounts", "regions", "tenants", "health", "sessions"} == set()


def test_a_schema_missing_one_migration_is_reported_and_only_that_one(db: None) -> None:
    _forget_migration("gov_32_73", "organization", "0001_initial")
    assert pending_by_schema() == {"gov_32_73": {("organization", "0001_initial")}}

    _forget_migration("tenant_template", "contenttypes", "0002_remove_content_type_name")
    assert pending_by_schema() == {
        "gov_32_73": {("organization", "0001_initial")},
        "tenant_template": {("contenttypes", "0002_remove_content_type_name")},
    }


def _queries_of_pending_by_schema() -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert pending_by_schema() == {}
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SET search_path", "SET LOCAL search_path"))
    ]


def test_pending_detection_costs_the_same_queries_for_more_schemas(db: None) -> None:
    """The registry, which schemas exist, one UNION over their histories: not a query per schema."""
    before = _queries_of_pending_by_schema()
    for number in range(1, 6):
        government = government_register(code=f"9{number}", name=f"Provinsi Uji {number}", level=Level.PROVINCE)
        government_build_schema(government=government)
    after = _queries_of_pending_by_schema()
    assert len(before) == len(after) == 3
    assert after[-1].count("UNION ALL") == before[-1].count("UNION ALL") + 5


def test_a_registered_government_without_a_schema_is_left_to_provisioning(db: None) -> None:
    government_register(code="51", name="Provinsi Bali", level=Level.PROVINCE)
    assert pending_by_schema() == {}


def test_migrate_fleet_with_nothing_pending_leaves_every_government_in_service(db: None) -> None:
    out = StringIO()
    call_command("migrate_fleet", verbosity=1, stdout=out)
    assert "Migrating" not in out.getvalue()
    assert not Government.objects.filter(is_ready=False).exists()


def _database_url() -> str:
    """The test database as a DATABASE_URL, for a child process."""
    db = connection.settings_dict
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = db["HOST"] or ""
    if host.startswith("/"):  # a socket directory
        return f"postgresql://{auth}@/{quote(db['NAME'])}?host={quote(host)}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{auth}@{host}{port}/{quote(db['NAME'])}"


def test_a_government_whose_migration_fails_is_taken_out_of_service(committed_db: None) -> None:
    """`manage.py migrate_fleet` as the release step runs it: its own process, forking migrators.

    With its history entry gone, the latest reports migration that creates tables is applied
    again in Kota Bandung's schema and fails on what it already created: the government must
    stop being served. The outbox's move after it changes only the migration state (decision
    0111), so its entries go too, or the history would be inconsistent.
    The change is committed (other processes cannot see an uncommitted one) and undone after.
    """
    bandung = Government.objects.get(code="32.73")
    forgotten = [
        ("reports", "0013_outbox_moved_to_its_app"),
        ("outbox", "0001_initial"),
        ("reports", "0012_report_description_words"),
    ]
    assert forgotten[0] in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("reports")
    for migration in forgotten:
        _forget_migration("gov_32_73", *migration)
    try:
        result = subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "migrate_fleet", "--processes", "2"],
            env=os.environ | {"DATABASE_URL": _database_url()},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

        assert result.returncode == 1, result.stderr
        assert "Migrating 1 schemas with pending migrations..." in result.stdout
        assert "already exists" in result.stderr
        assert (
            "CommandError: 1 schemas failed to migrate and are out of service until fixed: gov_32_73" in result.stderr
        )
        bandung.refresh_from_db()
        assert (bandung.is_ready, bandung.ready_at) == (False, None)
        assert set(Government.objects.filter(is_ready=False).values_list("code", flat=True)) == {"32.73"}
    finally:
        with connection.cursor() as cursor:
            for migration in reversed(forgotten):
                cursor.execute(
                    "INSERT INTO gov_32_73.django_migrations (app, name, applied) "
                    "SELECT %s, %s, now() WHERE NOT EXISTS "
                    "(SELECT 1 FROM gov_32_73.django_migrations WHERE app = %s AND name = %s)",
                    [*migration, *migration],
                )
        government_mark_ready(government=bandung)
    assert pending_by_schema() == {}


_COLUMN_MIGRATION = """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("organization", "{previous}")]
    operations = [migrations.AddField("unit", "{column}", models.IntegerField(null=True))]
"""
_NEW_MIGRATIONS = ("9001_fleet_test_column_a", "9002_fleet_test_column_b")


def _write_two_new_migrations(directory: Path) -> str:
    """A copy of organization's migrations plus two new ones, each adding a column to `unit`,
    as the package `fleet_test_organization_migrations` in `directory`; returns its name."""
    name = "fleet_test_organization_migrations"
    package = directory / name
    shutil.copytree(
        Path(import_module("warga.organization.migrations").__file__ or "").parent,
        package,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (previous,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("organization")
    previous_name = previous[1]
    for migration in _NEW_MIGRATIONS:
        column = "fleet_test_" + migration.rsplit("_", 1)[1]
        (package / f"{migration}.py").write_text(_COLUMN_MIGRATION.format(previous=previous_name, column=column))
        previous_name = migration
    return name


@pytest.fixture
def two_new_migrations(committed_db: None, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a child process that sees organization's migrations plus two new ones.
    Every schema gets its columns and history rows removed after."""
    package = _write_two_new_migrations(tmp_path)
    (tmp_path / "fleet_test_settings.py").write_text(
        f"from config.settings import *  # noqa: F403\n\nMIGRATION_MODULES = {{'organization': '{package}'}}\n"
    )
    python_path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    try:
        yield os.environ | {
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "fleet_test_settings",
            "PYTHONPATH": python_path,
        }
    finally:
        with connection.cursor() as cursor:
            for schema in _tenant_schemas():
                cursor.execute(
                    f'ALTER TABLE "{schema}".organization_unit '
                    "DROP COLUMN IF EXISTS fleet_test_a, DROP COLUMN IF EXISTS fleet_test_b"
                )
            for schema in ["public", *_tenant_schemas()]:  # public records tenant apps' migrations too
                cursor.execute(
                    f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = ANY(%s)',
                    ["organization", list(_NEW_MIGRATIONS)],
                )
        for government in Government.objects.filter(is_ready=False):
            government_mark_ready(government=government)
    assert pending_by_schema() == {}


def _tenant_schemas() -> list[str]:
    return sorted(Government.objects.values_list("schema_name", flat=True))


def _manage(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_migrate_fleet_builds_the_same_schemas_as_djangos_migrate(two_new_migrations: dict[str, str]) -> None:
    """One schema is migrated by Django's own command (the reference), one is left halfway
    through the new migrations, and migrate_fleet takes every schema from where it stands."""
    reference, halfway = "gov_32_73", "gov_31"
    done = _manage(two_new_migrations, "migrate_schemas", "--schema", reference, "--executor", "standard")
    assert done.returncode == 0, done.stderr
    half = _manage(
        two_new_migrations, "migrate_schemas", "--schema", halfway, "--executor", "standard",
        "organization", _NEW_MIGRATIONS[0],
    )  # fmt: skip
    assert half.returncode == 0, half.stderr

    result = _manage(two_new_migrations, "migrate_fleet", "--processes", "2", "--verbosity", "2")

    assert result.returncode == 0, result.stderr
    others = [schema for schema in _tenant_schemas() if schema != reference]
    assert f"Migrating {len(others)} schemas with pending migrations..." in result.stdout
    assert f"] {halfway}: organization.{_NEW_MIGRATIONS[1]} (" in result.stdout
    assert f"] tenant_template: organization.{_NEW_MIGRATIONS[0]}, organization.{_NEW_MIGRATIONS[1]} (" in result.stdout
    assert f"{len(others)}/{len(others)} schemas (100 %)" in result.stdout
    with connection.cursor() as cursor:
        expected = schema_fingerprint(cursor, reference)
        assert {"organization_unit.fleet_test_a", "organization_unit.fleet_test_b"} <= {row[1] for row in expected}
        for schema in others:
            assert schema_fingerprint(cursor, schema) == expected, schema
            cursor.execute(
                f'SELECT count(*) FROM "{schema}".django_migrations WHERE app = %s AND name = ANY(%s)',
                ["organization", list(_NEW_MIGRATIONS)],
            )
            assert cursor.fetchone() == (2,), schema
    assert not Government.objects.filter(is_ready=False).exists()


def test_migrate_fleet_refuses_a_process_count_below_one() -> None:
    with pytest.raises(CommandError, match="--processes must be a whole number of at least 1, not '0'"):
        call_command("migrate_fleet", "--processes", "0")


def test_schemas_starting_alike_share_one_rendered_state(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one process, the first schema renders the states and the next ones reuse them; each
    ends with the same structure. (In the test's transaction: rolled back after.)"""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(fleet, "_rendered", {})
    with override_settings(MIGRATION_MODULES={"organization": _write_two_new_migrations(tmp_path)}):
        applied = [fleet.schema_migrate(schema_name=schema) for schema in ("gov_31", "gov_32_73", "nasional")]
        assert fleet.schema_migrate(schema_name="gov_31") == []

    assert applied == [[f"organization.{name}" for name in _NEW_MIGRATIONS]] * 3
    assert len(fleet._rendered) == 1
    with connection.cursor() as cursor:
        first = schema_fingerprint(cursor, "gov_31")
        assert {"organization_unit.fleet_test_a", "organization_unit.fleet_test_b"} <= {row[1] for row in first}
        assert schema_fingerprint(cursor, "gov_32_73") == first
        assert schema_fingerprint(cursor, "nasional") == first
