"""The fleet's tenant migrations: which schemas have some pending, and applying them.

Which: one query per batch of schemas. `migrate_schemas` walks every tenant even when there is
nothing to do (~12 min for 900 tenants, django-tenants#719); the fleet command asks this first,
skips a no-op run and migrates only the schemas that need it.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ModelState, ProjectState, StateApps
from django_tenants.utils import get_tenant_model, quote_schema_name

from tenants.context import tenant_connection

_BATCH = 200


def tenant_app_labels() -> set[str]:
    labels = set()
    for app in settings.TENANT_APPS:
        config = next(c for c in apps.get_app_configs() if c.name == app)
        labels.add(config.label)
    return labels


def expected_tenant_migrations() -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    labels = tenant_app_labels()
    return {key for key in loader.disk_migrations if key[0] in labels}


def _existing_schemas(names: list[str]) -> list[str]:
    """The subset of `names` that exist, in order, in one query (a registered government whose
    provisioning crashed before its schema was built has none yet)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        found = {row[0] for row in cursor.fetchall()}
    return [name for name in names if name in found]


def pending_by_schema() -> dict[str, set[tuple[str, str]]]:
    """Schema -> migrations not yet applied there (only schemas with something pending)."""
    expected = expected_tenant_migrations()
    schemas = [
        name for name in get_tenant_model().objects.exclude(schema_name="public").values_list("schema_name", flat=True)
    ]
    pending: dict[str, set[tuple[str, str]]] = {}
    for start in range(0, len(schemas), _BATCH):
        batch = _existing_schemas(schemas[start : start + _BATCH])
        if not batch:
            continue
        union = " UNION ALL ".join(
            f"SELECT %s, app, name FROM {quote_schema_name(name)}.django_migrations" for name in batch
        )
        applied: dict[str, set[tuple[str, str]]] = {name: set() for name in batch}
        with connection.cursor() as cursor:
            cursor.execute(union, batch)
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))
        for name in batch:
            missing = expected - applied[name]
            if missing:
                pending[name] = missing
    return pending


# Applying the pending migrations. django-tenants' executor runs Django's whole `migrate`
# command once per schema, and that command renders every model of the project twice (the
# state before, for pre_migrate, and after, for post_migrate): 0.21 s of the 0.34 s a schema
# took in a profile, for the same two states in every schema (docs/performance.md). Here each
# migrating process renders them once per starting point and hands each schema a clone, as
# Django's command hands its own migration a clone of the state it rendered (decision 0020).
# The other per-schema cost that grew with the fleet, the recorder's table lists, is the
# database backend's (tenants/postgresql_backend, decision 0021).


@dataclass(frozen=True)
class SchemaMigrated:
    """What happened in one schema: the migrations applied, or the error that stopped it."""

    schema: str
    applied: tuple[str, ...]
    seconds: float
    error: str = ""


# Per process: applied migrations -> (project state before, model registry after).
_rendered: dict[frozenset[tuple[str, str]], tuple[ProjectState, StateApps]] = {}


def _post_migrate_apps(state: ProjectState) -> StateApps:
    """The registry post_migrate receivers are given, rendered as Django's migrate command does:
    unmigrated apps' models are rendered again so their relations point into the final state."""
    state.clear_delayed_apps_cache()
    registry = state.apps
    with registry.bulk_update():
        keys = []
        for model_state in registry.real_models:
            keys.append((model_state.app_label, model_state.name_lower))
            registry.unregister_model(*keys[-1])
    registry.render_multiple([ModelState.from_model(apps.get_model(*key)) for key in keys])
    return registry


def schema_migrate(*, schema_name: str) -> list[str]:
    """Apply the migrations pending in one schema, with the pre_migrate and post_migrate signals
    Django's `migrate` sends, and return their names. Each migration commits on its own, so a
    failure leaves the earlier ones applied and the rest pending."""
    tenants = tenant_connection()
    tenants.set_schema(schema_name, include_public=False)
    MigrationRecorder(connection).ensure_schema()  # not public's django_migrations by mistake
    tenants.set_schema(schema_name)
    try:
        executor = MigrationExecutor(connection)  # a fresh loader: receivers may edit its migrations
        executor.loader.check_consistent_history(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        if not plan:
            return []
        start = frozenset(executor.loader.applied_migrations)
        if start in _rendered:
            before, after_apps = _rendered[start]
        else:
            # The private method Django's migrate command calls for the same state.
            before = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
            after_apps = None
        emit_pre_migrate_signal(0, False, connection.alias, apps=before.apps, plan=plan)
        after = executor.migrate(targets, plan=plan, state=before.clone())
        if after_apps is None:
            after_apps = _post_migrate_apps(after)
            _rendered[start] = (before, after_apps)
        emit_post_migrate_signal(0, False, connection.alias, apps=after_apps, plan=plan)
        return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    finally:
        tenants.set_schema_to_public()


def _schema_migrate_reporting(schema_name: str) -> SchemaMigrated:
    started = time.monotonic()
    try:
        applied = schema_migrate(schema_name=schema_name)
    except Exception as error:  # reported by name; the caller takes the government out of service
        connections.close_all()  # whatever state the failure left, the next schema starts clean
        return SchemaMigrated(schema_name, (), time.monotonic() - started, f"{type(error).__name__}: {error}")
    return SchemaMigrated(schema_name, tuple(applied), time.monotonic() - started)


def schemas_migrate(*, schema_names: list[str], processes: int) -> Iterator[SchemaMigrated]:
    """Migrate the schemas in `processes` forked processes, yielding each one as it finishes.

    A failing schema does not stop the others. The processes are forked so they inherit the
    loaded project; the database connections are closed first so none is shared with a child.
    """
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        yield from pool.imap_unordered(_schema_migrate_reporting, schema_names)
