"""Population figures: loaded from an operator's CSV, checked strictly (file:line, nothing
written on any error), idempotent. The figures here are made up for the tests; Warga ships none."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from warga.regions.models import Population, PopulationLevel
from warga.regions.selectors import PopulationFigure, population_figures
from warga.regions.services import PopulationDataError, population_import

SOURCE = "Angka uji (bukan data BPS)"
GOOD = (
    "code,population,year,source\n"
    f"32,50000000,2020,{SOURCE}\n"
    f"32.73,2500000,2020,{SOURCE}\n"
    f'32.73.01,80000,2020,"{SOURCE}, kecamatan"\n'
)


def _csv(tmp_path: Path, text: str, name: str = "penduduk.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _stored() -> list[tuple[str, str, int, int, str]]:
    return list(Population.objects.order_by("code").values_list("code", "level", "population", "year", "source"))


def test_a_file_loads_provinces_regencies_and_districts(db: None, tmp_path: Path) -> None:
    steps: list[tuple[str, int]] = []
    result = population_import(path=_csv(tmp_path, GOOD), progress=lambda step, rows: steps.append((step, rows)))

    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    assert steps == [("checked", 3), ("written", 3)]
    assert _stored() == [
        ("32", PopulationLevel.PROVINCE, 50_000_000, 2020, SOURCE),
        ("32.73", PopulationLevel.REGENCY, 2_500_000, 2020, SOURCE),
        ("32.73.01", PopulationLevel.DISTRICT, 80_000, 2020, f"{SOURCE}, kecamatan"),
    ]
    assert population_figures(codes=["32.73", "31.71", "32"]) == {
        "32.73": PopulationFigure(population=2_500_000, year=2020, source=SOURCE),
        "32": PopulationFigure(population=50_000_000, year=2020, source=SOURCE),
    }


def test_loading_again_changes_nothing_and_a_newer_file_updates_only_what_differs(db: None, tmp_path: Path) -> None:
    population_import(path=_csv(tmp_path, GOOD))
    before = dict(Population.objects.values_list("code", "updated_at"))

    again = population_import(path=_csv(tmp_path, GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert dict(Population.objects.values_list("code", "updated_at")) == before

    newer = _csv(
        tmp_path,
        f"code,population,year,source\n32.73,2600000,2024,{SOURCE} 2024\n31,10600000,2020,{SOURCE}\n",
        "penduduk-2024.csv",
    )
    out = StringIO()
    call_command("import_population", str(newer), verbosity=0, stdout=out)
    assert out.getvalue() == ("2 baris: 1 baru, 1 diperbarui, 0 tetap (2 rows: 1 new, 1 updated, 0 unchanged).\n")
    # 32 and 32.73.01 are not in the newer file: they keep their figures.
    assert _stored() == [
        ("31", PopulationLevel.PROVINCE, 10_600_000, 2020, SOURCE),
        ("32", PopulationLevel.PROVINCE, 50_000_000, 2020, SOURCE),
        ("32.73", PopulationLevel.REGENCY, 2_600_000, 2024, f"{SOURCE} 2024"),
        ("32.73.01", PopulationLevel.DISTRICT, 80_000, 2020, f"{SOURCE}, kecamatan"),
    ]
    assert Population.objects.get(code="32").updated_at == before["32"]


THIS_YEAR = timezone.localdate().year


@pytest.mark.parametrize(
    ("line", "text", "message"),
    [
        (1, "kode,penduduk,tahun,sumber", ":1: kepala kolom harus code,population,year,source, tertulis kode,penduduk"),
        (3, "32.99,100000,2020,BPS", ":3: kode wilayah 32.99 tidak dikenal; impor data wilayah terlebih dahulu"),
        (3, "32.73.01.1001,100000,2020,BPS", ":3: '32.73.01.1001' bukan kode provinsi, kabupaten/kota atau kecamatan"),
        (3, "32,100000,2020,BPS", ":3: kode 32 sudah ada di baris 2 (the code appears twice)."),
        (3, "32.73,0,2020,BPS", ":3: jumlah penduduk '0' harus bilangan bulat positif tanpa pemisah ribuan"),
        (3, "32.73,-2500000,2020,BPS", ":3: jumlah penduduk '-2500000' harus bilangan bulat positif"),
        (3, "32.73,2.500.000,2020,BPS", ":3: jumlah penduduk '2.500.000' harus bilangan bulat positif"),
        (3, "32.73,2500000000,2020,BPS", ":3: jumlah penduduk 2500000000 tidak masuk akal untuk satu wilayah"),
        (3, "32.73,2500000,1930,BPS", f":3: tahun '1930' harus antara 1961 dan {THIS_YEAR}"),
        (3, f"32.73,2500000,{THIS_YEAR + 1},BPS", f":3: tahun '{THIS_YEAR + 1}' harus antara 1961 dan {THIS_YEAR}"),
        (3, "32.73,2500000,2020,", ":3: sumber data kosong (the source is empty)."),
        (3, "32.73,2500000,2020," + "B" * 201, ":3: sumber data lebih dari 200 karakter"),
        (4, "32.73.01,80000", ":4: harus 4 kolom, tertulis 2 (expected 4 columns, found 2)."),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_written(
    db: None, tmp_path: Path, line: int, text: str, message: str
) -> None:
    population_import(path=_csv(tmp_path, "code,population,year,source\n31,10000000,2020,Lama\n", "lama.csv"))
    before = _stored()
    lines = GOOD.splitlines()
    lines[line - 1] = text
    path = _csv(tmp_path, "\n".join(lines) + "\n")

    with pytest.raises(PopulationDataError) as raised:
        population_import(path=path)

    assert str(raised.value).startswith(f"{path}:{line}: ")
    assert f"{path}{message}" in str(raised.value)
    # The good lines before the bad one were not written either, nor the stored ones touched.
    assert _stored() == before


def test_a_file_with_only_its_header_or_nothing_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(PopulationDataError, match=r"penduduk\.csv: berkas hanya berisi kepala kolom"):
        population_import(path=_csv(tmp_path, "code,population,year,source\n"))
    with pytest.raises(PopulationDataError, match=r"kosong\.csv:1: kepala kolom harus .* tertulis \(kosong\)"):
        population_import(path=_csv(tmp_path, "", "kosong.csv"))
    assert Population.objects.count() == 0


def test_a_spreadsheet_export_with_a_byte_order_mark_loads(db: None, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert population_import(path=path).created == 3


def test_a_file_that_is_not_utf8_is_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("code,population,year,source\n32,100000,2020,Sénsus\n".encode("latin-1"))
    with pytest.raises(PopulationDataError, match=r"latin1\.csv: berkas bukan teks UTF-8"):
        population_import(path=path)
    assert Population.objects.count() == 0


def test_the_command_names_the_line_and_writes_nothing(db: None, tmp_path: Path) -> None:
    path = _csv(tmp_path, GOOD.replace("32.73,2500000", "32.73,0"))
    with pytest.raises(CommandError, match=r"penduduk\.csv:3: jumlah penduduk '0'"):
        call_command("import_population", str(path), verbosity=0)
    with pytest.raises(CommandError, match=r"tidak-ada\.csv: berkas tidak dapat dibaca"):
        call_command("import_population", str(tmp_path / "tidak-ada.csv"), verbosity=0)
    assert Population.objects.count() == 0


def test_the_database_refuses_a_figure_that_is_not_positive(db: None) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError, match="population_positive"), transaction.atomic():
        Population.objects.create(code="32", level=PopulationLevel.PROVINCE, population=0, year=2020, source="x")
