"""A government asks to join over HTTP: the public pages, the emailed confirmation, the
operator's decision in the operator admin, and who may do what. Nothing here provisions a
schema (the worker test, tests/worker/test_join_provisioning.py, does that once); approval is
checked up to the task it queues."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client

from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.personas import membership_in, verified_user, with_totp
from warga.accounts.models import User
from warga.onboarding.models import JoinEvent, JoinRequest, JoinStatus, JoinStep
from warga.onboarding.services.joining import CONFIRMATION_SALT, CONFIRMATION_VALID_FOR, join_request_submit

SABANG = "11.72"
PUBLIC = {"HTTP_HOST": "localhost"}
ADMIN_LIST = "/operator/onboarding/joinrequest/"
GOOD = {
    "requester_name": "Teuku Ridwan",
    "requester_position": "Kepala Dinas Komunikasi dan Informatika",
    "email": "Ridwan@SabangKota.go.id",
    "phone": "0652 21234",
    "note": "Silakan hubungi juga sekretariat daerah.",
}


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _ask(client: Client, capture: Any, code: str = SABANG, **changes: str) -> Any:
    with capture(execute=True):
        return client.post(f"/bergabung/ajukan/{code}/", GOOD | changes, **PUBLIC)


def _confirm_link() -> str:
    found = re.search(r"http://localhost(/bergabung/konfirmasi/\S+/)", mail.outbox[-1].body)
    assert found is not None, mail.outbox[-1].body
    return found.group(1)


def _pending(code: str = SABANG, email: str = "ridwan@sabangkota.go.id") -> JoinRequest:
    request = join_request_submit(region_code=code, link_origin="http://localhost", **GOOD | {"email": email})
    JoinRequest.objects.filter(pk=request.pk).update(status=JoinStatus.PENDING)
    request.refresh_from_db()
    return request


@pytest.fixture
def operator(db: None) -> User:
    # The operator admin wants a session that typed a TOTP code (security item 1).
    return with_totp(User.objects.create_superuser("operator@example.id", "x" * 12))


def test_the_search_finds_governments_and_says_which_can_ask(db: None) -> None:
    page = Client().get("/bergabung/", {"cari": "bandung"}, **PUBLIC)

    assert page.status_code == 200
    text = _text(page)
    assert 'href="/bergabung/ajukan/32.04/"' in text  # Kabupaten Bandung: not on Warga yet
    assert "Ajukan Kabupaten Bandung bergabung" in text
    # Kota Bandung uses Warga already: no link, and the way in for its officials.
    assert "/bergabung/ajukan/32.73/" not in text
    assert "Sudah memakai Warga" in text
    assert "Minta admin koordinatornya mengundang Anda." in text
    by_code = Client().get("/bergabung/", {"cari": "11.72"}, **PUBLIC)
    assert "Kota Sabang" in _text(by_code)
    nothing = Client().get("/bergabung/", {"cari": "tidakada"}, **PUBLIC)
    assert "Tidak ada provinsi, kabupaten atau kota dengan nama atau kode itu" in _text(nothing)
    # Jakarta's kota administrasi are not governments of their own.
    jakarta = _text(Client().get("/bergabung/", {"cari": "jakarta"}, **PUBLIC))
    assert "/bergabung/ajukan/31.71/" not in jakarta
    assert "Kota Adm. Jakarta Pusat" not in jakarta


def test_a_request_is_confirmed_by_email_and_only_then_reaches_the_operator(
    operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    browser = Client()
    form = browser.get(f"/bergabung/ajukan/{SABANG}/", **PUBLIC)
    assert form.status_code == 200
    assert "Kota Sabang bergabung dengan Warga" in _text(form)

    sent = _ask(browser, django_capture_on_commit_callbacks)

    request = JoinRequest.objects.get(region_code=SABANG)
    assert sent.status_code == 302
    assert sent["Location"] == f"/bergabung/permintaan/{request.public_id}/"
    assert (request.status, request.email, request.email_domain, request.phone) == (
        JoinStatus.UNCONFIRMED,
        "ridwan@sabangkota.go.id",
        "sabangkota.go.id",
        "+6265221234",
    )
    assert (request.government_name, request.requester_position) == ("Kota Sabang", GOOD["requester_position"])
    assert [m.to for m in mail.outbox] == [["ridwan@sabangkota.go.id"]]
    status = _text(browser.get(sent["Location"], **PUBLIC))
    assert "Periksa email Anda: kami mengirim tautan konfirmasi ke ridwan@sabangkota.go.id" in status
    # Not confirmed: the operator does not see it yet.
    admin = signed_in_client(operator)
    assert "Kota Sabang" not in _text(admin.get(ADMIN_LIST, **PUBLIC))

    link = _confirm_link()
    asked = browser.get(link, **PUBLIC)
    assert "Konfirmasikan bahwa ridwan@sabangkota.go.id adalah alamat Anda" in _text(asked)
    request.refresh_from_db()
    assert request.status == JoinStatus.UNCONFIRMED  # opening the link (a mail scanner) confirms nothing
    confirmed = browser.post(link, **PUBLIC)
    assert confirmed.status_code == 302
    request.refresh_from_db()
    assert request.status == JoinStatus.PENDING
    assert request.confirmed_at is not None
    assert "Alamat Anda sudah dikonfirmasi" in _text(browser.get(confirmed["Location"], **PUBLIC))
    # Again: nothing changes.
    assert browser.post(link, **PUBLIC).status_code == 302
    assert list(JoinEvent.objects.filter(request=request).values_list("kind", flat=True)) == ["submit", "confirm"]

    listed = _text(admin.get(ADMIN_LIST, **PUBLIC))
    assert "Kota Sabang" in listed
    assert "@sabangkota.go.id" in listed
    assert "domain pemerintah (.go.id)" in listed


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    refused = _ask(
        Client(),
        django_capture_on_commit_callbacks,
        requester_name=" ",
        requester_position="",
        email="ridwan@gmail.com",
        phone="12345",
        note="x" * 1001,
    )

    assert refused.status_code == 400
    text = _text(refused)
    for words in (
        "Masukkan nama lengkap Anda.",
        "Masukkan jabatan Anda, misalnya Kepala Dinas Komunikasi dan Informatika.",
        "Gunakan alamat email kantor Anda (biasanya berakhiran .go.id), bukan email pribadi",
        "Masukkan nomor telepon Indonesia, misalnya 022 4230393 atau 0812 3456 7890.",
        "Persingkat menjadi paling banyak 1000 karakter.",
    ):
        assert text.count(words) == 2, words  # in the summary at the top and next to its field
    assert 'href="#phone"' in text
    assert 'aria-invalid="true"' in text
    assert 'value="ridwan@gmail.com"' in text  # what was typed stays
    assert not JoinRequest.objects.exists()
    assert mail.outbox == []
    unknown = Client().get("/bergabung/ajukan/99.99/", **PUBLIC)
    assert (unknown.status_code, unknown["Location"]) == (302, "/bergabung/")
    administrative = Client().post("/bergabung/ajukan/31.71/", GOOD, **PUBLIC)  # Jakarta Pusat
    assert administrative.status_code == 302
    assert not JoinRequest.objects.exists()


def test_a_second_request_for_the_same_government_is_refused_saying_why(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    first = _pending()
    today = first.created_at.astimezone().strftime("%d-%m-%Y")

    form = Client().get(f"/bergabung/ajukan/{SABANG}/", **PUBLIC)
    again = _ask(Client(), django_capture_on_commit_callbacks, email="sekda@sabangkota.go.id")

    expected = f"Permintaan untuk Kota Sabang sudah diajukan pada {today} dan sedang ditangani."
    for response in (form, again):
        assert response.status_code == 409
        assert expected in _text(response)
        assert 'name="email"' not in _text(response)  # no form to fill in vain
    assert list(JoinRequest.objects.values_list("pk", flat=True)) == [first.pk]
    assert mail.outbox == []
    # A government already on Warga, the same way.
    member = _ask(Client(), django_capture_on_commit_callbacks, code="32.73", email="a@bandung.go.id")
    assert member.status_code == 409
    assert "Kota Bandung sudah memakai Warga. Minta admin koordinatornya mengundang Anda." in _text(member)
    assert JoinRequest.objects.count() == 1


def test_of_two_unconfirmed_requests_only_the_first_confirmed_holds_the_government(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    _ask(Client(), django_capture_on_commit_callbacks)
    first_link = _confirm_link()
    _ask(Client(), django_capture_on_commit_callbacks, email="sekda@sabangkota.go.id")
    second_link = _confirm_link()

    assert Client().post(second_link, **PUBLIC).status_code == 302
    late = Client().post(first_link, **PUBLIC)

    assert late.status_code == 400
    assert "Permintaan untuk Kota Sabang sudah diajukan pada" in _text(late)
    assert dict(JoinRequest.objects.values_list("email", "status")) == {
        "sekda@sabangkota.go.id": JoinStatus.PENDING,
        "ridwan@sabangkota.go.id": JoinStatus.UNCONFIRMED,
    }


def test_a_forged_or_old_confirmation_link_is_refused(
    db: None, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ask(Client(), django_capture_on_commit_callbacks)
    request = JoinRequest.objects.get()
    forged = _confirm_link()[:-3] + "xx/"
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: 1_000_000_000.0)
        old = signing.dumps(str(request.public_id), salt=CONFIRMATION_SALT)

    for link, words in (
        (forged, "Tautan konfirmasi ini tidak valid."),
        (f"/bergabung/konfirmasi/{old}/", f"sudah lebih dari {CONFIRMATION_VALID_FOR.days} hari"),
    ):
        response = Client().post(link, **PUBLIC)
        assert response.status_code == 400
        assert words in _text(response)
    request.refresh_from_db()
    assert request.status == JoinStatus.UNCONFIRMED
    unknown = Client().get("/bergabung/permintaan/bukan-id/", **PUBLIC)
    assert unknown.status_code == 404


def test_the_operator_approves_and_the_provisioning_task_is_queued(
    operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    request = _pending()
    admin = signed_in_client(operator)
    data = {"action": "approve", "_selected_action": [str(request.pk)]}

    page = admin.post(ADMIN_LIST, data, HTTP_HOST="localhost:8000")
    assert page.status_code == 200
    assert "@sabangkota.go.id" in _text(page)
    with django_capture_on_commit_callbacks() as queued:
        done = admin.post(ADMIN_LIST, data | {"decide": "1"}, HTTP_HOST="localhost:8000")

    assert done.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.step, request.progress) == (JoinStatus.PROVISIONING, JoinStep.QUEUED, 0)
    assert (request.decided_by_id, request.link_port) == (operator.pk, 8000)
    assert len(queued) == 1  # the task, sent once this commits (not run here: no worker)
    event = JoinEvent.objects.get(request=request, kind="approve")
    assert event.actor_id == operator.pk
    status = _text(Client().get(f"/bergabung/permintaan/{request.public_id}/", **PUBLIC))
    assert "Disetujui. Warga untuk pemerintah daerah Anda sedang disiapkan" in status
    # Approving twice is refused, saying why.
    twice = admin.post(ADMIN_LIST, data | {"decide": "1"}, HTTP_HOST="localhost:8000", follow=True)
    assert "hanya permintaan yang menunggu keputusan atau yang gagal disiapkan dapat disetujui" in _text(twice)
    assert JoinEvent.objects.filter(request=request, kind="approve").count() == 1


def test_the_operator_refuses_with_a_reason_which_the_requester_receives(
    operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    request = _pending()
    admin = signed_in_client(operator)
    data = {"action": "refuse", "_selected_action": [str(request.pk)], "decide": "1"}

    bare = admin.post(ADMIN_LIST, data | {"reason": "tidak"}, **PUBLIC, follow=True)
    assert "Tulis alasan penolakan (minimal 10 karakter)" in _text(bare)
    request.refresh_from_db()
    assert request.status == JoinStatus.PENDING

    reason = "Domain sabangkota.go.id tidak terdaftar atas nama Pemerintah Kota Sabang."
    with django_capture_on_commit_callbacks(execute=True):
        refused = admin.post(ADMIN_LIST, data | {"reason": reason}, **PUBLIC)

    assert refused.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.refusal_reason, request.decided_by_id) == (
        JoinStatus.REFUSED,
        reason,
        operator.pk,
    )
    assert [m.to for m in mail.outbox] == [["ridwan@sabangkota.go.id"]]
    assert reason in mail.outbox[0].body
    assert f"http://localhost/bergabung/permintaan/{request.public_id}/" in mail.outbox[0].body
    event = JoinEvent.objects.get(request=request, kind="refuse")
    assert (event.actor_id, event.detail) == (operator.pk, {"reason": reason})
    assert reason in _text(Client().get(f"/bergabung/permintaan/{request.public_id}/", **PUBLIC))
    # The government is free again for a new request.
    assert Client().get(f"/bergabung/ajukan/{SABANG}/", **PUBLIC).status_code == 200


def test_another_government_and_its_officials_can_neither_see_nor_decide_requests(
    bandung: Government, jakarta: Government, django_capture_on_commit_callbacks: Any
) -> None:
    """Kota Bandung's admin koordinator, signed in, tries the operator's decision on a request
    and the joining pages from Bandung's host: refused, nothing changes."""
    request = _pending()
    official = with_totp(verified_user("admin@bandung.go.id"))
    membership_in(bandung, official)
    browser = signed_in_client(official)
    data = {"action": "approve", "_selected_action": [str(request.pk)], "decide": "1"}

    central = browser.post(ADMIN_LIST, data, **PUBLIC)
    on_bandung = browser.post(ADMIN_LIST, data, HTTP_HOST="kota-bandung.localhost")
    pages = [
        browser.get(path, HTTP_HOST=host)
        for host in ("kota-bandung.localhost", "dki-jakarta.localhost")
        for path in ("/bergabung/", f"/bergabung/permintaan/{request.public_id}/")
    ]
    on_bandung_form = browser.post(f"/bergabung/ajukan/{SABANG}/", GOOD, HTTP_HOST="kota-bandung.localhost")

    assert central.status_code == 302
    assert central["Location"].startswith("/operator/login/")
    assert on_bandung.status_code == 404
    assert [page.status_code for page in pages] == [404, 404, 404, 404]
    assert on_bandung_form.status_code == 404
    request.refresh_from_db()
    assert (request.status, request.decided_by_id) == (JoinStatus.PENDING, None)
    assert list(JoinEvent.objects.filter(request=request).values_list("kind", flat=True)) == ["submit"]
    assert JoinRequest.objects.count() == 1
    assert mail.outbox == []
