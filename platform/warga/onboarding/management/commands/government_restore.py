from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from warga.onboarding.backups import BackupError, government_restore


class Command(BaseCommand):
    help = (
        "Restore an archive of government_backup: beside the original under --as-schema (for inspection, "
        "serving no one), into the government's own schema when it is gone (a recovery), or into a "
        "database where the government does not exist yet. Refuses, writing nothing, a corrupt archive, "
        "a migration state other than this code's, or a schema that exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--as-schema", dest="as_schema", default=None, help="Restore into this new schema.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the government's schema with the archive: out of service, the schema renamed to "
            "<schema>_diganti_<time> and the archive restored under its name, in one transaction.",
        )

    def handle(self, *args: Any, archive: Path, as_schema: str | None, replace: bool, **options: Any) -> None:
        started = time.monotonic()
        try:
            restored = government_restore(
                archive_path=archive,
                as_schema=as_schema,
                replace=replace,
                # Every web process looks the host up again within this time and sees it not ready.
                wait_seconds=settings.WARGA_HOST_CACHE_SECONDS,
                progress=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        if restored.moved_to:
            role = f"menggantikan yang lama, kini di skema {restored.moved_to}; hapus setelah diperiksa"
        elif restored.registered:
            role = "terdaftar dan siap melayani"
        elif as_schema:
            role = "tidak melayani siapa pun: untuk diperiksa atau ditukar (deploy/README.md)"
        else:
            role = "skema pemerintah ini lagi, siap melayani"
        self.stdout.write(
            f"Dipulihkan ke skema {restored.schema} ({role}): {restored.rows} baris, "
            f"{restored.media_files} berkas media, {time.monotonic() - started:.1f} s."
        )
