from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.fleet import pending_by_schema
from tenants.models import Government
from tenants.services import government_mark_not_ready, template_ensure


class Command(BaseCommand):
    help = (
        "Migrate the public schema, the template and every government, in parallel, skipping the "
        "run when nothing is pending. A government whose migration fails is taken out of service."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--processes", type=int, default=None, help="Parallel migration processes.")

    def handle(self, *args: Any, processes: int | None, **options: Any) -> None:
        verbosity = options["verbosity"]
        started = time.monotonic()
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=max(verbosity - 1, 0))
        template_ensure(verbosity=max(verbosity - 1, 0))
        pending = pending_by_schema()
        if not pending:
            self.stdout.write(
                f"Public schema and template up to date; no government has pending migrations "
                f"({time.monotonic() - started:.1f} s)."
            )
            return
        self.stdout.write(f"Migrating {len(pending)} schemas with pending migrations...")
        if processes:
            from django.conf import settings

            settings.TENANT_MULTIPROCESSING_MAX_PROCESSES = processes
        try:
            call_command(
                "migrate_schemas",
                tenant=True,
                executor="multiprocessing",
                interactive=False,
                verbosity=max(verbosity - 1, 0),
            )
        except Exception as error:  # one failing schema must not hide which ones failed
            self.stderr.write(f"The fleet migration stopped: {error}")
        still_pending = pending_by_schema()
        for government in Government.objects.filter(schema_name__in=still_pending):
            government_mark_not_ready(government=government)
        if still_pending:
            raise CommandError(
                f"{len(still_pending)} schemas failed to migrate and are out of service until fixed: "
                + ", ".join(sorted(still_pending)[:20])
            )
        self.stdout.write(f"Migrated {len(pending)} schemas in {time.monotonic() - started:.1f} s.")
