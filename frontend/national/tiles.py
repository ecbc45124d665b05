"""The tile-grid map of Indonesia: one fixed cell per province (38), laid out like the
archipelago, for the dashboard while no region boundaries are loaded.

Positions are (column, row) on a 15 x 7 grid, west to east and north to south; the CSS class
`tile--p<code>` places each cell (frontend/src/entries/national-dashboard.css), so the page
carries no inline style.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    code: str
    abbreviation: str
    column: int
    row: int


TILES: tuple[Tile, ...] = (
    Tile("11", "ACE", 1, 1),
    Tile("12", "SUT", 2, 2),
    Tile("13", "SUB", 2, 3),
    Tile("14", "RIA", 3, 3),
    Tile("21", "KEP", 4, 2),
    Tile("17", "BEN", 3, 4),
    Tile("15", "JAM", 4, 4),
    Tile("19", "BBL", 5, 4),
    Tile("16", "SUS", 4, 5),
    Tile("18", "LAM", 5, 5),
    Tile("36", "BTN", 5, 6),
    Tile("31", "DKI", 6, 5),
    Tile("32", "JBR", 6, 6),
    Tile("33", "JTG", 7, 6),
    Tile("34", "DIY", 7, 7),
    Tile("35", "JTM", 8, 6),
    Tile("51", "BAL", 9, 6),
    Tile("52", "NTB", 10, 6),
    Tile("53", "NTT", 11, 6),
    Tile("65", "KTA", 8, 1),
    Tile("61", "KBR", 6, 2),
    Tile("62", "KTG", 7, 2),
    Tile("64", "KTM", 8, 2),
    Tile("63", "KSL", 8, 3),
    Tile("75", "GOR", 10, 2),
    Tile("71", "SLU", 11, 2),
    Tile("76", "SLB", 9, 3),
    Tile("72", "SLT", 10, 3),
    Tile("73", "SLS", 9, 4),
    Tile("74", "SLG", 10, 4),
    Tile("82", "MLU", 12, 2),
    Tile("81", "MAL", 12, 4),
    Tile("96", "PBD", 13, 3),
    Tile("92", "PBR", 14, 3),
    Tile("91", "PAP", 15, 3),
    Tile("94", "PTG", 14, 4),
    Tile("95", "PPG", 15, 4),
    Tile("93", "PSL", 15, 5),
)

# Five shades, lightest for the smallest values; 0 is "no reports" (hatched grey).
SHADES = 5


def shade_bounds(values: list[float], *, whole: bool = True) -> list[float]:
    """Upper bounds of up to five equal-width classes between 0 and the largest value: whole
    numbers for counts (so 3 reports make three classes, not five fractions), one decimal
    for percentages."""
    top = max(values, default=0.0)
    if top <= 0:
        return []
    if whole:
        return sorted({float(math.ceil(top * step / SHADES)) for step in range(1, SHADES + 1)})
    return [round(top * step / SHADES, 1) for step in range(1, SHADES + 1)]


def shade_of(value: float | None, bounds: list[float]) -> int:
    """1-5 by the class the value falls in; 0 for no value or nothing to compare."""
    if value is None or value <= 0 or not bounds:
        return 0
    # The darkest shade is the top class however many classes there are.
    offset = SHADES - len(bounds)
    return offset + next(index for index, bound in enumerate(bounds, start=1) if value <= bound or index == len(bounds))
