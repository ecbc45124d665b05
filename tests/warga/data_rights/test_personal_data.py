"""Data-subject rights: export everything, delete the account leaving nothing behind.

Requests are carried out by a task; here its service function runs in the test's own
transaction (tests/worker has the run through a real worker).
"""

from __future__ import annotations

import io
import json
import zipfile

from allauth.usersessions.models import UserSession
from django.core.files.storage import default_storage
from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.personas import PASSWORD, membership_in, verified_user, with_totp
from tests.warga.data_rights.search import occurrences
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.accounts.models import User
from warga.data_rights.models import DataRequest
from warga.data_rights.services import (
    account_delete_start,
    data_request_export_start,
    data_request_run,
    subject_digest,
)
from warga.intake.models import ReportIndex
from warga.intake.services import report_comment_public, report_support
from warga.organization.models import Membership, Unit
from warga.privacy.personal_data import ERASED_USER_ID
from warga.reports.models import Report
from warga.routing.models import RoutingAuditEvent, RuleSet
from warga.routing.services import rule_set_save


def personal_data_export(*, user: User) -> bytes:
    """The ZIP an export request produces, once its task has run."""
    request = data_request_run(request_id=data_request_export_start(user=user).pk)
    assert request is not None
    with default_storage.open(request.export_file, "rb") as stored:
        return bytes(stored.read())


def account_delete(*, user: User) -> DataRequest:
    """A deletion request, carried out by its task."""
    request = data_request_run(request_id=account_delete_start(user=user).pk)
    assert request is not None
    return request


def _person_in_two_governments(bandung: Government, jakarta: Government) -> User:
    person = with_totp(
        verified_user(
            "rahmat.hidayat.pdp@example.id", full_name="Rahmat Hidayat", phone="+6281377778888", phone_verified=True
        )
    )
    membership_in(bandung, person, kind="lurah")
    membership_in(jakarta, person)
    return person


def test_the_export_holds_the_account_and_each_government_s_data(bandung: Government, jakarta: Government) -> None:
    person = _person_in_two_governments(bandung, jakarta)
    archive = zipfile.ZipFile(io.BytesIO(personal_data_export(user=person)))
    assert archive.namelist() == ["data-pribadi.json"]
    data = json.loads(archive.read("data-pribadi.json"))

    assert data["akun"]["accounts.user"]["email"] == "rahmat.hidayat.pdp@example.id"
    assert data["akun"]["accounts.user"]["nama_lengkap"] == "Rahmat Hidayat"
    assert data["akun"]["accounts.user"]["telepon"] == "+6281377778888"
    assert data["akun"]["allauth.emailaddress"] == {
        "alamat_email": [{"email": "rahmat.hidayat.pdp@example.id", "terverifikasi": True, "utama": True}]
    }
    assert [a["jenis"] for a in data["akun"]["allauth.mfa"]["verifikasi_dua_langkah"]] == ["totp"]
    assert sorted(data["pemerintah_daerah"]) == ["31", "32.73"]
    bandung_seats = data["pemerintah_daerah"]["32.73"]["organization.membership"]["jabatan"]
    assert [seat["jabatan"].split()[0] for seat in bandung_seats] == ["Lurah"]
    assert data["pemerintah_daerah"]["32.73"]["pemerintah"] == "Kota Bandung"

    request = DataRequest.objects.get()
    assert (request.kind, request.user_id, request.status) == ("export", person.pk, "done")
    assert request.completed_at is not None
    assert request.completed_at >= request.requested_at


def test_the_export_of_one_person_holds_nobody_else(bandung: Government, jakarta: Government) -> None:
    person = _person_in_two_governments(bandung, jakarta)
    other = verified_user("orang.lain@example.id")
    membership_in(bandung, other, kind="camat")
    data = json.loads(zipfile.ZipFile(io.BytesIO(personal_data_export(user=person))).read("data-pribadi.json"))
    assert "orang.lain@example.id" not in json.dumps(data)
    assert len(data["pemerintah_daerah"]["32.73"]["organization.membership"]["jabatan"]) == 1


