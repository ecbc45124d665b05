"""Measurements that need the project loaded in-process, run by the benchmarks as a subprocess
against their scratch database (DATABASE_URL). Prints one JSON object on the last line.

    python bench/probe.py schema-build --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import time


def schema_build(repeat: int) -> dict[str, list[float]]:
    """Seconds to build one new tenant schema three ways: the project's `government_build_schema`
    (catalog copy of the template), django-tenants' clone_schema() of the template, and an empty
    schema migrated from scratch. Alternated, so machine noise hits all alike."""
    from django.db import connection
    from django.test.utils import override_settings
    from django_tenants.utils import quote_schema_name

    from tenants.models import Government
    from tenants.services import government_build_schema, template_ensure

    template_ensure()
    timings: dict[str, list[float]] = {"copy": [], "django-tenants": [], "migrate": []}
    built: list[str] = []
    try:
        # Round 0 warms up (migration graph loaded, plpgsql compiled) and is not counted.
        for index in range(repeat + 1):
            for way in timings:
                schema = f"bench_{way.replace('-', '_')}_{index}"
                # Never saved: only its schema is built, the registry is left alone.
                government = Government(schema_name=schema, slug=schema, name=schema, level="regency")
                started = time.perf_counter()
                if way == "copy":
                    government_build_schema(government=government)
                else:
                    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=way == "django-tenants"):
                        government.create_schema(check_if_exists=False, verbosity=0)
                if index:
                    timings[way].append(time.perf_counter() - started)
                built.append(schema)
    finally:
        with connection.cursor() as cursor:
            for schema in built:
                cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(schema)} CASCADE")
    return timings


class _RollBack(Exception):
    pass


def provision_again(codes: list[str]) -> dict[str, list[float]]:
    """Seconds to provision each of these (already provisioned) governments again from
    scratch: the same territories at every fleet size, so the figures compare like with like.
    Everything happens in one transaction that is rolled back; the fleet is left as it was."""
    from django.db import connection, transaction
    from django_tenants.utils import quote_schema_name

    from tenants.models import Domain, Government
    from warga.onboarding.services import government_provision, plan_for_codes

    plans = plan_for_codes(codes=codes)
    seconds: list[float] = []
    try:
        with transaction.atomic():
            # The first one is provisioned twice: its first run warms up and is not counted.
            for index, planned in enumerate(plans[:1] + plans):
                existing = Government.objects.get(code=planned.code)
                with connection.cursor() as cursor:
                    # Deferred foreign-key checks of the previous round must fire before a drop.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute(f"DROP SCHEMA {quote_schema_name(existing.schema_name)} CASCADE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred
                Domain.objects.filter(tenant=existing).delete()
                Government.objects.filter(pk=existing.pk).delete()
                started = time.perf_counter()
                outcome = government_provision(planned=planned)
                if index:
                    seconds.append(time.perf_counter() - started)
                if not outcome.created:
                    raise RuntimeError(f"{planned.code} was not provisioned again")
            raise _RollBack
    except _RollBack:
        pass
    return {"provision": seconds}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("probe", choices=["schema-build", "provision-again"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--codes", nargs="*", default=[])
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    result = schema_build(arguments.repeat) if arguments.probe == "schema-build" else provision_again(arguments.codes)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
