"""Importing the Kemendagri reference data from the `idn-area-data` package files."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from tenants.scope import any_scope, public_scoped
from warga.errors import Invalid
from warga.regions.models import Dataset, Village
from warga.regions.selectors import region_names_forget
from warga.regions.services._common import Progress

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
    # The bulk upsert sends no model signal: forget this process's names once it is committed.
    transaction.on_commit(region_names_forget)
    return ImportResult(dataset=dataset, created=existing is None)


@any_scope
def file_row_counts(*, data_dir: Path) -> dict[str, int]:
    """Rows (without header) in each package file: what an import must end up holding."""
    counts = {}
    for name in FILES:
        with (data_dir / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            counts[name] = sum(1 for _ in csv.reader(handle)) - 1
    return counts
