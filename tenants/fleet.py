"""Which schemas have migrations left to apply, found with one query per batch of schemas.

`migrate_schemas` walks every tenant even when there is nothing to do (~12 min for 900
tenants, django-tenants#719); the fleet command asks this first and skips a no-op run.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import get_tenant_model, quote_schema_name

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
