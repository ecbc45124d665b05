"""Fleet migrations: pending detection per schema, and a failing government taken out of service."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from tenants.fleet import expected_tenant_migrations, pending_by_schema
from tenants.models import Government, Level
from tenants.services import government_build_schema, government_mark_ready, government_register


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
    return [query["sql"] for query in captured.captured_queries if not query["sql"].startswith("SET search_path")]


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

    With its history entry gone, the latest organization migration is applied again in Kota
    Bandung's schema and fails on what it already created: the government must stop being served.
    The change is committed (other processes cannot see an uncommitted one) and undone after.
    """
    bandung = Government.objects.get(code="32.73")
    (latest,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("organization")
    _forget_migration("gov_32_73", *latest)
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
            cursor.execute(
                "INSERT INTO gov_32_73.django_migrations (app, name, applied) "
                "SELECT %s, %s, now() WHERE NOT EXISTS "
                "(SELECT 1 FROM gov_32_73.django_migrations WHERE app = %s AND name = %s)",
                [*latest, *latest],
            )
        government_mark_ready(government=bandung)
    assert pending_by_schema() == {}
