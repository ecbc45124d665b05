"""GET /api/v1/regions/villages/: the official village list searched by typing (the report
wizard's place step), with the villages of earlier reports near a point offered first."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE, JAKARTA_POINT, JAKARTA_VILLAGE, submit

URL = "/api/v1/regions/villages/"
PUBLIC_HOST = "localhost"


def _get(**params: Any) -> Any:
    return Client().get(URL, params, HTTP_HOST=PUBLIC_HOST)


def _field_messages(answer: Any, field: str) -> list[str]:
    return [item["message"] for item in answer.json()["error"]["fields"][field]]


@pytest.mark.django_db
def test_a_village_is_found_by_a_misspelt_name_with_its_kecamatan_and_city() -> None:
    answer = _get(q="Sukarasaa", within="32.73")
    assert answer.status_code == 200
    first = answer.json()[0]
    assert first == {
        "code": BANDUNG_VILLAGE,
        "name": first["name"],
        "kind": first["kind"],
        "district_code": "32.73.01",
        "district_name": first["district_name"],
        "regency_code": "32.73",
        "regency_name": first["regency_name"],
        "province_code": "32",
        "province_name": first["province_name"],
        "near": False,
    }
    assert first["name"].lower() == "sukarasa"
    assert first["district_name"].lower() == "sukasari"
    assert "bandung" in first["regency_name"].lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "q", "Ketik paling sedikit 3 huruf nama kelurahan/desa."),
        ({"q": "  "}, "q", "Ketik paling sedikit 3 huruf nama kelurahan/desa."),
        ({"q": "ab"}, "q", "Ketik paling sedikit 3 huruf nama kelurahan/desa."),
        ({"q": "x" * 81}, "q", "Nama kelurahan/desa paling panjang 80 huruf."),
        ({"q": "Gambir", "limit": "21"}, "limit", "Jumlah hasil paling banyak 20."),
        ({"q": "Gambir", "limit": "0"}, "limit", "Jumlah hasil paling sedikit 1."),
        ({"q": "Gambir", "limit": "banyak"}, "limit", "Jumlah hasil harus angka."),
        ({"q": "Gambir", "within": "32.7"}, "within", "Kode wilayah harus seperti 32, 32.73 atau 32.73.01."),
    ],
)
def test_bad_input_is_refused_with_a_message_for_its_field(params: dict[str, str], field: str, message: str) -> None:
    answer = _get(**params)
    assert answer.status_code == 400
    assert _field_messages(answer, field) == [message]


@pytest.mark.django_db
def test_the_limit_caps_the_answer() -> None:
    assert len(_get(q="Sukamaju", limit=3).json()) == 3
    assert len(_get(q="Sukamaju", limit=20).json()) == 20
    assert len(_get(q="Sukamaju").json()) == 10


@pytest.mark.django_db
def test_within_narrows_to_a_region() -> None:
    codes = [village["code"] for village in _get(q="Sukamaju", within="32.73", limit=20).json()]
    assert codes
    assert all(code.startswith("32.73.") for code in codes)


def test_the_village_of_an_earlier_report_near_the_pin_comes_first(bandung: Government) -> None:
    reporter = UserFactory()
    submit(reporter, village_code=BANDUNG_VILLAGE)
    near = _get(q="Suka", limit=20, latitude=BANDUNG_POINT[0] + 0.001, longitude=BANDUNG_POINT[1]).json()
    assert near[0]["code"] == BANDUNG_VILLAGE
    assert near[0]["near"] is True
    assert [v["near"] for v in near[1:]] == [False] * (len(near) - 1)
    assert len(near) == 20
    # Far away, nothing is "near".
    far = _get(q="Suka", limit=20, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]).json()
    assert not any(v["near"] for v in far)


def test_a_rahasia_report_never_makes_its_village_a_suggestion(jakarta: Government) -> None:
    """A confidential report's place is never public, not even as a suggested village."""
    submit(
        UserFactory(),
        village_code=JAKARTA_VILLAGE,
        latitude=JAKARTA_POINT[0],
        longitude=JAKARTA_POINT[1],
        privacy="rahasia",
    )
    answer = _get(q="Gambir", latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]).json()
    assert answer
    assert not any(v["near"] for v in answer)


def test_the_list_answers_on_a_government_host_too(bandung: Government) -> None:
    answer = Client().get(URL, {"q": "Sukarasa", "within": "32.73"}, HTTP_HOST="kota-bandung.localhost")
    assert answer.status_code == 200
    assert answer.json()[0]["code"] == BANDUNG_VILLAGE
