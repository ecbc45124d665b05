"""`manage.py import_boundaries`: every feature checked against the Kemendagri regions before
anything is written, problems reported as file:feature, outlines simplified for the web; once
every province has one, the national dashboard draws them instead of its tile grid; once every
kabupaten/kota of a province has one, the province's drill-down draws them too."""

from __future__ import annotations

import itertools
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from frontend.national.tiles import TILES
from tests.api.helpers import signed_in_client
from tests.personas import membership_in, verified_user, with_totp
from warga.national.models import ReportFact
from warga.national.services import national_day, rollup_recompute
from warga.regions.boundaries import simplify
from warga.regions.models import Boundary, Regency
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


def _regency_square(index: int) -> list[list[float]]:
    """A 0.4 degree square of a 6-wide grid over western Java (106-108.4 E, 5.9-7.9 S)."""
    west, north = 106.0 + (index % 6) * 0.4, -5.9 - (index // 6) * 0.4
    return [[west, north], [west + 0.4, north], [west + 0.4, north - 0.4], [west, north - 0.4], [west, north]]


def regencies_of(province: str) -> list[dict[str, Any]]:
    """A test outline (not a real one) for every kabupaten/kota of `province`."""
    codes = Regency.objects.filter(province_id=province).order_by("code").values_list("code", flat=True)
    return [
        _feature(code, {"type": "Polygon", "coordinates": [_regency_square(index)]}) for index, code in enumerate(codes)
    ]


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


def test_a_provinces_kabupaten_and_kota_are_drawn_once_all_are_loaded(
    db: None, tmp_path: Path, national: Any, jakarta: Any
) -> None:
    overseer = with_totp(verified_user("pengawas.kabupaten@nasional.go.id"))
    membership_in(national, overseer, kind="pengawas_nasional")
    client = signed_in_client(overseer)
    now = timezone.now()
    facts = [
        ReportFact(
            tracking_number=f"32.73-2026-9{n:05d}",
            owner_code="32.73",
            owner_since=now,
            province_code="32",
            regency_code="32.73",
            district_code="32.73.01",
            village_code="32.73.01.1001",
            category_code="banjir",
            type="pengaduan",
            privacy="publik",
            status="received",
            is_open=True,
            created_at=now,
            created_day=national_day(now),
            last_event_at=now,
            applied_at=now,
        )
        for n in range(3)
    ]
    ReportFact.objects.bulk_create(facts)
    rollup_recompute(cells={(facts[0].created_day, "32")})
    features = regencies_of("32")
    assert len(features) == 27

    # One kabupaten/kota without an outline: no map with a hole in it, the tables answer.
    boundaries_import(path=_write(tmp_path, features[1:]), source="Uji, bukan data BIG")
    html = client.get("/pantauan/?wilayah=32", HTTP_HOST="nasional.localhost").content.decode()
    assert "outline-map" not in html
    assert 'id="tabel-wilayah"' in html

    boundaries_import(path=_write(tmp_path, features), source="Uji, bukan data BIG")
    html = client.get("/pantauan/?wilayah=32&ukuran=laporan", HTTP_HOST="nasional.localhost").content.decode()
    assert "Peta Jawa Barat: Laporan" in html
    assert html.count('<path class="shape') == 27
    # Coloured by the metric: Kota Bandung has the reports, the others none; each links to its drill-down.
    assert '<a href="/pantauan/?' in html
    assert "wilayah=32.73&amp;ukuran=laporan" in html
    assert 'aria-label="Kota Bandung: 3"><path class="shape shape--s5"' in html
    assert html.count('class="shape shape--s0"') == 26
    # Fitted to the province: the view box is the grid's extent, not the country's.
    assert 'viewBox="0 0 432.0 360.0"' in html  # 2.4 x 2 degrees, 180 units a degree

    # A kabupaten/kota's own page lists its kecamatan; the country keeps its tile grid.
    html = client.get("/pantauan/?wilayah=32.73", HTTP_HOST="nasional.localhost").content.decode()
    assert "outline-map" not in html
    assert "tile-map" in client.get("/pantauan/", HTTP_HOST="nasional.localhost").content.decode()

    # Another province's overseer sees none of Jawa Barat's outlines: Jakarta's are not loaded.
    gubernur = with_totp(verified_user("gubernur.batas@jakarta.go.id"))
    membership_in(jakarta, gubernur, kind="gubernur")
    html = signed_in_client(gubernur).get("/pantauan/", HTTP_HOST="dki-jakarta.localhost").content.decode()
    assert "outline-map" not in html
    assert "32.73" not in html
    assert signed_in_client(gubernur).get("/pantauan/?wilayah=32", HTTP_HOST="dki-jakarta.localhost").status_code == 404
