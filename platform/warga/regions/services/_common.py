"""What the region imports share: the progress callback, and the codes and levels of the
regions a population figure or a boundary belongs to."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from warga.regions.models import District, PopulationLevel, Province, Regency

Progress = Callable[[str, int], None]


_POPULATION_LEVELS: dict[int, tuple[PopulationLevel, Any]] = {
    1: (PopulationLevel.PROVINCE, Province),
    2: (PopulationLevel.REGENCY, Regency),
    3: (PopulationLevel.DISTRICT, District),
}
_POPULATION_CODE = re.compile(r"\d{2}(\.\d{2}){0,2}")
