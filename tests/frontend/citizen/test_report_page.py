"""A report's public page, its actions as plain form POSTs, and the lookup by number: what each
citizen sees and may do, and that a stranger gets nowhere (with nothing changed)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import official_of
from tests.unchanged import assert_nothing_changed
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, resolve, submit
from warga.accounts.models import User
from warga.reports.models import Report, ReportComment, ReportEvent, ReportSupport
from warga.reports.services import report_transition

PUBLIC = "localhost"


def _get(client: Client, path: str) -> tuple[int, str]:
    response = client.get(path, HTTP_HOST=PUBLIC)
    return response.status_code, response.content.decode()


def _post(client: Client, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
    response = client.post(path, data or {}, HTTP_HOST=PUBLIC)
    return response.status_code, response.headers.get("Location", ""), response.content.decode()


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _same(page: str, number: str, other: str, other_number: str) -> bool:
    """Two answers are the same page but for the number asked (and the per-response CSRF mask)."""
    return _CSRF.sub("", page.replace(number, "NOMOR")) == _CSRF.sub("", other.replace(other_number, "NOMOR"))


def _report(bandung: Government, number: str) -> Report:
    with government_context(bandung):
        return Report.objects.get(tracking_number=number)


def _state(bandung: Government, number: str) -> tuple[str, int, int | None, int, int, int]:
    with government_context(bandung):
        report = Report.objects.get(tracking_number=number)
        return (
            report.status,
            report.support_count,
            report.rating,
            ReportEvent.objects.filter(report=report).count(),
            ReportSupport.objects.filter(report=report).count(),
            ReportComment.objects.filter(report=report).count(),
        )


@pytest.fixture
def reporter(db: None) -> User:
    return UserFactory(full_name="Siti Pelapor")


def _resolved(bandung: Government, reporter: User) -> str:
    number = submit(reporter).tracking_number
    official = official_of(bandung)
    with government_context(bandung):
        for status in ("verified", "in_progress"):
            report_transition(acting_user=official, tracking_number=number, to_status=status)
    resolve(bandung, number, official)
    return number


def test_anyone_sees_a_public_report_without_the_reporter(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number

    status, page = _get(Client(), f"/laporan/{number}/")

    assert status == 200
    assert "<h1>Jalan rusak atau berlubang</h1>" in page
    assert "Jalan berlubang besar di depan sekolah" in page
    assert "Kota Bandung" in page
    assert "Diterima" in page  # the timeline in plain words
    assert "Laporan diterima oleh pemerintah daerah." in page
    assert "Siti Pelapor" not in page
    assert reporter.email not in page
    assert f"http://localhost/laporan/{number}/" in page  # the share link
    assert "Masuk untuk bilang" in page  # signed out: sign in to support


@pytest.mark.parametrize("viewer", ["anonymous", "another citizen"])
def test_a_rahasia_report_answers_a_stranger_like_an_unknown_number(
    bandung: Government, reporter: User, viewer: str
) -> None:
    number = submit(reporter, privacy="rahasia").tracking_number
    unknown = "32.73-2026-999999"
    client = Client() if viewer == "anonymous" else signed_in_client(UserFactory())

    hidden = _get(client, f"/laporan/{number}/")
    missing = _get(client, f"/laporan/{unknown}/")

    assert hidden[0] == missing[0] == 404
    assert _same(hidden[1], number, missing[1], unknown)
    looked_up = client.get("/lacak/", {"nomor": number}, HTTP_HOST=PUBLIC)
    looked_up_missing = client.get("/lacak/", {"nomor": unknown}, HTTP_HOST=PUBLIC)
    assert looked_up.status_code == looked_up_missing.status_code == 404
    assert _same(looked_up.content.decode(), number, looked_up_missing.content.decode(), unknown)
    before = _state(bandung, number)
    for action, data in (("dukung", {}), ("komentar", {"komentar": "Saya juga lihat"})):
        assert _post(client, f"/laporan/{number}/{action}/", data)[0] in (302, 404)
    assert _state(bandung, number) == before


def test_the_reporter_sees_their_rahasia_report(bandung: Government, reporter: User) -> None:
    number = submit(reporter, privacy="rahasia").tracking_number
    client = signed_in_client(reporter)
    status, page = _get(client, f"/laporan/{number}/")
    assert status == 200
    assert "Rahasia (hanya Anda yang dapat melihatnya)" in page
    response = client.get("/lacak/", {"nomor": number}, HTTP_HOST=PUBLIC)
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{number}/"


def test_lookup_redirects_to_the_page_or_says_not_found(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    response = Client().get("/lacak/", {"nomor": f"  {number.lower()} "}, HTTP_HOST=PUBLIC)
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/{number}/"

    missing = Client().get("/lacak/", {"nomor": "32.73-2026-424242"}, HTTP_HOST=PUBLIC)
    assert missing.status_code == 404
    assert "Tidak ada laporan dengan nomor <strong>32.73-2026-424242</strong>" in missing.content.decode()

    empty = Client().get("/lacak/", {"nomor": ""}, HTTP_HOST=PUBLIC)
    assert empty.status_code == 400
    assert "Ketik nomor laporan" in empty.content.decode()

    opened = Client().get("/lacak/", HTTP_HOST=PUBLIC)
    assert opened.status_code == 200
    assert 'role="alert"' not in opened.content.decode()
    assert 'name="nomor"' in opened.content.decode()


def test_saya_juga_counts_once_however_often_pressed(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    supporter = signed_in_client(UserFactory())

    first = _post(supporter, f"/laporan/{number}/dukung/")
    second = _post(supporter, f"/laporan/{number}/dukung/")

    assert first[:2] == second[:2] == (302, f"/laporan/{number}/")
    assert _report(bandung, number).support_count == 1
    _status, page = _get(supporter, f"/laporan/{number}/")
    assert "Anda sudah bilang" in page  # the second press says it counted once
    assert "<strong>1</strong> orang mengalami masalah yang sama." in page


def test_signed_out_support_goes_to_sign_in_and_back_to_the_report(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    status, location, _ = _post(Client(), f"/laporan/{number}/dukung/")
    assert status == 302
    assert location == f"/akun/login/?next=/laporan/{number}/"
    assert _report(bandung, number).support_count == 0


def test_the_reporter_cannot_support_their_own_report(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    client = signed_in_client(reporter)
    with assert_nothing_changed(bandung):
        status, _, page = _post(client, f"/laporan/{number}/dukung/")
    assert status == 400
    assert 'class="error-summary"' in page
    assert _report(bandung, number).support_count == 0


def test_a_signed_in_citizen_comments_and_an_empty_comment_is_refused(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    citizen = signed_in_client(UserFactory())

    status, _, page = _post(citizen, f"/laporan/{number}/komentar/", {"komentar": "  "})
    assert status == 400
    assert 'href="#komentar">Tulis isi komentarnya.</a>' in page
    assert 'aria-invalid="true"' in page

    assert _post(citizen, f"/laporan/{number}/komentar/", {"komentar": "Di sini juga berlubang."})[0] == 302
    status, page = _get(Client(), f"/laporan/{number}/")
    assert "Di sini juga berlubang." in page
    assert "Warga ·" in page


def test_the_reporter_withdraws_within_fifteen_minutes(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    client = signed_in_client(reporter)
    _status, page = _get(client, f"/laporan/{number}/")
    assert "Cabut laporan" in page

    assert _post(client, f"/laporan/{number}/cabut/")[:2] == (302, f"/laporan/{number}/")
    assert _report(bandung, number).status == "withdrawn"


def test_withdrawing_after_fifteen_minutes_is_refused_with_its_reason(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    with government_context(bandung):
        Report.objects.filter(tracking_number=number).update(created_at=timezone.now() - timedelta(minutes=16))
    client = signed_in_client(reporter)
    assert "Cabut laporan" not in _get(client, f"/laporan/{number}/")[1]
    with assert_nothing_changed(bandung):
        status, _, page = _post(client, f"/laporan/{number}/cabut/")
    assert status == 400
    assert "Laporan hanya dapat dicabut dalam 15 menit setelah dikirim." in page
    assert _report(bandung, number).status == "received"


def test_the_reporter_rates_then_disputes_a_resolution(bandung: Government, reporter: User) -> None:
    number = _resolved(bandung, reporter)
    client = signed_in_client(reporter)
    page = _get(client, f"/laporan/{number}/")[1]
    assert "Kirim nilai" in page
    assert "Sanggah" in page

    status, _, page = _post(client, f"/laporan/{number}/nilai/", {})
    assert status == 400
    assert "Pilih nilai 1 sampai 5." in page
    assert _post(client, f"/laporan/{number}/nilai/", {"nilai": "4"})[0] == 302
    assert _report(bandung, number).rating == 4
    assert "Anda memberi nilai 4 dari 5" in _get(client, f"/laporan/{number}/")[1]

    status, _, page = _post(client, f"/laporan/{number}/sanggah/", {"alasan": ""})
    assert status == 400
    assert "Tuliskan mengapa penanganannya belum selesai." in page
    assert _post(client, f"/laporan/{number}/sanggah/", {"alasan": "Lubangnya masih ada."})[0] == 302
    assert _report(bandung, number).status == "reopened"


def test_another_citizen_cannot_withdraw_rate_or_dispute(bandung: Government, reporter: User) -> None:
    fresh = submit(reporter).tracking_number
    resolved = _resolved(bandung, reporter)
    stranger = signed_in_client(UserFactory())
    before = (_state(bandung, fresh), _state(bandung, resolved))

    status, page = _get(stranger, f"/laporan/{resolved}/")
    assert "Kirim nilai" not in page
    assert "Cabut laporan" not in page

    unknown = "32.73-2026-999999"
    for number, action, data in (
        (fresh, "cabut", {}),
        (resolved, "nilai", {"nilai": "1"}),
        (resolved, "sanggah", {"alasan": "Saya bukan pelapornya."}),
    ):
        status, _, page = _post(stranger, f"/laporan/{number}/{action}/", data)
        missing = _post(stranger, f"/laporan/{unknown}/{action}/", data)
        assert status == missing[0] == 404
        assert _same(page, number, missing[2], unknown)
    assert (_state(bandung, fresh), _state(bandung, resolved)) == before


def test_an_official_of_another_government_is_just_a_citizen_here(
    bandung: Government, jakarta: Government, reporter: User
) -> None:
    """Seats in another government give no reporter's rights on the shared app."""
    number = _resolved(bandung, reporter)
    before = _state(bandung, number)
    official = signed_in_client(official_of(jakarta))
    assert _post(official, f"/laporan/{number}/nilai/", {"nilai": "5"})[0] == 404
    assert _post(official, f"/laporan/{number}/sanggah/", {"alasan": "Belum beres."})[0] == 404
    assert _state(bandung, number) == before


