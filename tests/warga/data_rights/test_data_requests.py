"""Data requests carried out by a task: queued after commit, done one government at a time,
resumable, idempotent; exports downloadable by their owner only, for a limited time; deletions
close the account at once.

The task's service function (`data_request_run`) runs here inside the test's transaction;
tests/worker/test_personal_data_task.py runs it through a real worker.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import timezone

from tenants.context import current_schema, government_context
from tenants.models import Government
from tenants.selectors import governments_ready
from tests.personas import PASSWORD, membership_in, verified_user
from tests.unchanged import assert_nothing_changed
from warga import personal_data_registry as registry
from warga.accounts.models import User
from warga.data_rights.models import DataRequest, DataRequestPart
from warga.data_rights.services import (
    EXPORT_FOLDER,
    account_delete_start,
    data_request_export_start,
    data_request_fail,
    data_request_run,
    data_requests_maintain,
)
from warga.data_rights.tasks import data_request_run_task
from warga.organization.models import Membership

CENTRAL = "localhost"


def _signed_in(user: User) -> Client:
    browser = Client()
    response = browser.post("/akun/login/", {"login": user.email, "password": PASSWORD}, HTTP_HOST=CENTRAL)
    assert response.status_code == 302
    return browser


def _ready_count() -> int:
    return governments_ready().count()


def _zip_data(request: DataRequest) -> dict[str, Any]:
    with default_storage.open(request.export_file, "rb") as stored:
        return dict(json.loads(zipfile.ZipFile(io.BytesIO(stored.read())).read("data-pribadi.json")))


def _task_sends(callbacks: list[Callable[[], Any]], monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Run captured on-commit callbacks with the broker replaced, returning what was sent."""
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        data_request_run_task, "apply_async", lambda kwargs, headers, **options: sent.append(kwargs | headers)
    )
    for callback in callbacks:
        callback()
    return sent


# --- Export ---------------------------------------------------------------------------------------


