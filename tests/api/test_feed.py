from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import BANDUNG_POINT, submit

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
LAT, LON = BANDUNG_POINT
BBOX = f"{LAT - 0.05},{LON - 0.05},{LAT + 0.05},{LON + 0.05}"


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings: Any) -> None:
    settings.WARGA_INTAKE_RATE_LIMITS = ((3600, 1000),)


def _get(query: str, host: str = PUBLIC) -> Any:
    return Client().get(f"/api/v1/feed/?{query}", HTTP_HOST=host)


def test_anyone_reads_the_feed_without_signing_in_and_sees_nothing_personal(bandung: Government) -> None:
    reporter = UserFactory(full_name="Siti Pelapor", email="siti@example.id")
    publik = submit(reporter, privacy="publik")
    anonim = submit(reporter, privacy="anonim")
    submit(reporter, privacy="rahasia")

    response = _get(f"bbox={BBOX}")

    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    assert [item["tracking_number"] for item in body["results"]] == [anonim.tracking_number, publik.tracking_number]
    assert body["results"][1] == {
        "tracking_number": publik.tracking_number,
        "government_code": "32.73",
        "type": "pengaduan",
        "category_code": "jalan_rusak",
        "privacy": "publik",
        "status": "received",
        "latitude": LAT,
        "longitude": LON,
        "created_at": body["results"][1]["created_at"],
    }
    text = response.content.decode()
    for personal in ("Siti", "siti@example.id", str(reporter.pk), "berlubang"):
        assert personal not in text


def test_pages_follow_the_cursor(bandung: Government) -> None:
    reporter = UserFactory()
    numbers = [submit(reporter).tracking_number for _ in range(5)][::-1]
    first = _get(f"bbox={BBOX}&limit=2").json()
    second = _get(f"bbox={BBOX}&limit=2&cursor={first['next_cursor']}").json()
    third = _get(f"bbox={BBOX}&limit=2&cursor={second['next_cursor']}").json()
    assert [i["tracking_number"] for i in first["results"] + second["results"] + third["results"]] == numbers
    assert third["next_cursor"] is None


def test_status_filter_through_the_api(bandung: Government) -> None:
    submit(UserFactory())
    assert _get(f"bbox={BBOX}&status=archived").json()["results"] == []
    assert len(_get(f"bbox={BBOX}&status=received,verified").json()["results"]) == 1


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("", "bbox", "Bidang ini harus diisi."),
        ("bbox=1,2,3", "bbox", "bbox berisi empat angka dipisah koma: selatan,barat,utara,timur"),
        ("bbox=a,b,c,d", "bbox", "bbox berisi empat angka dipisah koma: selatan,barat,utara,timur"),
        ("bbox=-9,100,-1,110", "bbox", "Area bbox terlalu luas: paling besar 2 derajat per sisi."),
        ("bbox=-6.8,107.5,-6.9,107.6", "bbox", "Urutan bbox adalah selatan,barat,utara,timur"),
        (f"bbox={BBOX}&cursor=xyz", "cursor", "Kursor halaman tidak dikenali."),
        (f"bbox={BBOX}&status=terbuka", "status", "Status tidak dikenal: terbuka."),
        (f"bbox={BBOX}&limit=500", "limit", "Isi bidang ini harus kurang atau sama dengan 100."),
    ],
)
def test_bad_requests_are_400_with_a_field_message(db: None, query: str, field: str, message: str) -> None:
    response = _get(query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert error["fields"][field][0]["message"].startswith(message)


def test_the_feed_is_not_served_on_a_government_host(bandung: Government) -> None:
    submit(UserFactory())
    response = _get(f"bbox={BBOX}", host=BANDUNG_HOST)
    assert response.status_code == 404
    assert "Tersedia di aplikasi warga" in response.json()["error"]["message"]


def test_a_box_holding_more_than_a_page_answers_counts_per_grid_cell(bandung: Government) -> None:
    reporter = UserFactory()
    for offset in (0.0, 0.001, 0.002):
        submit(reporter, latitude=LAT + offset, longitude=LON + offset)
    submit(reporter, privacy="rahasia")
    submit(reporter, category_code="sampah")

    body = _get(f"bbox={BBOX}&grid=true&limit=2").json()

    assert body["kind"] == "grid"
    assert body["results"] == []
    assert body["total"] == 4
    assert sum(cell["count"] for cell in body["cells"]) == 4
    size = body["cell_degrees"]
    assert size == 2**-6  # 0.1 degree / 12 cells, rounded up to a power of two
    for cell in body["cells"]:
        assert cell["south"] <= cell["latitude"] <= cell["north"]
        assert cell["west"] <= cell["longitude"] <= cell["east"]
        assert cell["north"] - cell["south"] == size


def test_a_box_holding_one_page_answers_the_reports_even_when_a_grid_is_asked(bandung: Government) -> None:
    reporter = UserFactory()
    numbers = [submit(reporter).tracking_number for _ in range(2)][::-1]
    body = _get(f"bbox={BBOX}&grid=true&limit=2").json()
    assert body["kind"] == "reports"
    assert [item["tracking_number"] for item in body["results"]] == numbers


def test_the_category_filter_keeps_only_those_categories(bandung: Government) -> None:
    reporter = UserFactory()
    sampah = submit(reporter, category_code="sampah")
    submit(reporter)
    body = _get(f"bbox={BBOX}&category=sampah").json()
    assert [item["tracking_number"] for item in body["results"]] == [sampah.tracking_number]
    assert _get(f"bbox={BBOX}&category=sampah,jalan_rusak&grid=1&limit=1").json()["total"] == 2


def test_grid_with_a_cursor_is_refused(db: None) -> None:
    response = _get(f"bbox={BBOX}&grid=true&cursor=abc")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["grid"]
