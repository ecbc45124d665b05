"""The privacy notice on every host and the data-rights page on the central host."""

from __future__ import annotations

import io
import zipfile

from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.personas import PASSWORD, verified_user
from warga.accounts.models import User
from warga.data_rights.models import DataRequest
from warga.data_rights.services import data_request_run
from warga.privacy.services import privacy_settings_update


def test_the_public_host_names_the_platform_as_controller(db: None) -> None:
    page = Client().get("/privasi/", HTTP_HOST="localhost")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<p class="pengendali">Penyelenggara Platform Warga</p>' in html
    assert "mailto:ppdp@localhost" in html
    assert "Pasal 20 ayat (2) huruf e" in html


def test_each_government_names_itself_and_its_own_dpo(bandung: Government, jakarta: Government) -> None:
    with government_context(bandung):
        privacy_settings_update(dpo_name="Ir. Sari Dewi", dpo_email="ppdp@bandung.go.id", retention_days=365)

    html = Client().get("/privasi/", HTTP_HOST="kota-bandung.localhost").content.decode()
    assert '<p class="pengendali">Kota Bandung</p>' in html
    assert "Ir. Sari Dewi" in html
    assert "mailto:ppdp@bandung.go.id" in html
    assert "setelah 365 hari" in html

    other = Client().get("/privasi/", HTTP_HOST="dki-jakarta.localhost").content.decode()
    assert f'<p class="pengendali">{jakarta.name}</p>' in other
    assert "Sari Dewi" not in other
    assert "bandung.go.id" not in other
    assert "belum menetapkan kontak PPDP" in other
    assert "setelah 730 hari" in other


def test_privacy_settings_are_validated_and_kept_single(bandung: Government) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    from warga.privacy.models import PrivacySettings

    with government_context(bandung):
        with pytest.raises(ValidationError):
            privacy_settings_update(dpo_name="X", dpo_email="bukan-email")
        privacy_settings_update(dpo_name="A", dpo_email="a@bandung.go.id")
        privacy_settings_update(dpo_name="B", dpo_email="b@bandung.go.id")
        assert list(PrivacySettings.objects.values_list("dpo_name", flat=True)) == ["B"]


def _signed_in(user: User) -> Client:
    browser = Client()
    assert (
        browser.post("/akun/login/", {"login": user.email, "password": PASSWORD}, HTTP_HOST="localhost").status_code
        == 302
    )
    return browser


def test_a_citizen_downloads_their_data_as_a_zip(db: None) -> None:
    citizen = verified_user("unduh@example.id")
    browser = _signed_in(citizen)
    assert browser.get("/akun/data/", HTTP_HOST="localhost").status_code == 200
    asked = browser.post("/akun/data/unduh/", HTTP_HOST="localhost")
    assert asked["Location"] == "/akun/data/"
    request = DataRequest.objects.get()
    data_request_run(request_id=request.pk)  # what the task does
    page = browser.get("/akun/data/", HTTP_HOST="localhost").content.decode()
    assert "Unduh data pribadi · diminta" in page
    assert "selesai" in page
    response = browser.get(f"/akun/data/unduh/{request.pk}/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="warga-data-pribadi.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert b"unduh@example.id" in archive.read("data-pribadi.json")


def test_anonymous_visitors_are_asked_to_sign_in(db: None) -> None:
    response = Client().get("/akun/data/", HTTP_HOST="localhost")
    assert response["Location"] == "/akun/login/?next=/akun/data/"
    assert Client().post("/akun/data/unduh/", HTTP_HOST="localhost").status_code == 302
    assert DataRequest.objects.count() == 0


def test_deleting_needs_the_password_again_and_the_typed_confirmation(db: None) -> None:
    citizen = verified_user("hapus@example.id")
    browser = _signed_in(citizen)
    first = browser.post("/akun/data/hapus/", {"konfirmasi": "HAPUS"}, HTTP_HOST="localhost")
    assert first["Location"] == "/akun/reauthenticate/?next=%2Fakun%2Fdata%2Fhapus%2F"
    assert User.objects.filter(pk=citizen.pk).exists()
    assert browser.post("/akun/reauthenticate/", {"password": PASSWORD}, HTTP_HOST="localhost").status_code == 302

    wrong = browser.post("/akun/data/hapus/", {"konfirmasi": "ya"}, HTTP_HOST="localhost")
    assert wrong["Location"] == "/akun/data/"
    assert User.objects.filter(pk=citizen.pk).exists()
    assert DataRequest.objects.count() == 0

    done = browser.post("/akun/data/hapus/", {"konfirmasi": "HAPUS"}, HTTP_HOST="localhost")
    assert done["Location"] == "/akun/data/dihapus/"
    assert "_auth_user_id" not in browser.session
    # Closed at once; erased by the task (tests/warga/data_rights/test_data_requests.py).
    assert User.objects.get(pk=citizen.pk).is_active is False
    request = DataRequest.objects.get()
    assert (request.kind, request.status) == ("delete", "pending")
    confirmation = browser.get(done["Location"], HTTP_HOST="localhost")
    assert confirmation.status_code == 200
    assert "Akun Anda sudah dinonaktifkan dan keluar dari semua perangkat" in confirmation.content.decode()


def test_a_session_without_recent_password_cannot_delete(db: None) -> None:
    citizen = verified_user("lama@example.id")
    browser = Client()
    browser.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    response = browser.post("/akun/data/hapus/", {"konfirmasi": "HAPUS"}, HTTP_HOST="localhost")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/reauthenticate/")
    assert User.objects.filter(pk=citizen.pk).exists()
