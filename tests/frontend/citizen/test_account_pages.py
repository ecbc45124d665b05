"""allauth's pages in Warga's layout and components, in Bahasa Indonesia, with the account menu."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from warga.accounts.models import User
from warga.data_rights.models import DataRequest, DataRequestStatus
from warga.data_rights.services import data_request_export_start

PUBLIC = "localhost"
ACCOUNT_MENU = ('href="/akun/data/"', 'href="/akun/email/"', 'href="/akun/2fa/"', 'href="/akun/sessions/"')


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/akun/login/", "Masuk"),
        ("/akun/signup/", "Daftar"),
        ("/akun/login/code/", "Kirim kode masuk kepada saya"),
        ("/akun/password/reset/", "Reset Kata Sandi"),
    ],
)
def test_the_entrance_pages_use_the_layout_in_indonesian(db: None, path: str, heading: str) -> None:
    page = Client().get(path, HTTP_HOST=PUBLIC).content.decode()
    assert 'class="site-header"' in page
    assert re.search(rf"<h1>\s*{heading}\s*</h1>", page)
    assert 'class="field' in page
    assert 'class="button' in page
    assert "<p><label" not in page  # not allauth's default as_p markup
    assert "Sign In" not in page


def test_a_failed_sign_in_shows_an_error_summary(db: None) -> None:
    response = Client().post(
        "/akun/login/", {"login": "tidak-ada@example.id", "password": "salah-salah-salah"}, HTTP_HOST=PUBLIC
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert "Ada yang perlu diperbaiki" in page


def test_a_sign_up_with_mismatched_passwords_marks_the_field(db: None) -> None:
    response = Client().post(
        "/akun/signup/",
        {"email": "baru@example.id", "password1": "kata-sandi-panjang-1", "password2": "kata-sandi-lain-2"},
        HTTP_HOST=PUBLIC,
    )
    page = response.content.decode()
    assert 'class="field field--error"' in page
    assert 'href="#id_password2"' in page
    assert User.objects.filter(email="baru@example.id").exists() is False


@pytest.mark.parametrize(
    "path", ["/akun/email/", "/akun/password/change/", "/akun/2fa/", "/akun/sessions/", "/akun/data/"]
)
def test_the_account_pages_share_the_account_menu(db: None, path: str) -> None:
    page = signed_in_client(UserFactory()).get(path, HTTP_HOST=PUBLIC).content.decode()
    for link in ACCOUNT_MENU:
        assert link in page
    assert f'href="{path}" aria-current="page"' in page
    assert "Data pribadi" in page


def test_a_refused_download_keeps_personal_data_the_current_tab(db: None) -> None:
    """POST /akun/data/unduh/ answered with the data page (429): its tab is still the current one."""
    user = UserFactory()
    asked = data_request_export_start(user=user)
    DataRequest.objects.filter(pk=asked.pk).update(status=DataRequestStatus.DONE, completed_at=timezone.now())
    response = signed_in_client(user).post("/akun/data/unduh/", HTTP_HOST=PUBLIC)
    assert response.status_code == 429
    menu = re.search(r'<nav class="account-nav".*?</nav>', response.content.decode(), re.DOTALL)
    assert menu is not None
    assert menu.group().count('aria-current="page"') == 1
    assert 'href="/akun/data/" aria-current="page"' in menu.group()
    assert DataRequest.objects.filter(user_id=user.pk).count() == 1
