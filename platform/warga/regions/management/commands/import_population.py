from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from warga.regions.services import PopulationDataError, population_import


class Command(BaseCommand):
    help = (
        "Load population figures per province, regency/city or district from a CSV with the columns "
        "code,population,year,source (e.g. BPS, Sensus Penduduk 2020). Warga ships no figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV: code,population,year,source")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            with file.open(newline="", encoding="utf-8-sig") as handle:
                total = max(sum(1 for _ in csv.reader(handle)) - 1, 0)
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"{file}: berkas tidak dapat dibaca (cannot read the file): {error}") from error
        show = options["verbosity"] > 0
        with tqdm(total=total, unit="baris", desc="periksa", disable=not show) as bar:

            def advance(step: str, rows: int) -> None:
                if step == "checked":
                    bar.update(rows)

            try:
                result = population_import(path=file, progress=advance)
            except PopulationDataError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(
            f"{result.rows} baris: {result.created} baru, {result.updated} diperbarui, {result.unchanged} tetap "
            f"({result.rows} rows: {result.created} new, {result.updated} updated, {result.unchanged} unchanged)."
        )
