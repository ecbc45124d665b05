from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warga.regions.services import BoundaryDataError, boundaries_import


class Command(BaseCommand):
    help = (
        "Load province, regency/city or district outlines from a GeoJSON FeatureCollection whose "
        "features carry the Kemendagri code in properties.code; simplified for the web. Warga ships "
        "none: see docs/decisions/0043 for where official boundaries come from and their licence."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="GeoJSON FeatureCollection")
        parser.add_argument("--source", required=True, help='Where the outlines come from, e.g. "BIG, 2023"')
        parser.add_argument(
            "--tolerance", type=float, default=0.01, help="Simplification in degrees (0.01 is about 1 km)"
        )

    def handle(self, *args: Any, file: Path, source: str, tolerance: float, **options: Any) -> None:
        if not 0 <= tolerance <= 1:
            raise CommandError("--tolerance harus antara 0 dan 1 derajat (must be 0 to 1 degrees).")
        try:
            result = boundaries_import(path=file, source=source, tolerance=tolerance)
        except BoundaryDataError as error:
            raise CommandError(
                "Tidak ada yang disimpan (nothing was written):\n" + "\n".join(error.problems)
            ) from error
        self.stdout.write(
            f"{result.features} wilayah, {result.points_read} titik disederhanakan menjadi {result.points_kept} "
            f"({result.features} regions, {result.points_read} points simplified to {result.points_kept})."
        )
