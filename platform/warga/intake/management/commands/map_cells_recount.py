"""Count the public map's cells again from the report index (after a bulk load of the index)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from warga.intake.services import map_cells_recount


class Command(BaseCommand):
    help = (
        "Replace the public map's counts per cell (intake_map_cell) by a count of the report index as it is "
        "now, in one transaction; for a bulk load written with the cells' trigger disabled."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = map_cells_recount()
        self.stdout.write(f"{written} map cells written")