def test_deleting_the_account_leaves_nothing_in_any_schema(bandung: Government, jakarta: Government) -> None:
    person = _person_in_two_governments(bandung, jakarta)
    browser = Client()
    assert browser.post("/akun/login/", {"login": person.email, "password": PASSWORD}, HTTP_HOST="localhost")
    personal_data_export(user=person)
    email, user_id = person.email, str(person.pk)
    assert occurrences(email)
    assert occurrences(user_id)
    assert occurrences("6281377778888")

    request = account_delete(user=person)

    assert occurrences(email) == []
    assert occurrences(user_id) == []
    assert occurrences("Rahmat Hidayat") == []
    assert occurrences("6281377778888") == []
    assert not User.objects.filter(email=email).exists()
    assert not UserSession.objects.exists()
    for government in (bandung, jakarta):
        with government_context(government):
            assert list(Membership.objects.filter(user_id=ERASED_USER_ID).values_list("user_id", flat=True)) == [
                ERASED_USER_ID
            ]
    # The log keeps both requests, with their completion, but not who made them.
    logged = DataRequest.objects.order_by("requested_at")
    assert [(r.kind, r.user_id, r.subject_digest) for r in logged] == [
        ("export", None, subject_digest(person.pk)),
        ("delete", None, subject_digest(person.pk)),
    ]
    assert request.status == "done"
    assert request.completed_at is not None
    assert request.completed_at >= request.requested_at
    # The browser's session ended with the account.
    assert "_auth_user_id" not in browser.session


def test_deleting_one_account_leaves_other_people_alone(bandung: Government, jakarta: Government) -> None:
    person = _person_in_two_governments(bandung, jakarta)
    colleague = verified_user("rekan@example.id")
    membership_in(bandung, colleague, kind="camat")
    account_delete(user=person)
    assert User.objects.filter(email="rekan@example.id").exists()
    with government_context(bandung):
        assert Membership.objects.filter(user_id=colleague.pk).count() == 1


def test_requests_open_beyond_three_days_are_reported_overdue(db: None) -> None:
    import datetime

    from django.utils import timezone

    from warga.data_rights.selectors import data_requests_overdue

    now = timezone.now()
    ages = {"baru": 71, "lama": 73}
    for name, hours in ages.items():
        DataRequest.objects.create(
            subject_digest=name, kind="delete", requested_at=now - datetime.timedelta(hours=hours)
        )
    DataRequest.objects.create(
        subject_digest="selesai",
        kind="export",
        requested_at=now - datetime.timedelta(hours=100),
        completed_at=now - datetime.timedelta(hours=99),
        status="done",
    )
    assert [r.subject_digest for r in data_requests_overdue(now=now)] == ["lama"]


def test_a_citizen_s_reports_stay_but_nobody_is_identifiable_in_them(bandung: Government, jakarta: Government) -> None:
    citizen = verified_user("siti.aminah.pelapor@example.id", full_name="Siti Aminah", phone="+6281299990000")
    neighbour = verified_user("tetangga@example.id")
    own = submit(citizen, description="Saluran tersumbat di gang Siti Aminah.")
    theirs = submit(neighbour, village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1])
    report_support(acting_user=citizen, tracking_number=theirs.tracking_number)
    report_comment_public(acting_user=citizen, tracking_number=own.tracking_number, body="Masih tersumbat.")

    exported = json.loads(zipfile.ZipFile(io.BytesIO(personal_data_export(user=citizen))).read("data-pribadi.json"))
    bandung_reports = exported["pemerintah_daerah"]["32.73"]["reports.report"]
    assert [r["nomor"] for r in bandung_reports["laporan"]] == [own.tracking_number]
    assert [c["isi"] for c in bandung_reports["komentar"]] == ["Masih tersumbat."]
    assert exported["pemerintah_daerah"]["31"]["reports.report"]["dukungan"] == [theirs.tracking_number]
    assert [r["nomor"] for r in exported["akun"]["intake.report_index"]["laporan_saya"]] == [own.tracking_number]

    user_id = str(citizen.pk)
    account_delete(user=citizen)

    assert occurrences(user_id) == []
    assert occurrences("siti.aminah.pelapor@example.id") == []
    with government_context(bandung):
        report = Report.objects.get(tracking_number=own.tracking_number)
        assert report.reporter_id == ERASED_USER_ID
        assert set(report.comments.values_list("author_id", flat=True)) == {ERASED_USER_ID}
    with government_context(jakarta):
        supported = Report.objects.get(tracking_number=theirs.tracking_number)
        assert supported.support_count == 1  # the count stays; who gave it does not
        assert not supported.supports.exists()
        assert supported.reporter_id == neighbour.pk
    index = ReportIndex.objects.get(tracking_number=own.tracking_number)
    assert index.reporter_id is None


def test_an_official_who_changed_the_routing_rules_is_erased_from_their_history(bandung: Government) -> None:
    official = verified_user("admin.koordinator.pdp@example.id")
    with government_context(bandung):
        any_unit = Unit.objects.get(kind="government")
        rules = [{"name": "semua ke pemerintah (uji)", "handling_unit_id": any_unit.pk}]
        saved = rule_set_save(acting_user=official.pk, rules=rules, note="Uji penghapusan akun")

    account_delete(user=official)

    assert occurrences(str(official.pk)) == []
    with government_context(bandung):
        assert RuleSet.objects.get(pk=saved.pk).created_by_id == ERASED_USER_ID
        assert RoutingAuditEvent.objects.filter(actor_id=ERASED_USER_ID).exists()
