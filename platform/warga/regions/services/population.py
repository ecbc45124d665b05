"""Population figures. The operator loads them from BPS (no package carries them); they are the
rankings' per-100,000 denominator. Indonesia's first census was in 1961; a figure above a
billion is a misplaced column, not a region."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from tenants.scope import public_scoped
from warga.errors import Invalid
from warga.regions.models import Population
from warga.regions.services._common import _POPULATION_CODE, _POPULATION_LEVELS, Progress

POPULATION_HEADER = ["code", "population", "year", "source"]
POPULATION_FIRST_YEAR = 1961
POPULATION_MAX = 1_000_000_000
_POPULATION_SOURCE_MAX = Population._meta.get_field("source").max_length or 200


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
