"""Importing the Kemendagri reference data from the `idn-area-data` package files."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tenants.scope import any_scope, public_scoped
from warga.errors import Invalid
from warga.regions.boundaries import LATITUDES, LONGITUDES, simplify
from warga.regions.models import (
    Boundary,
    Dataset,
    District,
    Population,
    PopulationLevel,
    Province,
    Regency,
    Village,
)

FILES = ("provinces", "regencies", "districts", "villages")

# file -> (expected header, code pattern, parent column or None)
_SPEC: dict[str, tuple[list[str], re.Pattern[str], str | None]] = {
    "provinces": (["code", "name"], re.compile(r"\d{2}"), None),
    "regencies": (["code", "province_code", "name"], re.compile(r"\d{2}\.\d{2}"), "province_code"),
    "districts": (["code", "regency_code", "name"], re.compile(r"\d{2}\.\d{2}\.\d{2}"), "regency_code"),
    "villages": (["code", "district_code", "name"], re.compile(r"\d{2}\.\d{2}\.\d{2}\.[123]\d{3}"), "district_code"),
}


# Every region table's name column has this length; a longer name would otherwise stop the
# import halfway with a database error that names no line.
_NAME_MAX_LENGTH = Village._meta.get_field("name").max_length or 100


class RegionDataError(Invalid):
    """The package files are missing or not what the importer expects; nothing was written."""

    code = "region_data_invalid"


@dataclass(frozen=True)
class ImportResult:
    dataset: Dataset
    created: bool


Progress = Callable[[str, int], None]


def _checksum(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update((data_dir / f"{name}.csv").read_bytes())
    return digest.hexdigest()


def _package_version(data_dir: Path) -> str:
    package_json = data_dir.parent / "package.json"
    try:
        package = json.loads(package_json.read_text())
        return f"{package['name']}@{package['version']}"
    except (OSError, ValueError, KeyError):
        return "idn-area-data@unknown"


def _read(data_dir: Path, name: str, known_parents: set[str] | None) -> list[tuple[str, ...]]:
    header, pattern, parent_column = _SPEC[name]
    path = data_dir / f"{name}.csv"
    rows: list[tuple[str, ...]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        first = next(reader, None)
        if first != header:
            raise RegionDataError(f"{path}:1: expected the header {','.join(header)}, found {first}.")
        seen: set[str] = set()
        for line_number, row in enumerate(reader, start=2):
            if len(row) != len(header):
                raise RegionDataError(f"{path}:{line_number}: expected {len(header)} columns, found {len(row)}.")
            record = dict(zip(header, row, strict=True))
            if not pattern.fullmatch(record["code"]):
                raise RegionDataError(f"{path}:{line_number}: {record['code']!r} is not a valid {name[:-1]} code.")
            # A repeated code would make the upsert fail halfway with a database error instead of
            # a message naming the line.
            if record["code"] in seen:
                raise RegionDataError(f"{path}:{line_number}: the code {record['code']} appears twice.")
            seen.add(record["code"])
            if not record["name"].strip():
                raise RegionDataError(f"{path}:{line_number}: the name is empty.")
            if len(record["name"]) > _NAME_MAX_LENGTH:
                raise RegionDataError(f"{path}:{line_number}: the name is longer than {_NAME_MAX_LENGTH} characters.")
            if parent_column is not None:
                parent = record[parent_column]
                if known_parents is not None and parent not in known_parents:
                    raise RegionDataError(f"{path}:{line_number}: parent {parent!r} does not exist.")
                if not record["code"].startswith(parent + "."):
                    raise RegionDataError(f"{path}:{line_number}: {record['code']} is not inside {parent}.")
            rows.append(tuple(row))
    if not rows:
        raise RegionDataError(f"{path}: the file has a header but no rows.")
    return rows


def _with_kind(name: str, rows: list[tuple[str, ...]]) -> Iterator[tuple[str, ...]]:
    for row in rows:
        if name == "regencies":
            yield (*row, "kota" if int(row[0][3:5]) >= 71 else "kabupaten")
        elif name == "villages":
            yield (*row, "kelurahan" if row[0].split(".")[3][0] == "1" else "desa")
        else:
            yield row


_TARGETS = {
    "provinces": ("regions_province", ["code", "name"]),
    "regencies": ("regions_regency", ["code", "province_id", "name", "kind"]),
    "districts": ("regions_district", ["code", "regency_id", "name"]),
    "villages": ("regions_village", ["code", "district_id", "name", "kind"]),
}


def _upsert(name: str, rows: Iterator[tuple[str, ...]], progress: Progress | None) -> None:
    table, columns = _TARGETS[name]
    staging = f"staging_{table}"
    column_list = ", ".join(columns)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns[1:])
    with connection.cursor() as cursor:
        # ON COMMIT DROP only fires at the outermost commit: a second import inside one caller's
        # transaction would find the table still there.
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
        raw = cursor.cursor  # the psycopg cursor, for COPY
        count = 0
        with raw.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
            for count, row in enumerate(rows, start=1):
                copy.write_row(row)
                if progress is not None and count % 5000 == 0:
                    progress(name, 5000)
        if progress is not None:
            progress(name, count % 5000)
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "
            f"ON CONFLICT (code) DO UPDATE SET {updates} "
            f"WHERE ({', '.join(f'{table}.{c}' for c in columns[1:])}) IS DISTINCT FROM "
            f"({', '.join(f'EXCLUDED.{c}' for c in columns[1:])})"
        )


@public_scoped
def regions_import(*, data_dir: Path, force: bool = False, progress: Progress | None = None) -> ImportResult:
    """Import (or update) every province, regency/city, district and village.

    Idempotent: files already imported (same checksum) are skipped unless `force`. All
    files are validated before anything is written, and the write is one transaction.
    Codes that vanished from a newer release are kept: reports still point at them.
    """
    missing = [name for name in FILES if not (data_dir / f"{name}.csv").is_file()]
    if missing:
        raise RegionDataError(
            f"{data_dir} lacks {', '.join(m + '.csv' for m in missing)}. Install the front-end packages "
            "(npm ci in frontend/) or set WARGA_REGION_DATA_DIR to the idn-area-data data folder."
        )
    checksum = _checksum(data_dir)
    existing = Dataset.objects.filter(checksum=checksum).first()
    if existing is not None and not force:
        return ImportResult(dataset=existing, created=False)

    parsed: dict[str, list[tuple[str, ...]]] = {}
    parents: set[str] | None = None
    for name in FILES:
        parsed[name] = _read(data_dir, name, parents)
        parents = {row[0] for row in parsed[name]}

    with transaction.atomic():
        for name in FILES:
            _upsert(name, _with_kind(name, parsed[name]), progress)
        dataset, _ = Dataset.objects.update_or_create(
            checksum=checksum,
            defaults={
                "version": _package_version(data_dir),
                **{name: len(parsed[name]) for name in FILES},
            },
        )
    return ImportResult(dataset=dataset, created=existing is None)


@any_scope
def file_row_counts(*, data_dir: Path) -> dict[str, int]:
    """Rows (without header) in each package file: what an import must end up holding."""
    counts = {}
    for name in FILES:
        with (data_dir / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            counts[name] = sum(1 for _ in csv.reader(handle)) - 1
    return counts


# --- Population figures ---------------------------------------------------------------------
# The operator loads them from BPS (no package carries them); they are the rankings'
# per-100,000 denominator. Indonesia's first census was in 1961; a figure above a billion is a
# misplaced column, not a region.

POPULATION_HEADER = ["code", "population", "year", "source"]
POPULATION_FIRST_YEAR = 1961
POPULATION_MAX = 1_000_000_000
_POPULATION_SOURCE_MAX = Population._meta.get_field("source").max_length or 200
_POPULATION_LEVELS: dict[int, tuple[PopulationLevel, Any]] = {
    1: (PopulationLevel.PROVINCE, Province),
    2: (PopulationLevel.REGENCY, Regency),
    3: (PopulationLevel.DISTRICT, District),
}
_POPULATION_CODE = re.compile(r"\d{2}(\.\d{2}){0,2}")
_DIGITS = re.compile(r"\d+")


class PopulationDataError(Invalid):
    """The population file is not what the importer expects; nothing was written."""

    code = "population_data_invalid"


@dataclass(frozen=True)
class PopulationImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int


def _population_rows(path: Path, progress: Progress | None) -> list[Population]:
    """Every row of `path`, checked; raises PopulationDataError naming file:line."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            try:
                lines = list(reader)
            except csv.Error as error:
                raise PopulationDataError(
                    f"{path}:{reader.line_num}: baris CSV rusak (malformed CSV): {error}."
                ) from error
    except UnicodeDecodeError as error:
        raise PopulationDataError(
            f"{path}: berkas bukan teks UTF-8 (the file is not UTF-8 text): {error.reason}."
        ) from error
    except OSError as error:
        raise PopulationDataError(f"{path}: berkas tidak dapat dibaca (cannot read the file): {error}.") from error
    if not lines or [cell.strip() for cell in lines[0]] != POPULATION_HEADER:
        found = ",".join(lines[0]) if lines else "(kosong)"
        raise PopulationDataError(
            f"{path}:1: kepala kolom harus {','.join(POPULATION_HEADER)}, tertulis {found} "
            f"(expected the header {','.join(POPULATION_HEADER)})."
        )
    known = {
        depth: set(model.objects.values_list("code", flat=True)) for depth, (_, model) in _POPULATION_LEVELS.items()
    }
    this_year = timezone.localdate().year
    seen: dict[str, int] = {}
    figures: list[Population] = []
    for line_number, row in enumerate(lines[1:], start=2):
        where = f"{path}:{line_number}"
        if len(row) != len(POPULATION_HEADER):
            raise PopulationDataError(
                f"{where}: harus {len(POPULATION_HEADER)} kolom, tertulis {len(row)} "
                f"(expected {len(POPULATION_HEADER)} columns, found {len(row)})."
            )
        code, population, year, source = (cell.strip() for cell in row)
        if not _POPULATION_CODE.fullmatch(code):
            raise PopulationDataError(
                f"{where}: {code!r} bukan kode provinsi, kabupaten/kota atau kecamatan "
                "(not a province, regency/city or district code)."
            )
        depth = code.count(".") + 1
        if code not in known[depth]:
            raise PopulationDataError(
                f"{where}: kode wilayah {code} tidak dikenal; impor data wilayah terlebih dahulu "
                "(unknown region code; import the region data first)."
            )
        if code in seen:
            raise PopulationDataError(f"{where}: kode {code} sudah ada di baris {seen[code]} (the code appears twice).")
        seen[code] = line_number
        # Digits only: "1.234.567" is a thousands separator in Indonesian and a decimal point
        # elsewhere, so it is refused rather than guessed.
        if not _DIGITS.fullmatch(population) or int(population) <= 0:
            raise PopulationDataError(
                f"{where}: jumlah penduduk {population!r} harus bilangan bulat positif tanpa pemisah ribuan "
                "(the population must be a positive whole number without separators)."
            )
        if int(population) > POPULATION_MAX:
            raise PopulationDataError(
                f"{where}: jumlah penduduk {population} tidak masuk akal untuk satu wilayah "
                "(implausibly large for one region; is a column misplaced?)."
            )
        if not _DIGITS.fullmatch(year) or not POPULATION_FIRST_YEAR <= int(year) <= this_year:
            raise PopulationDataError(
                f"{where}: tahun {year!r} harus antara {POPULATION_FIRST_YEAR} dan {this_year} "
                f"(the year must be from {POPULATION_FIRST_YEAR} to {this_year})."
            )
        if not source:
            raise PopulationDataError(f"{where}: sumber data kosong (the source is empty).")
        if len(source) > _POPULATION_SOURCE_MAX:
            raise PopulationDataError(
                f"{where}: sumber data lebih dari {_POPULATION_SOURCE_MAX} karakter "
                f"(the source is longer than {_POPULATION_SOURCE_MAX} characters)."
            )
        if progress is not None and len(figures) % 100 == 99:
            progress("checked", 100)
        figures.append(
            Population(
                code=code,
                level=_POPULATION_LEVELS[depth][0],
                population=int(population),
                year=int(year),
                source=source,
            )
        )
    if not figures:
        raise PopulationDataError(f"{path}: berkas hanya berisi kepala kolom (the file has a header but no rows).")
    if progress is not None:
        progress("checked", len(figures) % 100)
    return figures


