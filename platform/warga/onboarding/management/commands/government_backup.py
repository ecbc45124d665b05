from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from warga.onboarding.backups import BackupError, government_backup


class Command(BaseCommand):
    help = (
        "Write one government's schema (every table, in one snapshot) and its media files to one tar "
        "archive with a manifest: code, schema, migrations per app, rows per table, sha256 of every member."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The government's Kemendagri code, e.g. 32.73 (nasional for the national one)")
        parser.add_argument(
            "--output", type=Path, default=None, help="The archive to write (default: warga-<code>-<time>.tar here)."
        )

    def handle(self, *args: Any, code: str, output: Path | None, **options: Any) -> None:
        started = time.monotonic()
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        output = output or Path(f"warga-{code.replace('.', '_')}-{stamp}.tar")
        self.stdout.write(f"Mencadangkan {code} ke {output}...")
        try:
            manifest = government_backup(code=code, output=output, progress=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(table["rows"] for table in manifest["tables"].values())
        missing = manifest["media"]["missing"]
        if missing:
            self.stderr.write(
                f"{len(missing)} berkas yang dirujuk baris tidak ada di penyimpanan (dicatat di manifest), "
                f"mis. {missing[0]}"
            )
        self.stdout.write(
            f"Selesai: skema {manifest['schema']}, {len(manifest['tables'])} tabel, {rows} baris, "
            f"{manifest['media']['files']} berkas media, {output.stat().st_size // 1024} KB, "
            f"{time.monotonic() - started:.1f} s."
        )
