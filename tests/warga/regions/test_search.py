"""Typo-tolerant village search (pg_trgm) over the real reference data."""

from __future__ import annotations

import pytest

from warga.regions.selectors import village_search


def test_a_typo_finds_the_real_village_with_its_full_path(db: None) -> None:
    matches = village_search(query="Cibeunyng")
    assert [(m.code, m.full_path, m.kind) for m in matches] == [
        ("32.04.06.1002", "Cibeunying, Cimenyan, Kabupaten Bandung, Jawa Barat", "kelurahan"),
        ("33.01.14.2003", "Cibeunying, Majenang, Kabupaten Cilacap, Jawa Tengah", "desa"),
    ]
    first = matches[0]
    assert (first.district_code, first.regency_code, first.province_code) == ("32.04.06", "32.04", "32")
    assert 0 < first.similarity < 1


def test_lower_case_query_finds_exact_names_first(db: None) -> None:
    matches = village_search(query="sukajadi", limit=50)
    assert len(matches) == 50
    assert matches[0].name == "Sukajadi"
    assert matches[0].similarity == 1.0
    exact = [m for m in matches if m.name == "Sukajadi"]
    # Exact names (all equally similar) come before longer names such as "Sukajadi Timur".
    assert matches[: len(exact)] == exact


def test_within_code_narrows_to_a_region(db: None) -> None:
    matches = village_search(query="sukajadi", within_code="16.07")
    assert [(m.code, m.full_path) for m in matches] == [
        ("16.07.10.1004", "Sukajadi, Talang Kelapa, Kabupaten Banyuasin, Sumatera Selatan"),
        ("16.07.10.1024", "Sukajadi Timur, Talang Kelapa, Kabupaten Banyuasin, Sumatera Selatan"),
    ]
    # Kota Bandung has a kecamatan called Sukajadi but no village of that name.
    assert village_search(query="sukajadi", within_code="32.73") == []
    assert [m.code for m in village_search(query="Cibeunying", within_code="33")] == ["33.01.14.2003"]


@pytest.mark.parametrize("query", ["", "  ", "ci", " Ci "])
def test_queries_shorter_than_three_characters_return_nothing(
    db: None, query: str, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert village_search(query=query) == []
