"""The regions' boundaries, simplified, from a GeoJSON file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from tenants.scope import any_scope
from warga.errors import Invalid
from warga.regions.boundaries import LATITUDES, LONGITUDES, simplify
from warga.regions.models import Boundary, PopulationLevel
from warga.regions.services._common import _POPULATION_CODE, _POPULATION_LEVELS


class BoundaryDataError(Invalid):
    """The boundaries file is not what the importer expects; nothing was written. Carries
    every problem found, each naming file:feature."""

    code = "boundary_data_invalid"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class BoundaryImportResult:
    features: int
    points_read: int
    points_kept: int


_BOUNDARY_PROBLEMS_MAX = 50


def _boundary_rings(geometry: Any) -> list[list[tuple[float, float]]] | str:
    """The outer rings of a Polygon or MultiPolygon, or what is wrong with it."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        return (
            f"geometri harus Polygon atau MultiPolygon, tertulis {kind!r} (geometry must be a Polygon or MultiPolygon)"
        )
    polygons = [geometry.get("coordinates")] if geometry["type"] == "Polygon" else geometry.get("coordinates")
    if not isinstance(polygons, list) or not polygons:
        return "koordinat kosong atau rusak (empty or malformed coordinates)"
    rings: list[list[tuple[float, float]]] = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not isinstance(polygon[0], list):
            return "koordinat poligon rusak (malformed polygon coordinates)"
        outer = polygon[0]  # holes are not drawn on a dashboard map
        try:
            ring = [(float(point[0]), float(point[1])) for point in outer]
        except (TypeError, ValueError, IndexError):
            return "titik harus [bujur, lintang] berupa angka (points must be numeric [longitude, latitude])"
        if len(ring) < 4 or ring[0] != ring[-1]:
            return "cincin poligon harus tertutup dan paling sedikit 4 titik (a ring must be closed, 4 points at least)"
        outside = next(
            (
                (lon, lat)
                for lon, lat in ring
                if not (LONGITUDES[0] <= lon <= LONGITUDES[1] and LATITUDES[0] <= lat <= LATITUDES[1])
            ),
            None,
        )
        if outside is not None:
            return (
                f"titik {outside[0]}, {outside[1]} di luar Indonesia: bujur dan lintang tertukar? "
                "(a point outside Indonesia: longitude and latitude swapped?)"
            )
        rings.append(ring)
    return rings


@any_scope
def boundaries_import(*, path: Path, source: str, tolerance: float = 0.01) -> BoundaryImportResult:
    """Load region outlines from a GeoJSON FeatureCollection whose features carry the
    Kemendagri code in `properties.code` (32, 32.73 or 32.73.01).

    Every feature is checked first: the code is a known province, regency/city or district,
    appears once, and the geometry is a Polygon or MultiPolygon inside Indonesia. Any problem
    stops the import before anything is written (BoundaryDataError listing each as
    file:feature N). Rings are then simplified (Douglas-Peucker, `tolerance` in degrees:
    0.01 is about 1 km) and written in one transaction; loading the same file again changes
    nothing that matters, a code absent from the file keeps its outline."""
    if not source.strip():
        raise BoundaryDataError([f"{path}: sebutkan sumber datanya dengan --source (name the source)."])
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise BoundaryDataError([f"{path}: berkas tidak dapat dibaca (cannot read the file): {error}."]) from error
    except json.JSONDecodeError as error:
        raise BoundaryDataError(
            [f"{path}:{error.lineno}: bukan JSON yang sah (not valid JSON): {error.msg}."]
        ) from error
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        raise BoundaryDataError([f"{path}: harus FeatureCollection berisi fitur (expected a FeatureCollection)."])
    known = {
        depth: set(model.objects.values_list("code", flat=True)) for depth, (_, model) in _POPULATION_LEVELS.items()
    }
    problems: list[str] = []
    seen: dict[str, int] = {}
    rows: list[tuple[str, PopulationLevel, list[list[tuple[float, float]]]]] = []
    for number, feature in enumerate(features, start=1):
        where = f"{path}:feature {number}"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = str((properties or {}).get("code") or "").strip()
        if not _POPULATION_CODE.fullmatch(code):
            problems.append(
                f"{where}: properties.code {code!r} bukan kode Kemendagri seperti 32 atau 32.73 (not a region code)"
            )
        elif code not in known[code.count(".") + 1]:
            problems.append(f"{where}: kode wilayah {code} tidak dikenal (unknown region code)")
        elif code in seen:
            problems.append(f"{where}: kode {code} sudah ada di feature {seen[code]} (the code appears twice)")
        else:
            seen[code] = number
            rings = _boundary_rings(feature.get("geometry"))
            if isinstance(rings, str):
                problems.append(f"{where} ({code}): {rings}")
            else:
                rows.append((code, _POPULATION_LEVELS[code.count(".") + 1][0], rings))
        if len(problems) >= _BOUNDARY_PROBLEMS_MAX:
            problems.append(f"{path}: berhenti setelah {_BOUNDARY_PROBLEMS_MAX} masalah (stopped after that many).")
            break
    if problems:
        raise BoundaryDataError(problems)
    read = kept = 0
    boundaries = []
    for code, level, rings in rows:
        simplified = [ring for ring in (simplify(ring, tolerance) for ring in rings) if len(ring) >= 4]
        if not simplified:  # only islets smaller than the tolerance: keep the largest as it is
            simplified = [simplify(max(rings, key=len), 0)]
        read += sum(len(ring) for ring in rings)
        kept += sum(len(ring) for ring in simplified)
        boundaries.append(Boundary(code=code, level=level, rings=simplified, source=source.strip()[:200]))
    with transaction.atomic():
        Boundary.objects.bulk_create(
            boundaries,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["level", "rings", "source", "updated_at"],
        )
    return BoundaryImportResult(features=len(boundaries), points_read=read, points_kept=kept)
