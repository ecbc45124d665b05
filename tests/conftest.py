"""Session-level database set-up shared by the whole suite.

The test database is created (and `migrate` -- django-tenants' migrate_schemas -- run on the
public schema) whatever tests were selected: pytest-django on its own creates it only when a
selected test uses `db`, and tests that only use `committed_db` or the browser's live server
would otherwise run against the development database. On top of that, once per session: the real region data from the npm
package, the template schema, and three governments -- national, DKI Jakarta (31) and Kota
Bandung (32.73) -- so tests work across real tenants without building schemas each time.

Tests in the ordinary `db` fixture run inside a transaction rolled back afterwards; DDL is
transactional in PostgreSQL, so even a test that provisions a government leaves nothing.
Tests that need committed data (a real Celery worker reading it) use `committed_db` and
clean up what they wrote.

The test settings live here too, once: a fast password hasher everywhere, and uploaded files in
a directory of the test's own (tests/worker, tests/faults and tests/e2e, whose files a worker or
a server process reads, keep the run's media folder). The people of the suite are
tests/personas.py; `citizen` and `official` below are the ones most tests need.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import setup_databases, teardown_databases

from config.caches import caches_for, session_engine_for
from tenants import hosts
from tenants.context import tenant_connection
from tenants.models import Government
from tests.personas import official_of, verified_user
from warga.accounts.models import User
from warga.regions.selectors import region_names_forget

SESSION_CODES = ("31", "32.73")


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    keepdb = django_db_keepdb and not django_db_createdb
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        database_config = setup_databases(verbosity=verbosity, interactive=False, keepdb=keepdb, aliases={"default"})
        # Never seed anything but a test database.
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        call_command("import_regions", verbosity=0)
        call_command("provision_regions", *SESSION_CODES, verbosity=0)
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(database_config, verbosity=verbosity)


@pytest.fixture(autouse=True)
def _public_schema_around_each_test() -> Iterator[None]:
    """A rolled-back transaction also rolls back SET search_path, and leaves the per-process host
    cache holding what the test saw: start and end on public with an empty host cache."""
    tenant_connection().set_schema_to_public()
    hosts.clear()
    yield
    tenant_connection().set_schema_to_public()
    hosts.clear()


@pytest.fixture(autouse=True)
def _region_names_forgotten() -> Iterator[None]:
    """The per-process region names are forgotten on a write, but a rolled-back write sends no
    signal: a name a test changed must not outlive its transaction."""
    yield
    region_names_forget()


@pytest.fixture(autouse=True)
def _fresh_anonymous_api_budget() -> None:
    """The API's anonymous budget is per IP in the shared cache, and every test client comes
    from 127.0.0.1: without a fresh budget a long run would reach the limit by its own speed."""
    caches["shared"].delete("throttle_anonymous_127.0.0.1")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """The production hasher is slow on purpose (~0.4 s an account); tests check the flows,
    not the hash's cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings: Any, tmp_path: Any) -> None:
    """Each test's files in a folder of its own. Tests whose files another process reads (a
    worker, gunicorn) override this fixture in their folder's conftest to keep the run's."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def committed_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Database access without the wrapping transaction: what the test writes is committed
    and visible to other processes. The test must remove what it wrote."""
    with django_db_blocker.unblock():
        yield


# A Redis database of the tests' own; each test's keys also carry a prefix of their own, so runs
# sharing one Redis never see each other's entries, and only those keys are removed.
PRODUCTION_REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def production_caches(settings: Any) -> Iterator[str]:
    """The caches and the session engine as config.settings builds them when REDIS_URL is set
    (production always runs with Redis), on the local Redis. Skipped when Redis does not answer,
    unless WARGA_REQUIRE_BROKERS names redis (CI). Yields the keys' prefix."""
    client = redis.Redis.from_url(PRODUCTION_REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if "redis" in os.environ.get("WARGA_REQUIRE_BROKERS", ""):
            raise
        pytest.skip(
            "production's caches need a Redis on 127.0.0.1:6379 and none answers: start one to run "
            "these tests (CI requires it and fails instead of skipping)"
        )
    prefix = f"test-{uuid.uuid4().hex}"
    built = caches_for(PRODUCTION_REDIS_URL)
    for alias in built.values():
        alias["KEY_PREFIX"] = f"{prefix}:{alias.get('KEY_PREFIX', '')}"
    settings.CACHES = built
    settings.SESSION_ENGINE = session_engine_for(PRODUCTION_REDIS_URL)
    yield prefix
    keys = list(client.scan_iter(match=f"*{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def jakarta(db: None) -> Government:
    return Government.objects.get(code="31")


@pytest.fixture
def bandung(db: None) -> Government:
    return Government.objects.get(code="32.73")


@pytest.fixture
def national(db: None) -> Government:
    return Government.objects.get(level="national")


@pytest.fixture
def citizen(db: None) -> User:
    """A citizen with a verified address who signs in with tests.personas.PASSWORD."""
    return verified_user("rahmat@example.id", full_name="Rahmat Pelapor")


@pytest.fixture
def official(bandung: Government, jakarta: Government) -> User:
    """An admin koordinator seated (with TOTP) in both Bandung and Jakarta, so that a refusal
    through either government can only come from where the report lives, never from the seat."""
    return official_of(bandung, jakarta)
