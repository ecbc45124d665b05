"""The lock table an external PostgreSQL must have for ~550 governments: checked by /healthz
and by `migrate_fleet` before it migrates anything, with a message naming the setting.

The healthy path reads the real server. `max_locks_per_transaction` is fixed when PostgreSQL
starts, and the test server is shared, so the too-low path gives the checks the readout of a
server with the defaults and a country's fleet (16,600 tables) instead of restarting it.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from tenants import database
from tenants.database import LockCapacity, lock_capacity
from warga.health import selectors
from warga.health.models import WorkerHeartbeat

# The defaults (64 x 100 connections) against 552 governments of 30 tables and public's 40.
COUNTRY_ON_DEFAULTS = LockCapacity(
    max_locks_per_transaction=64, max_connections=100, max_prepared_transactions=0, tables=552 * 30 + 40
)


def test_the_rule_for_a_country_on_postgresql_defaults() -> None:
    assert (COUNTRY_ON_DEFAULTS.slots, COUNTRY_ON_DEFAULTS.needed, COUNTRY_ON_DEFAULTS.ok) == (6400, 33200, False)
    assert COUNTRY_ON_DEFAULTS.suggested == 1024
    assert COUNTRY_ON_DEFAULTS.problem.startswith("max_locks_per_transaction = 64 terlalu kecil untuk 16600 tabel")
    assert "Setel max_locks_per_transaction = 1024" in COUNTRY_ON_DEFAULTS.problem
    # What deploy/ configures holds the country with room to spare; a bigger fleet gets a bigger value.
    assert LockCapacity(1024, 100, 0, 16_600).ok
    assert not LockCapacity(1024, 20, 0, 16_600).ok
    assert LockCapacity(1024, 20, 0, 16_600).suggested == 2048


def test_the_real_server_is_read(db: None) -> None:
    capacity = lock_capacity()
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_locks_per_transaction")
        assert capacity.max_locks_per_transaction == int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'gov_32_73'")
        # At least public's tables and every government's (template, national, 31, 32.73).
        assert capacity.tables >= 4 * cursor.fetchone()[0]
    assert capacity.ok


@pytest.fixture
def server_on_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "lock_capacity", lambda: COUNTRY_ON_DEFAULTS)
    monkeypatch.setattr("tenants.management.commands.migrate_fleet.lock_capacity", lambda: COUNTRY_ON_DEFAULTS)


def test_healthz_warns_naming_the_setting_without_taking_web_out_of_service(db: None, server_on_defaults: None) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.all().delete()
    WorkerHeartbeat.objects.create(hostname="celery@uji", pid=4242, started_at=now, beat_at=now)
    response = Client().get("/healthz", HTTP_HOST="localhost")
    # The readiness probe: web keeps serving citizens; the warning is for the operators' alerts.
    assert response.status_code == 200
    check = response.json()["checks"]["database_settings"]
    assert check == {
        "ok": True,
        "max_locks_per_transaction": 64,
        "lock_slots": 6400,
        "tables": 16600,
        "warning": COUNTRY_ON_DEFAULTS.problem,
    }
    assert response.json()["failing"] == []


def test_healthz_reports_the_real_server(db: None) -> None:
    check = Client().get("/healthz", HTTP_HOST="kota-bandung.localhost").json()["checks"]["database_settings"]
    assert check == lock_capacity().as_health()
    assert check["ok"] is True
    assert "warning" not in check


def test_migrate_fleet_refuses_before_migrating_anything(db: None, server_on_defaults: None, monkeypatch: Any) -> None:
    called: list[str] = []
    monkeypatch.setattr(
        "tenants.management.commands.migrate_fleet.call_command", lambda *args, **kwargs: called.append(args[0])
    )
    with pytest.raises(
        CommandError, match=r"max_locks_per_transaction = 64 terlalu kecil.*Tidak ada yang dimigrasikan"
    ):
        call_command("migrate_fleet", stdout=StringIO())
    assert called == []


def test_migrate_fleet_can_be_told_to_go_on(db: None, server_on_defaults: None) -> None:
    out, err = StringIO(), StringIO()
    call_command("migrate_fleet", "--skip-database-check", stdout=out, stderr=err)
    assert err.getvalue().startswith("max_locks_per_transaction = 64 terlalu kecil")
    assert "no government has pending migrations" in out.getvalue()


def test_the_recommended_value_is_what_deploy_sets() -> None:
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    assert (
        f"max_locks_per_transaction={database.RECOMMENDED_MAX_LOCKS_PER_TRANSACTION}"
        in (root / "deploy" / "compose.yaml").read_text()
    )
    assert (
        f"max_locks_per_transaction = {database.RECOMMENDED_MAX_LOCKS_PER_TRANSACTION}"
        in (root / "deploy" / "dev.py").read_text()
    )
