"""The map page without JavaScript (a list with filters, or the densest cells) and My reports."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.warga.reports.helpers import BANDUNG_POINT, JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.accounts.models import User

PUBLIC = "localhost"
LAT, LON = BANDUNG_POINT
BBOX = f"{LAT - 0.05},{LON - 0.05},{LAT + 0.05},{LON + 0.05}"


@pytest.fixture
def reporter(db: None) -> User:
    return UserFactory()


def _map(query: dict[str, str]) -> tuple[int, str]:
    response = Client().get("/peta/", query, HTTP_HOST=PUBLIC)
    return response.status_code, response.content.decode()


def test_the_map_lists_public_reports_in_the_box_without_javascript(bandung: Government, reporter: User) -> None:
    publik = submit(reporter).tracking_number
    rahasia = submit(reporter, privacy="rahasia").tracking_number
    sampah = submit(reporter, category_code="sampah").tracking_number

    status, page = _map({"bbox": BBOX})
    assert status == 200
    assert f'href="/laporan/{publik}/"' in page
    assert f'href="/laporan/{sampah}/"' in page
    assert rahasia not in page

    page = _map({"bbox": BBOX, "kategori": "sampah"})[1]
    assert f'href="/laporan/{sampah}/"' in page
    assert publik not in page

    assert "Tidak ada laporan" in _map({"bbox": BBOX, "status": "selesai"})[1]


def test_a_dense_box_shows_its_densest_cells_as_smaller_areas(bandung: Government, reporter: User) -> None:
    for _ in range(51):
        submit(reporter)
    page = _map({"bbox": BBOX})[1]
    assert "51 laporan di area ini" in page
    assert "51 laporan di sekitar -6.872, 107.580" in page
    assert 'href="?bbox=' in page


def test_a_bad_box_or_category_falls_back_with_a_message(db: None) -> None:
    status, page = _map({"bbox": "x", "kategori": "tidak-ada"})
    assert status == 200
    assert "Area peta tidak dikenali" in page
    assert "Kategori itu tidak ada" in page
    status, page = _map({"bbox": "-9,100,-1,110"})
    assert status == 200
    assert "Area bbox terlalu luas" in page


def test_my_reports_lists_every_government_newest_first(
    bandung: Government, jakarta: Government, reporter: User
) -> None:
    first = submit(reporter).tracking_number
    second = submit(
        reporter, village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
    ).tracking_number
    other = submit(UserFactory()).tracking_number

    response = signed_in_client(reporter).get("/laporan-saya/", HTTP_HOST=PUBLIC)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(second) < page.index(first)
    assert "DKI Jakarta" in page
    assert "Kota Bandung" in page
    assert 'class="badge badge--info">Diterima' in page
    assert other not in page


def test_my_reports_needs_sign_in(db: None) -> None:
    response = Client().get("/laporan-saya/", HTTP_HOST=PUBLIC)
    assert response.status_code == 302
    assert response["Location"] == "/akun/login/?next=/laporan-saya/"


def test_the_menu_reaches_my_reports_notifications_and_account(reporter: User) -> None:
    page = signed_in_client(reporter).get("/peta/", HTTP_HOST=PUBLIC).content.decode()
    for link in ('href="/laporan-saya/"', 'href="/notifikasi/"', 'href="/akun/data/"', 'href="/lapor/"'):
        assert link in page