def test_an_export_request_is_queued_after_commit_and_asked_once(
    bandung: Government, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = verified_user("antri@example.id")
    with django_capture_on_commit_callbacks() as callbacks:
        first = data_request_export_start(user=citizen)
        again = data_request_export_start(user=citizen)
    assert again.pk == first.pk
    assert (first.status, first.completed_at, first.export_file) == ("pending", None, "")
    # Sent once, into the public schema the request was made in.
    assert _task_sends(callbacks, monkeypatch) == [{"request_id": first.pk, "_schema_name": "public"}]


def test_the_task_writes_the_zip_under_a_random_name_kept_seven_days(bandung: Government, jakarta: Government) -> None:
    citizen = verified_user("zip@example.id")
    membership_in(bandung, citizen, kind="lurah")
    before = timezone.now()
    done = data_request_run(request_id=data_request_export_start(user=citizen).pk)

    assert done is not None
    assert done.status == "done"
    assert done.completed_at is not None
    assert done.completed_at >= before
    assert done.export_file.startswith(f"{EXPORT_FOLDER}/")
    assert done.export_file.endswith(".zip")
    assert len(os.path.basename(done.export_file)) >= 30  # 24 random bytes, not guessable
    assert "zip@example.id" not in done.export_file
    assert str(citizen.pk) not in done.export_file
    assert done.export_expires_at == done.completed_at + datetime.timedelta(days=7)
    assert _zip_data(done)["akun"]["accounts.user"]["email"] == "zip@example.id"
    # Every ready government was visited once; the parts no longer hold the data.
    assert done.governments_total == _ready_count()
    assert DataRequestPart.objects.filter(request=done).count() == _ready_count()
    assert not DataRequestPart.objects.filter(request=done, data__isnull=False).exists()


def test_running_a_finished_request_again_changes_nothing(bandung: Government) -> None:
    citizen = verified_user("dua-kali@example.id")
    done = data_request_run(request_id=data_request_export_start(user=citizen).pk)
    assert done is not None
    again = data_request_run(request_id=done.pk)
    assert again is not None
    assert (again.export_file, again.completed_at) == (done.export_file, done.completed_at)
    assert default_storage.listdir(EXPORT_FOLDER)[1] == [os.path.basename(done.export_file)]
    assert data_request_run(request_id=done.pk + 10_000) is None


def _counting_contributor(monkeypatch: pytest.MonkeyPatch, *, fail_in: str | None) -> dict[str, int]:
    """A tenant contributor that counts its calls per schema and breaks in `fail_in`."""
    calls: dict[str, int] = {}

    def erase(user_id: uuid.UUID) -> int:
        schema = current_schema()
        calls[schema] = calls.get(schema, 0) + 1
        if schema == fail_in:
            raise ConnectionError("basis data pemerintah ini tidak menjawab")
        return 0

    contributor = registry.Contributor("uji.hitung", "tenant", lambda user_id: {}, erase)
    monkeypatch.setitem(registry._contributors, "uji.hitung", contributor)
    return calls


def test_a_deletion_stopped_halfway_resumes_without_redoing_a_government(
    bandung: Government, jakarta: Government, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = verified_user("berhenti@example.id")
    membership_in(bandung, person)
    membership_in(jakarta, person)
    request = account_delete_start(user=person)
    # Governments are visited in code order: 31 (Jakarta), 32.73 (Bandung), then the national one.
    calls = _counting_contributor(monkeypatch, fail_in=bandung.schema_name)

    with pytest.raises(ConnectionError):
        data_request_run(request_id=request.pk)

    request.refresh_from_db()
    assert (request.status, request.completed_at) == ("running", None)
    assert calls == {jakarta.schema_name: 1, bandung.schema_name: 1}
    assert list(DataRequestPart.objects.filter(request=request).values_list("government__code", flat=True)) == ["31"]
    assert User.objects.filter(pk=person.pk).exists()  # the account goes last
    with government_context(jakarta):  # Jakarta's erasure was kept with its part
        assert not Membership.objects.filter(user_id=person.pk).exists()
    with government_context(bandung):  # Bandung's was undone with the failure
        assert Membership.objects.filter(user_id=person.pk).exists()

    resumed = _counting_contributor(monkeypatch, fail_in=None)
    done = data_request_run(request_id=request.pk)

    assert done is not None
    assert done.status == "done"
    assert jakarta.schema_name not in resumed  # not done again
    assert resumed[bandung.schema_name] == 1
    assert sum(resumed.values()) == _ready_count() - 1
    with government_context(bandung):
        assert not Membership.objects.filter(user_id=person.pk).exists()
    assert not User.objects.filter(pk=person.pk).exists()


def test_a_failed_request_shows_as_failed_until_it_is_done(bandung: Government) -> None:
    citizen = verified_user("gagal@example.id")
    request = data_request_export_start(user=citizen)
    data_request_fail(request_id=request.pk)
    browser = _signed_in(citizen)
    page = browser.get("/akun/data/", HTTP_HOST=CENTRAL).content.decode()
    assert '<span class="status status-failed">Gagal (akan dicoba lagi)</span>' in page

    done = data_request_run(request_id=request.pk)
    assert done is not None
    assert done.status == "done"
    data_request_fail(request_id=request.pk)  # too late: a finished request stays finished
    request.refresh_from_db()
    assert request.status == "done"


# --- The account page -------------------------------------------------------------------------------


def test_the_page_shows_waiting_progress_and_the_download(bandung: Government, jakarta: Government) -> None:
    citizen = verified_user("halaman@example.id")
    browser = _signed_in(citizen)

    asked = browser.post("/akun/data/unduh/", HTTP_HOST=CENTRAL)
    assert asked["Location"] == "/akun/data/"
    request = DataRequest.objects.get(user_id=citizen.pk)
    page = browser.get("/akun/data/", HTTP_HOST=CENTRAL).content.decode()
    assert "Permintaan unduh data diterima." in page
    assert '<span class="status status-pending">Menunggu diproses</span>' in page
    assert '<a href="/akun/data/#riwayat">Perbarui status</a>' in page

    # Halfway: one government done.
    DataRequest.objects.filter(pk=request.pk).update(status="running", governments_total=3)
    DataRequestPart.objects.create(request=request, government=jakarta, done_at=timezone.now())
    page = browser.get("/akun/data/", HTTP_HOST=CENTRAL).content.decode()
    assert '<span class="status status-running">Sedang diproses</span> (1 dari 3 pemerintah daerah)' in page

    done = data_request_run(request_id=request.pk)
    assert done is not None
    page = browser.get("/akun/data/", HTTP_HOST=CENTRAL).content.decode()
    assert f'<a href="/akun/data/unduh/{request.pk}/" download>Unduh ZIP</a>' in page

    download = browser.get(f"/akun/data/unduh/{request.pk}/", HTTP_HOST=CENTRAL)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == 'attachment; filename="warga-data-pribadi.zip"'
    assert download["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    assert json.loads(archive.read("data-pribadi.json"))["akun"]["accounts.user"]["email"] == "halaman@example.id"


def test_only_the_owner_downloads_and_only_while_it_is_kept(bandung: Government) -> None:
    owner = verified_user("pemilik@example.id")
    done = data_request_run(request_id=data_request_export_start(user=owner).pk)
    assert done is not None
    path = f"/akun/data/unduh/{done.pk}/"

    other = _signed_in(verified_user("orang-lain@example.id"))
    with assert_nothing_changed(bandung):
        refused = other.get(path, HTTP_HOST=CENTRAL)
    assert refused.status_code == 404
    assert b"pemilik@example.id" not in refused.content
    assert Client().get(path, HTTP_HOST=CENTRAL)["Location"] == f"/akun/login/?next={path}"
    # A government host serves no account page: it sends the browser to the central host.
    elsewhere = _signed_in(owner).get(path, HTTP_HOST="kota-bandung.localhost")
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, f"http://localhost{path}")

    owner_browser = _signed_in(owner)
    served = owner_browser.get(path, HTTP_HOST=CENTRAL)
    assert b"".join(served.streaming_content)  # type: ignore[attr-defined]  # read to the end: closes the file
    assert served.status_code == 200
    DataRequest.objects.filter(pk=done.pk).update(export_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert owner_browser.get(path, HTTP_HOST=CENTRAL).status_code == 404
    page = owner_browser.get("/akun/data/", HTTP_HOST=CENTRAL).content.decode()
    assert "berkas sudah dihapus" in page
    assert path not in page


def test_the_daily_maintenance_deletes_old_exports_and_resends_lost_requests(
    bandung: Government, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now()
    old = data_request_run(request_id=data_request_export_start(user=verified_user("lama@example.id")).pk)
    fresh = data_request_run(request_id=data_request_export_start(user=verified_user("baru@example.id")).pk)
    assert old is not None
    assert fresh is not None
    DataRequest.objects.filter(pk=old.pk).update(export_expires_at=now - datetime.timedelta(minutes=1))
    orphan = default_storage.save(f"{EXPORT_FOLDER}/yatim.zip", ContentFile(b"sisa"))
    young_orphan = default_storage.save(f"{EXPORT_FOLDER}/sedang-dicatat.zip", ContentFile(b"baru"))
    two_hours_ago = (now - datetime.timedelta(hours=2)).timestamp()
    os.utime(default_storage.path(orphan), (two_hours_ago, two_hours_ago))
    lost = data_request_export_start(user=verified_user("hilang@example.id"))
    DataRequest.objects.filter(pk=lost.pk).update(requested_at=now - datetime.timedelta(hours=2))
    just_asked = data_request_export_start(user=verified_user("barusan@example.id"))

    with django_capture_on_commit_callbacks() as callbacks:
        result = data_requests_maintain(now=now)

    assert (result.exports_deleted, result.files_orphaned, result.requests_resent) == (1, 1, 1)
    assert not default_storage.exists(old.export_file)
    assert not default_storage.exists(orphan)
    assert default_storage.exists(young_orphan)
    assert default_storage.exists(fresh.export_file)
    assert DataRequest.objects.get(pk=old.pk).export_file == ""
    sent = _task_sends(callbacks, monkeypatch)
    assert sent == [{"request_id": lost.pk, "_schema_name": "public"}]
    assert just_asked.pk not in [item["request_id"] for item in sent]


# --- Deletion -----------------------------------------------------------------------------------------


def test_deleting_closes_the_account_everywhere_before_the_task_runs(
    bandung: Government, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = verified_user("tutup@example.id")
    phone_browser, laptop_browser = _signed_in(person), _signed_in(person)
    assert laptop_browser.post("/akun/reauthenticate/", {"password": PASSWORD}, HTTP_HOST=CENTRAL).status_code == 302

    with django_capture_on_commit_callbacks() as callbacks:
        done = laptop_browser.post("/akun/data/hapus/", {"konfirmasi": "HAPUS"}, HTTP_HOST=CENTRAL)

    assert done["Location"] == "/akun/data/dihapus/"
    # The account still exists (the task erases it) but can do nothing any more.
    person.refresh_from_db()
    assert person.is_active is False
    for browser in (phone_browser, laptop_browser):
        assert browser.get("/akun/data/", HTTP_HOST=CENTRAL)["Location"] == "/akun/login/?next=/akun/data/"
    request = DataRequest.objects.get(user_id=person.pk)
    assert (request.kind, request.status, request.completed_at) == ("delete", "pending", None)
    assert _task_sends(callbacks, monkeypatch) == [{"request_id": request.pk, "_schema_name": "public"}]

    finished = data_request_run(request_id=request.pk)
    assert finished is not None
    assert finished.status == "done"
    assert not User.objects.filter(pk=person.pk).exists()


def test_an_inactive_account_cannot_sign_in_again(bandung: Government) -> None:
    person = verified_user("tidak-aktif@example.id")
    account_delete_start(user=person)
    browser = Client()
    browser.post("/akun/login/", {"login": person.email, "password": PASSWORD}, HTTP_HOST=CENTRAL)
    assert "_auth_user_id" not in browser.session


def test_deleting_removes_earlier_exports_and_answers_open_ones(
    bandung: Government, django_capture_on_commit_callbacks: Any
) -> None:
    person = verified_user("bersih@example.id")
    exported = data_request_run(request_id=data_request_export_start(user=person).pk)
    assert exported is not None
    assert default_storage.exists(exported.export_file)
    DataRequest.objects.filter(pk=exported.pk).update(completed_at=None, status="running")
    waiting = data_request_export_start(user=person)  # the first is "open" again: same request
    assert waiting.pk == exported.pk
    # A day later (one export a day per account), another export is asked for.
    DataRequest.objects.filter(pk=exported.pk).update(
        completed_at=exported.completed_at,
        status="done",
        requested_at=exported.requested_at - datetime.timedelta(hours=25),
    )
    waiting = data_request_export_start(user=person)
    assert waiting.pk != exported.pk

    with django_capture_on_commit_callbacks(execute=True):
        deletion = data_request_run(request_id=account_delete_start(user=person).pk)

    assert deletion is not None
    assert deletion.status == "done"
    assert not default_storage.exists(exported.export_file)
    assert default_storage.listdir(EXPORT_FOLDER)[1] == []
    logged = DataRequest.objects.filter(pk__in=[exported.pk, waiting.pk, deletion.pk]).order_by("pk")
    assert [(r.kind, r.status, r.user_id, r.export_file) for r in logged] == [
        ("export", "done", None, ""),
        ("export", "done", None, ""),
        ("delete", "done", None, ""),
    ]
    # The export that was still waiting finds nobody to export.
    assert data_request_run(request_id=waiting.pk) is not None


# --- Google accounts (allauth socialaccount) ------------------------------------------------------------


def test_google_sign_in_is_listed_in_the_export_without_tokens_and_erased(bandung: Government) -> None:
    person = verified_user("google@example.id")
    linked = SocialAccount.objects.create(
        user=person,
        provider="google",
        uid="108234567890123456789",
        extra_data={"email": "google@example.id", "name": "Dewi Lestari", "picture": "https://foto.example/dewi"},
    )
    app = SocialApp.objects.create(provider="google", name="Google", client_id="klien", secret="rahasia-aplikasi")
    SocialToken.objects.create(app=app, account=linked, token="ya29.token-akses-rahasia", token_secret="segar-rahasia")
    someone_else = SocialAccount.objects.create(
        user=verified_user("lain@example.id"), provider="google", uid="109999999999999999999"
    )

    exported = data_request_run(request_id=data_request_export_start(user=person).pk)
    assert exported is not None
    data = _zip_data(exported)
    listed = data["akun"]["allauth.socialaccount"]["akun_luar"]
    assert [(item["penyedia"], item["uid"]) for item in listed] == [("google", "108234567890123456789")]
    assert sorted(listed[0]) == ["penyedia", "terakhir_masuk", "tersambung_pada", "uid"]
    assert listed[0]["tersambung_pada"] == DjangoJSONEncoder().default(linked.date_joined)
    text = json.dumps(data)
    for secret in ("ya29.token-akses-rahasia", "segar-rahasia", "rahasia-aplikasi", "Dewi Lestari", "109999999"):
        assert secret not in text

    deletion = data_request_run(request_id=account_delete_start(user=person).pk)
    assert deletion is not None
    assert deletion.status == "done"
    assert not SocialAccount.objects.filter(uid="108234567890123456789").exists()
    assert not SocialToken.objects.filter(token="ya29.token-akses-rahasia").exists()
    assert SocialAccount.objects.filter(pk=someone_else.pk).exists()
    assert SocialApp.objects.filter(pk=app.pk).exists()  # the application is not the person's