def _support_button(page: str) -> str:
    found = re.search(r'<button class="button[^"]*" type="submit" aria-pressed="[^"]+"[^>]*>[^<]*</button>', page)
    assert found, "no saya juga button on the page"
    return found.group(0)


def test_the_page_shows_that_the_citizen_already_supports_it(
    bandung: Government, jakarta: Government, reporter: User
) -> None:
    number = submit(reporter).tracking_number
    in_jakarta = submit(reporter, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1], village_code=JAKARTA_VILLAGE)
    supporter, neighbour = signed_in_client(UserFactory()), signed_in_client(UserFactory())

    before = _support_button(_get(supporter, f"/laporan/{number}/")[1])
    assert 'aria-pressed="false"' in before
    assert "Saya juga mengalami masalah ini" in before

    _post(supporter, f"/laporan/{number}/dukung/")
    after = _support_button(_get(supporter, f"/laporan/{number}/")[1])
    assert 'aria-pressed="true"' in after
    assert "Anda sudah mendukung" in after
    # Only theirs: another citizen, and the same citizen on a report of another government, are not.
    assert 'aria-pressed="false"' in _support_button(_get(neighbour, f"/laporan/{number}/")[1])
    other = _support_button(_get(supporter, f"/laporan/{in_jakarta.tracking_number}/")[1])
    assert 'aria-pressed="false"' in other
    # Signed out there is no button, only the way to sign in.
    assert "aria-pressed" not in _get(Client(), f"/laporan/{number}/")[1]
    # Pressed again, it stays one.
    _post(supporter, f"/laporan/{number}/dukung/")
    assert _report(bandung, number).support_count == 1
