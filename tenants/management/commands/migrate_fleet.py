from __future__ import annotations

import time
from argparse import ArgumentTypeError
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from tenants.database import lock_capacity
from tenants.fleet import pending_by_schema, schemas_migrate
from tenants.models import Government
from tenants.services import government_mark_not_ready, template_ensure


class Command(BaseCommand):
    help = (
        "Migrate the public schema, the template and every government, in parallel, skipping the "
        "run when nothing is pending. A government whose migration fails is taken out of service."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--processes",
            type=_positive,
            default=None,
            help="Parallel migration processes (WARGA_MIGRATION_PROCESSES).",
        )
        parser.add_argument(
            "--skip-database-check",
            action="store_true",
            help="Migrate even when the server's max_locks_per_transaction is too low for the fleet.",
        )

    def handle(self, *args: Any, processes: int | None, skip_database_check: bool, **options: Any) -> None:
        verbosity = options["verbosity"]
        started = time.monotonic()
        # Before anything is migrated: an external server may have the defaults, too small for
        # a dump of the fleet (tenants.database).
        capacity = lock_capacity()
        if not capacity.ok:
            if not skip_database_check:
                raise CommandError(capacity.problem + " Tidak ada yang dimigrasikan (--skip-database-check melewati).")
            self.stderr.write(capacity.problem)
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
        schema_names = sorted(pending)
        progress = _Progress(self.stdout, total=len(schema_names), started=started)
        for done, outcome in enumerate(
            schemas_migrate(
                schema_names=schema_names,
                processes=min(processes or settings.TENANT_MULTIPROCESSING_MAX_PROCESSES, len(schema_names)),
            ),
            start=1,
        ):
            if outcome.error:
                self.stderr.write(f"{outcome.schema}: {outcome.error}")
            elif verbosity >= 2:
                applied = ", ".join(outcome.applied) or "nothing left to apply"
                self.stdout.write(
                    f"  [{done}/{len(schema_names)}] {outcome.schema}: {applied} ({outcome.seconds * 1000:.0f} ms)"
                )
            progress.tick(done)
        still_pending = pending_by_schema()
        for government in Government.objects.filter(schema_name__in=still_pending):
            government_mark_not_ready(government=government)
        if still_pending:
            raise CommandError(
                f"{len(still_pending)} schemas failed to migrate and are out of service until fixed: "
                + ", ".join(sorted(still_pending)[:20])
            )
        self.stdout.write(f"Migrated {len(pending)} schemas in {time.monotonic() - started:.1f} s.")


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ArgumentTypeError(f"--processes must be a whole number of at least 1, not {value!r}.")
    return number


class _Progress:
    """A line at each tenth of the fleet, so a long release step shows it is moving."""

    def __init__(self, stdout: OutputWrapper, *, total: int, started: float) -> None:
        self._stdout, self._total, self._started = stdout, total, started
        self._next = 1

    def tick(self, done: int) -> None:
        if done * 10 >= self._next * self._total or done == self._total:
            self._stdout.write(
                f"  {done}/{self._total} schemas ({100 * done // self._total} %), {time.monotonic() - self._started:.1f} s"
            )
            self._next = done * 10 // self._total + 1