@public_scoped
def population_import(*, path: Path, progress: Progress | None = None) -> PopulationImportResult:
    """Load population figures (CSV: code, population, year, source) for provinces,
    regencies/cities and districts.

    The whole file is checked before anything is written (PopulationDataError naming file:line
    on the first problem); the write is one transaction. Idempotent: a row equal to the stored
    one is left alone, a changed one is updated, and codes absent from the file keep their
    figures. `progress` is told how many rows were checked, then how many were written.
    """
    figures = _population_rows(path, progress)
    with transaction.atomic():
        # Two imports at once would each decide "new" for the same code; the second waits.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Population._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        stored = {row.code: row for row in Population.objects.filter(code__in=[figure.code for figure in figures])}
        now = timezone.now()
        changed: list[Population] = []
        created = 0
        for figure in figures:
            current = stored.get(figure.code)
            if current is not None and (current.level, current.population, current.year, current.source) == (
                figure.level,
                figure.population,
                figure.year,
                figure.source,
            ):
                continue
            created += current is None
            figure.updated_at = now
            changed.append(figure)
        Population.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["level", "population", "year", "source", "updated_at"],
        )
    if progress is not None:
        progress("written", len(changed))
    return PopulationImportResult(
        rows=len(figures), created=created, updated=len(changed) - created, unchanged=len(figures) - len(changed)
    )


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
