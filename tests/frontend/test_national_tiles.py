"""The tile-grid map: one cell per province of the reference data, each placed by the CSS at
its own position, and the shades it is coloured with."""

from __future__ import annotations

import re
from pathlib import Path

from frontend.national.tiles import TILES, shade_bounds, shade_of
from warga.regions.models import Province

CSS = Path(__file__).resolve().parents[2] / "frontend" / "src" / "entries" / "national-dashboard.css"


def test_every_province_has_one_cell_of_its_own(db: None) -> None:
    assert sorted(tile.code for tile in TILES) == sorted(Province.objects.values_list("code", flat=True))
    assert len({(tile.column, tile.row) for tile in TILES}) == len(TILES) == 38
    placed = dict(
        (code, (int(column), int(row)))
        for code, column, row in re.findall(
            r"\.tile--p(\d\d) \{ grid-column: (\d+); grid-row: (\d+); \}", CSS.read_text()
        )
    )
    assert placed == {tile.code: (tile.column, tile.row) for tile in TILES}


def test_shades_split_counts_into_whole_classes_and_percentages_into_fifths() -> None:
    assert shade_bounds([27.0, 6.0, 0.0]) == [6.0, 11.0, 17.0, 22.0, 27.0]
    assert [shade_of(value, [6.0, 11.0, 17.0, 22.0, 27.0]) for value in (None, 0, 1, 6, 7, 27)] == [0, 0, 1, 1, 2, 5]
    # Three reports at most: three classes, the largest still the darkest.
    assert shade_bounds([3.0, 1.0]) == [1.0, 2.0, 3.0]
    assert [shade_of(value, [1.0, 2.0, 3.0]) for value in (1, 2, 3)] == [3, 4, 5]
    assert shade_bounds([75.0, 20.0], whole=False) == [15.0, 30.0, 45.0, 60.0, 75.0]
    assert shade_bounds([]) == []
