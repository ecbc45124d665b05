"""Region outlines from a GeoJSON file: checked feature by feature against the Kemendagri
regions, simplified for the web (Douglas-Peucker), and drawn as SVG paths for the national
dashboard's map. Pure functions; the import itself is `services.boundaries_import`."""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]
# Indonesia with a margin: a point outside is a swapped latitude/longitude or another country.
LONGITUDES = (94.0, 142.0)
LATITUDES = (-12.0, 7.0)
DECIMALS = 4  # about 11 m


def _distance(point: Point, start: Point, end: Point) -> float:
    """Distance from `point` to the segment start-end, in degrees."""
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def simplify(ring: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker on a closed ring (iterative: coastlines have many thousand points), the
    first point kept as the last; coordinates rounded to DECIMALS."""
    points = list(ring)
    if len(points) < 4 or tolerance <= 0:
        return [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    # A closed ring's ends are the same point: split it at its farthest point first.
    far = max(
        range(1, len(points) - 1), key=lambda i: math.hypot(points[i][0] - points[0][0], points[i][1] - points[0][1])
    )
    keep[far] = True
    stack = [(0, far), (far, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        index, distance = max(
            ((i, _distance(points[i], points[first], points[last])) for i in range(first + 1, last)),
            key=lambda pair: pair[1],
        )
        if distance > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    kept = [(round(x, DECIMALS), round(y, DECIMALS)) for (x, y), k in zip(points, keep, strict=True) if k]
    return kept


def svg_path(
    rings: Sequence[Sequence[Sequence[float]]],
    *,
    scale: float = 10.0,
    west: float = LONGITUDES[0],
    north: float = LATITUDES[1],
) -> str:
    """An SVG path of the rings in a plain equirectangular projection: x = (lon - west) x scale,
    y = (north - lat) x scale. By default Indonesia's extent (viewBox 0 0 480 190 at scale 10)."""
    parts = []
    for ring in rings:
        coordinates = [f"{(lon - west) * scale:.1f} {(north - lat) * scale:.1f}" for lon, lat in ring]
        parts.append("M" + " L".join(coordinates) + " Z")
    return " ".join(parts)


# A region's own map (a province's kabupaten/kota) fits in this box, whatever its shape.
FITTED_WIDTH = 480.0
FITTED_HEIGHT = 360.0


def fitted_paths(shapes: dict[str, Sequence[Sequence[Sequence[float]]]]) -> tuple[str, dict[str, str]]:
    """SVG paths of `shapes` (code -> rings) scaled together to fill a FITTED_WIDTH x
    FITTED_HEIGHT box as far as their extent allows: (the viewBox, paths by code)."""
    points = [point for rings in shapes.values() for ring in rings for point in ring]
    if not points:
        return f"0 0 {FITTED_WIDTH:.0f} {FITTED_HEIGHT:.0f}", {}
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    # A degenerate extent (one point, a line) still gets a finite scale.
    scale = min(FITTED_WIDTH / max(east - west, 1e-3), FITTED_HEIGHT / max(north - south, 1e-3))
    view_box = f"0 0 {(east - west) * scale:.1f} {(north - south) * scale:.1f}"
    return view_box, {code: svg_path(rings, scale=scale, west=west, north=north) for code, rings in shapes.items()}
