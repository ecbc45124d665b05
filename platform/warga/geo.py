"""Distances on the Earth's surface, for the checks that compare a point with a place."""

from __future__ import annotations

import math

# The mean radius of the Earth (IUGG), in metres.
EARTH_RADIUS_M = 6_371_008.8


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points in degrees (haversine), in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
