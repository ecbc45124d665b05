"""Region names from each process's copy: one query per level, forgotten on a write in the
process, re-read once older than the TTL, never a name another level holds."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from warga.errors import Defect
from warga.regions import selectors
from warga.regions.models import District, Province, Regency
from warga.regions.selectors import region_codes_inside, region_names
from warga.regions.services import regions_import


def test_names_are_read_once_per_level(db: None) -> None:
    with CaptureQueriesContext(connection) as first:
        names = region_names(level="regency", codes=["32.73", "31.71", "99.99"])
    with CaptureQueriesContext(connection) as again:
        assert region_names(level="regency", codes=["32.73"]) == {"32.73": names["32.73"]}
    assert set(names) == {"32.73", "31.71"}  # 99.99 is no region: left out
    assert [q["sql"] for q in first.captured_queries if "regions_regency" in q["sql"]] != []
    assert len([q for q in first.captured_queries if "regions_regency" in q["sql"]]) == 1
    assert again.captured_queries == []


def test_a_renamed_region_is_read_again_at_once(db: None) -> None:
    before = region_names(level="regency", codes=["32.73"])["32.73"]
    regency = Regency.objects.get(code="32.73")
    regency.name = "KOTA BANDUNG (BARU)"
    regency.save()
    assert before != "KOTA BANDUNG (BARU)"
    assert region_names(level="regency", codes=["32.73"]) == {"32.73": "KOTA BANDUNG (BARU)"}


def test_an_import_forgets_the_names(db: None) -> None:
    region_names(level="district", codes=["32.73.01"])
    District.objects.filter(code="32.73.01").update(name="RENAMED BY SQL")  # no signal
    assert region_names(level="district", codes=["32.73.01"])["32.73.01"] != "RENAMED BY SQL"
    regions_import(data_dir=settings.WARGA_REGION_DATA_DIR, force=True)
    # The import wrote the package's name back and forgot the copy: the name read is the package's.
    assert region_names(level="district", codes=["32.73.01"])["32.73.01"] != "RENAMED BY SQL"
    assert District.objects.get(code="32.73.01").name == region_names(level="district", codes=["32.73.01"])["32.73.01"]


def test_another_process_write_is_seen_after_the_ttl(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    region_names(level="province", codes=["32"])
    Province.objects.filter(code="32").update(name="JAWA BARAT (BARU)")  # as another process would: no signal here
    clock[0] += selectors.REGION_NAMES_TTL_SECONDS - 1
    assert region_names(level="province", codes=["32"]) != {"32": "JAWA BARAT (BARU)"}
    clock[0] += 2
    assert region_names(level="province", codes=["32"]) == {"32": "JAWA BARAT (BARU)"}


def test_codes_inside_a_region_are_its_own(db: None) -> None:
    inside = region_codes_inside(level="district", parent_code="32.73")
    assert inside == sorted(District.objects.filter(code__startswith="32.73.").values_list("code", flat=True))
    assert inside
    assert all(code.startswith("32.73.") for code in inside)
    # 32.7 is not a prefix of 32.73's kecamatan: codes nest by whole segments.
    assert region_codes_inside(level="district", parent_code="32.7") == []


def test_an_unknown_level_is_refused(db: None) -> None:
    with pytest.raises(Defect, match="not 'village'"):
        region_names(level="village", codes=["32.73.01.1001"])
