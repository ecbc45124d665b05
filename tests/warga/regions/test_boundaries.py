"""`manage.py import_boundaries`: every feature checked against the Kemendagri regions before
anything is written, problems reported as file:feature, outlines simplified for the web; once
every province has one, the national dashboard draws them instead of its tile grid."""

from __future__ import annotations

import itertools
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from frontend.national.tiles import TILES
from tests.api.helpers import signed_in_client
from tests.personas import membership_in, verified_user, with_totp
from warga.regions.boundaries import simplify
from warga.regions.models import Boundary
from warga.regions.services import BoundaryDataError, boundaries_import


def _square(column: int, row: int, *, steps: int = 50) -> list[list[float]]:
    """A 2 x 2 degree square inside Indonesia, each side drawn with `steps` collinear points."""
    west, north = 95.0 + column * 3, 6.0 - row * 2.2
    corners = [(west, north), (west + 2, north), (west + 2, north - 2), (west, north - 2), (west, north)]
    ring: list[list[float]] = []
    for (x1, y1), (x2, y2) in itertools.pairwise(corners):
        ring += [[x1 + (x2 - x1) * k / steps, y1 + (y2 - y1) * k / steps] for k in range(steps)]
    return [*ring, ring[0]]


def _feature(code: str, geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"code": code, "name": "x"}, "geometry": geometry}


def _write(tmp_path: Path, features: list[dict[str, Any]]) -> Path:
    path = tmp_path / "batas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _provinces() -> list[dict[str, Any]]:
    return [_feature(tile.code, {"type": "Polygon", "coordinates": [_square(tile.column, tile.row)]}) for tile in TILES]


def test_simplify_keeps_corners_and_drops_collinear_points() -> None:
    ring = [tuple(point) for point in _square(0, 0, steps=20)]
    assert simplify(ring, 0.01) == [(95.0, 6.0), (97.0, 6.0), (97.0, 4.0), (95.0, 4.0), (95.0, 6.0)]


def test_provinces_are_loaded_simplified_and_drawn_on_the_dashboard(db: None, tmp_path: Path, national: Any) -> None:
    out = StringIO()
    call_command("import_boundaries", str(_write(tmp_path, _provinces())), source="Uji, bukan data BIG", stdout=out)
    assert "38 wilayah, 7638 titik disederhanakan menjadi 190" in out.getvalue()
    assert Boundary.objects.count() == 38
    jabar = Boundary.objects.get(code="32")
    assert (jabar.level, jabar.source, len(jabar.rings), len(jabar.rings[0])) == (
        "province",
        "Uji, bukan data BIG",
        1,
        5,
    )

    overseer = with_totp(verified_user("pengawas.peta@nasional.go.id"))
    membership_in(national, overseer, kind="pengawas_nasional")
    html = signed_in_client(overseer).get("/pantauan/", HTTP_HOST="nasional.localhost").content.decode()
    assert html.count('<path class="shape shape--s0"') == 38
    assert 'aria-label="Jawa Barat: —"' in html
    assert "tile-map" not in html

    # Loading the same file again changes nothing.
    boundaries_import(path=_write(tmp_path, _provinces()), source="Uji, bukan data BIG")
    assert Boundary.objects.count() == 38


def test_a_bad_file_is_refused_whole_naming_each_feature(db: None, tmp_path: Path) -> None:
    square = {"type": "Polygon", "coordinates": [_square(1, 1)]}
    Boundary.objects.create(code="31", level="province", rings=[[[106.0, -6.0]]], source="lama")
    swapped = {"type": "Polygon", "coordinates": [[[lat, lon] for lon, lat in _square(2, 2)]]}
    open_ring = {"type": "Polygon", "coordinates": [_square(3, 3)[:-1]]}
    path = _write(
        tmp_path,
        [
            _feature("31", square),  # fine, but not written: the file has problems
            _feature("99", square),
            _feature("32", {"type": "Point", "coordinates": [107.0, -6.9]}),
            _feature("33", swapped),
            _feature("31", square),
            _feature("3273", square),
            _feature("35", open_ring),
        ],
    )
    with pytest.raises(BoundaryDataError) as refused:
        boundaries_import(path=path, source="Uji")
    assert [problem.split(": ", 1)[0] for problem in refused.value.problems] == [
        f"{path}:feature 2",
        f"{path}:feature 3 (32)",
        f"{path}:feature 4 (33)",
        f"{path}:feature 5",
        f"{path}:feature 6",
        f"{path}:feature 7 (35)",
    ]
    assert "kode wilayah 99 tidak dikenal" in refused.value.problems[0]
    assert "Polygon atau MultiPolygon" in refused.value.problems[1]
    assert "bujur dan lintang tertukar" in refused.value.problems[2]
    assert "sudah ada di feature 1" in refused.value.problems[3]
    assert "bukan kode Kemendagri" in refused.value.problems[4]
    assert "harus tertutup" in refused.value.problems[5]
    assert list(Boundary.objects.values_list("code", "source")) == [("31", "lama")]

    with pytest.raises(CommandError, match="Tidak ada yang disimpan"):
        call_command("import_boundaries", str(path), source="Uji")
    broken = tmp_path / "rusak.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(CommandError, match=r"rusak.geojson:1: bukan JSON yang sah"):
        call_command("import_boundaries", str(broken), source="Uji")
    assert Boundary.objects.count() == 1
