from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from warga.regions.services import RegionDataError, file_row_counts, regions_import


class Command(BaseCommand):
    help = "Import Indonesia's provinces, regencies/cities, districts and villages from idn-area-data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=settings.WARGA_REGION_DATA_DIR)
        parser.add_argument("--force", action="store_true", help="Import even if these files were imported before.")

    def handle(self, *args: Any, data_dir: Path, force: bool, **options: Any) -> None:
        try:
            total = sum(file_row_counts(data_dir=data_dir).values())
        except OSError as error:
            raise CommandError(f"Cannot read the region files in {data_dir}: {error}") from error
        show = options["verbosity"] > 0
        with tqdm(total=total, unit="rows", desc="wilayah", disable=not show) as bar:

            def advance(_file: str, rows: int) -> None:
                bar.update(rows)

            try:
                result = regions_import(data_dir=data_dir, force=force, progress=advance)
            except RegionDataError as error:
                raise CommandError(str(error)) from error
        dataset = result.dataset
        verb = "Imported" if result.created or force else "Already imported"
        self.stdout.write(
            f"{verb} {dataset.version}: {dataset.provinces} provinces, {dataset.regencies} regencies/cities, "
            f"{dataset.districts} districts, {dataset.villages} villages."
        )
