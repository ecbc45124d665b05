"""The Kemendagri reference data import: complete, idempotent, all-or-nothing on bad files.

The session fixture has already imported the package files once (committed); tests here run
inside a rolled-back transaction.
"""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from warga.regions.models import Dataset, District, Province, Regency, RegencyKind, Village, VillageKind
from warga.regions.services import FILES, RegionDataError, file_row_counts, regions_import

PACKAGE_COUNTS = {"provinces": 38, "regencies": 514, "districts": 7285, "villages": 83762}


def _table_counts() -> dict[str, int]:
    return {
        "provinces": Province.objects.count(),
        "regencies": Regency.objects.count(),
        "districts": District.objects.count(),
        "villages": Village.objects.count(),
    }


def test_the_package_files_hold_the_published_counts() -> None:
    assert file_row_counts(data_dir=settings.WARGA_REGION_DATA_DIR) == PACKAGE_COUNTS


def test_import_holds_exactly_the_package_rows(db: None) -> None:
    result = regions_import(data_dir=settings.WARGA_REGION_DATA_DIR)
    dataset = result.dataset
    files = file_row_counts(data_dir=settings.WARGA_REGION_DATA_DIR)
    recorded = {name: getattr(dataset, name) for name in FILES}
    assert recorded == files
    assert _table_counts() == files
    assert dataset.version == "idn-area-data@4.0.1"
    assert len(dataset.checksum) == 64


def test_running_the_import_again_is_a_no_op(db: None) -> None:
    before = Dataset.objects.get()
    result = regions_import(data_dir=settings.WARGA_REGION_DATA_DIR)
    assert result.created is False
    assert result.dataset.pk == before.pk
    assert result.dataset.imported_at == before.imported_at
    assert Dataset.objects.count() == 1
    assert _table_counts() == PACKAGE_COUNTS

    out = StringIO()
    call_command("import_regions", verbosity=0, stdout=out)
    assert out.getvalue() == (
        "Already imported idn-area-data@4.0.1: 38 provinces, 514 regencies/cities, 7285 districts, 83762 villages.\n"
    )
    assert Dataset.objects.count() == 1


def test_regency_kind_follows_the_code_kk_71_and_above_is_kota(db: None) -> None:
    assert Regency.objects.get(code="32.73").kind == RegencyKind.KOTA  # Kota Bandung
    assert Regency.objects.get(code="32.04").kind == RegencyKind.KABUPATEN  # Kabupaten Bandung
    assert Regency.objects.get(code="31.71").kind == RegencyKind.KOTA  # Kota Administrasi Jakarta Pusat
    assert Regency.objects.get(code="31.01").kind == RegencyKind.KABUPATEN  # Kab. Adm. Kepulauan Seribu
    # Kepmendagri 2025: 416 kabupaten and 98 kota.
    assert Regency.objects.filter(kind=RegencyKind.KABUPATEN).count() == 416
    assert Regency.objects.filter(kind=RegencyKind.KOTA).count() == 98


def test_village_kind_follows_the_code_1xxx_is_kelurahan(db: None) -> None:
    assert Village.objects.get(code="32.73.18.1002").kind == VillageKind.KELURAHAN  # Sukaluyu, Kota Bandung
    assert Village.objects.get(code="33.01.14.2003").kind == VillageKind.DESA  # Cibeunying, Cilacap
    assert Village.objects.get(code="91.03.01.3007").kind == VillageKind.DESA  # a desa adat of Papua
    # Kepmendagri 2025: 8,496 kelurahan and 75,266 desa (75,252 plus 14 desa adat).
    assert Village.objects.filter(kind=VillageKind.KELURAHAN).count() == 8496
    assert Village.objects.filter(kind=VillageKind.DESA).count() == 75266


# --- Broken package files ---------------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    for name in FILES:
        shutil.copyfile(settings.WARGA_REGION_DATA_DIR / f"{name}.csv", target / f"{name}.csv")
    return target


def _replace_line(path: Path, line_number: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line_number - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "line", "text", "message"),
    [
        ("provinces", 3, "1X,Sumatera Utara", "provinces.csv:3: '1X' is not a valid province code."),
        ("regencies", 1, "code,province,name", "regencies.csv:1: expected the header code,province_code,name"),
        ("regencies", 4, "11.03,11", "regencies.csv:4: expected 3 columns, found 2."),
        ("districts", 2, "11.01.01,11.99,Bakongan", "districts.csv:2: parent '11.99' does not exist."),
        ("districts", 2, "11.02.01,11.01,Bakongan", "districts.csv:2: 11.02.01 is not inside 11.01."),
        ("villages", 3, "11.01.01.2001,11.01.01,Ujong Mangki", "villages.csv:3: the code 11.01.01.2001 appears twice."),
        ("villages", 83763, "96.71.10.1004,96.71.10, ", "villages.csv:83763: the name is empty."),
        ("districts", 3, "11.01.02,11.01," + "Kluet" * 21, "districts.csv:3: the name is longer than 100 characters."),
        (
            "villages",
            83763,
            "96.71.99.1004,96.71.99,Tanjung Kasuari",
            "villages.csv:83763: parent '96.71.99' does not exist.",
        ),
    ],
)
def test_a_broken_file_names_file_and_line_and_writes_nothing(
    db: None, data_copy: Path, file: str, line: int, text: str, message: str
) -> None:
    _replace_line(data_copy / f"{file}.csv", line, text)
    datasets = list(Dataset.objects.values_list("pk", flat=True))

    with pytest.raises(RegionDataError) as raised:
        regions_import(data_dir=data_copy)

    assert f"{data_copy / file}.csv:{line}:" in str(raised.value)
    assert message in str(raised.value)
    assert _table_counts() == PACKAGE_COUNTS
    assert list(Dataset.objects.values_list("pk", flat=True)) == datasets


def test_a_missing_file_says_how_to_get_the_data(db: None, data_copy: Path) -> None:
    (data_copy / "districts.csv").unlink()
    with pytest.raises(RegionDataError, match=r"lacks districts\.csv\. Install the front-end packages"):
        regions_import(data_dir=data_copy)
    assert Dataset.objects.count() == 1


def test_a_file_with_only_its_header_is_refused(db: None, data_copy: Path) -> None:
    (data_copy / "villages.csv").write_text("code,district_code,name\n", encoding="utf-8")
    with pytest.raises(RegionDataError, match=r"villages\.csv: the file has a header but no rows\."):
        regions_import(data_dir=data_copy)
    assert _table_counts() == PACKAGE_COUNTS


def test_the_command_turns_a_data_error_into_a_command_error_naming_the_line(db: None, data_copy: Path) -> None:
    _replace_line(data_copy / "provinces.csv", 2, "11,")
    with pytest.raises(CommandError, match=r"provinces\.csv:2: the name is empty\."):
        call_command("import_regions", "--data-dir", str(data_copy), verbosity=0)
    assert Dataset.objects.count() == 1


def test_a_newer_release_updates_names_adds_codes_and_keeps_vanished_ones(db: None, data_copy: Path) -> None:
    villages = data_copy / "villages.csv"
    lines = villages.read_text(encoding="utf-8").splitlines()
    assert lines[1] == "11.01.01.2001,11.01.01,Keude Bakongan"
    # Renamed, one village dropped (the last line), one new village.
    lines[1] = "11.01.01.2001,11.01.01,Keude Bakongan Baru"
    dropped = lines.pop()
    lines.append("11.01.01.2999,11.01.01,Desa Pemekaran")
    villages.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = regions_import(data_dir=data_copy)

    assert result.created is True
    assert result.dataset.villages == 83762
    assert Dataset.objects.count() == 2
    assert Village.objects.get(code="11.01.01.2001").name == "Keude Bakongan Baru"
    assert Village.objects.get(code="11.01.01.2999").kind == VillageKind.DESA
    assert Village.objects.filter(code=dropped.split(",")[0]).exists()
    assert Village.objects.count() == 83763
