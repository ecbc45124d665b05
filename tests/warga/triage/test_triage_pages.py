"""The triage desk's pages (national host) and the offers page (the offered government's
host): the same services as the API, plain forms, errors by the field; everyone else refused
(403 saying why, or 404 off the right host) with nothing changed."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import membership_in, verified_user, with_totp
from tests.warga.reports.helpers import BOGOR_POINT, BOGOR_VILLAGE, counts, submit
from warga.intake.models import ReportIndex
from warga.intake.services import report_transfer
from warga.reports.models import ReportEvent
from warga.triage.models import Offer, OfferStatus, TriageHold
from warga.triage.services import offers_for_government

NATIONAL_HOST = "nasional.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
BANDUNG_HOST = "kota-bandung.localhost"
DESK = "/meja-triase/"
OFFERS = "/tawaran-triase/"
DESCRIPTION = "Jembatan gantung di Cibinong putus sebagian, warga memutar lima kilometer."


def in_bogor() -> str:
    return submit(
        UserFactory(),
        latitude=BOGOR_POINT[0],
        longitude=BOGOR_POINT[1],
        village_code=BOGOR_VILLAGE,
        description=DESCRIPTION,
    ).tracking_number


def client_of(government: Government, email: str, kind: str = "admin_koordinator", *, totp: bool = True) -> Client:
    user = verified_user(email)
    if totp:
        with_totp(user)
    membership_in(government, user, kind=kind)
    return signed_in_client(user)


def _error_by(html: str, field_id: str) -> str:
    """The error shown in the label of the field `field_id`, which is marked invalid."""
    found = re.search(
        rf'<label for="{field_id}">[^<]*<strong class="galat" id="{field_id}-galat">([^<]*)</strong>', html
    )
    assert found is not None, html
    assert re.search(rf'<(input|textarea|select)[^>]*aria-invalid="true"[^>]*id="{field_id}"', html) or re.search(
        rf'<(input|textarea|select)[^>]*id="{field_id}"[^>]*aria-invalid="true"', html
    ), html
    return found.group(1)


@pytest.fixture
def desk(national: Government) -> Client:
    return client_of(national, "pengawas.halaman@nasional.go.id", "pengawas_nasional")


def test_the_queue_lists_filters_and_pages(
    national: Government, bandung: Government, desk: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = in_bogor(), in_bogor()

    page = desk.get(DESK, HTTP_HOST=NATIONAL_HOST)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<p role="status">2 laporan.</p>' in html
    assert f'<a href="/meja-triase/laporan/{first}/">{first}</a>' in html
    assert f'<a href="/meja-triase/laporan/{second}/">{second}</a>' in html
    assert f"<td>Kabupaten Bogor ({BOGOR_VILLAGE})</td>" in html
    assert "Wilayahnya belum bergabung dengan Warga" in html
    # Each category by its name, not its code.
    assert html.count("<td>Jalan rusak atau berlubang · Pengaduan</td>") == 2
    assert "<td>jalan_rusak" not in html

    # Another province: nothing.
    assert (
        '<p role="status">0 laporan.</p>' in desk.get(DESK + "?provinsi=31", HTTP_HOST=NATIONAL_HOST).content.decode()
    )
    # A bad filter is named by its field; nothing is listed.
    bad = desk.get(DESK + "?status=dibakar&ditahan=kadang", HTTP_HOST=NATIONAL_HOST)
    assert bad.status_code == 400
    html = bad.content.decode()
    assert _error_by(html, "id_status") == (
        "Masukkan pilihan yang valid. dibakar bukan salah satu dari pilihan yang tersedia."
    )
    assert _error_by(html, "id_ditahan") == (
        "Masukkan pilihan yang valid. kadang bukan salah satu dari pilihan yang tersedia."
    )
    assert first not in html

    # One report a page: the first page links to the second, keeping the filter.
    monkeypatch.setattr("frontend.triage_views.TRIAGE_PAGE_SIZE", 1)
    one = desk.get(DESK + "?provinsi=32", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert '<p role="status">2 laporan · halaman 1 dari 2.</p>' in one
    assert '<a href="?provinsi=32&amp;halaman=2" rel="next">' in one
    assert first in one
    assert second not in one
    two = desk.get(DESK + "?provinsi=32&halaman=2", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert second in two
    assert first not in two
    assert '<a href="?provinsi=32&amp;halaman=1" rel="prev">' in two
    # The names are looked up once a page: a page of two rows asks what a page of one asks.
    with CaptureQueriesContext(connection) as one_row:
        desk.get(DESK + "?provinsi=32", HTTP_HOST=NATIONAL_HOST)
    monkeypatch.setattr("frontend.triage_views.TRIAGE_PAGE_SIZE", 2)
    with CaptureQueriesContext(connection) as two_rows:
        both = desk.get(DESK + "?provinsi=32", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert first in both
    assert second in both
    assert len(two_rows) == len(one_row)


def test_holding_releasing_and_assigning_from_the_report_page(
    national: Government, bandung: Government, jakarta: Government, desk: Client
) -> None:
    number = in_bogor()
    path = f"{DESK}laporan/{number}/"

    page = desk.get(path, HTTP_HOST=NATIONAL_HOST)
    assert page.status_code == 200
    html = page.content.decode()
    assert DESCRIPTION in html
    assert "Kabupaten Bogor" in html
    assert "<dt>Jenis dan kategori</dt><dd>Pengaduan · Jalan rusak atau berlubang</dd>" in html
    # Kota Bandung is the one ready government of Jawa Barat here: it is suggested.
    assert '<option value="32.73">Kota Bandung</option>' in html

    # Hold without a reason: refused by the field, nothing written.
    empty = desk.post(path, {"aksi": "tahan", "tahan-alasan": "  "}, HTTP_HOST=NATIONAL_HOST)
    assert empty.status_code == 400
    assert (
        _error_by(empty.content.decode(), "id_tahan-alasan") == "Tuliskan mengapa laporan ini ditahan di meja triase."
    )
    assert not TriageHold.objects.exists()

    held = desk.post(path, {"aksi": "tahan", "tahan-alasan": "Titik lokasi diragukan"}, HTTP_HOST=NATIONAL_HOST)
    assert (held.status_code, held["Location"]) == (302, path)
    hold = TriageHold.objects.get()
    assert (hold.tracking_number, hold.reason, hold.released_at) == (number, "Titik lokasi diragukan", None)
    shown = desk.get(path, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert f"Laporan {number} ditahan." in shown
    assert "<dt>Ditahan</dt><dd>Titik lokasi diragukan" in shown
    assert "Lepaskan penahanan" in shown

    released = desk.post(path, {"aksi": "lepas", "lepas-catatan": "Lokasi sudah dicek"}, HTTP_HOST=NATIONAL_HOST)
    assert released.status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is not None

    # Assign to an unknown government: the service's refusal shows by the field; nothing moves.
    before = (counts(national), counts(bandung))
    unknown = desk.post(path, {"aksi": "tugaskan", "tugaskan-tujuan": "32.99"}, HTTP_HOST=NATIONAL_HOST)
    assert unknown.status_code == 400
    assert "32.99" in _error_by(unknown.content.decode(), "id_tugaskan-tujuan")
    assert 'value="32.99"' in unknown.content.decode()  # what was typed is kept
    missing = desk.post(path, {"aksi": "tugaskan", "tugaskan-tujuan": ""}, HTTP_HOST=NATIONAL_HOST)
    assert _error_by(missing.content.decode(), "id_tugaskan-tujuan") == "Pilih atau tuliskan kode pemerintah tujuan."
    assert (counts(national), counts(bandung)) == before

    assigned = desk.post(
        path,
        {"aksi": "tugaskan", "tugaskan-tujuan": "32.73", "tugaskan-catatan": "Dekat batas kota"},
        HTTP_HOST=NATIONAL_HOST,
    )
    assert (assigned.status_code, assigned["Location"]) == (302, DESK)
    assert ReportIndex.objects.get(tracking_number=number).government_id == bandung.pk
    with government_context(bandung):
        notes = list(ReportEvent.objects.filter(report__tracking_number=number).values_list("note", flat=True))
    assert "Ditugaskan oleh meja triase nasional: Dekat batas kota" in notes
    assert f"Laporan {number} ditugaskan ke Kota Bandung." in desk.get(DESK, HTTP_HOST=NATIONAL_HOST).content.decode()
    # It left the desk: its page is gone.
    assert desk.get(path, HTTP_HOST=NATIONAL_HOST).status_code == 404


def test_the_desk_pages_refuse_everyone_else_and_change_nothing(
    national: Government, bandung: Government, desk: Client
) -> None:
    number = in_bogor()
    path = f"{DESK}laporan/{number}/"
    hold = {"aksi": "tahan", "tahan-alasan": "coba"}
    assign = {"aksi": "tugaskan", "tugaskan-tujuan": "32.73"}
    # Off the national host the desk does not exist, whoever asks.
    assert desk.get(DESK, HTTP_HOST=BANDUNG_HOST).status_code == 404
    assert desk.post(path, hold, HTTP_HOST=BANDUNG_HOST).status_code == 404
    assert Client().get(DESK, HTTP_HOST=BANDUNG_HOST).status_code == 404
    # Bandung's admin holds no seat in the national government: 403 saying why.
    bandung_admin = client_of(bandung, "admin.halaman@bandung.go.id")
    for response in (
        bandung_admin.get(DESK, HTTP_HOST=NATIONAL_HOST),
        bandung_admin.post(path, hold, HTTP_HOST=NATIONAL_HOST),
        bandung_admin.post(path, assign, HTTP_HOST=NATIONAL_HOST),
    ):
        assert response.status_code == 403
        assert "<h1>Akses ditolak</h1>" in response.content.decode()
    # A citizen: 403 too. Anonymous: to sign in and back. No authenticator: to its set-up.
    assert signed_in_client(UserFactory()).post(path, hold, HTTP_HOST=NATIONAL_HOST).status_code == 403
    anonymous = Client().get(path, HTTP_HOST=NATIONAL_HOST)
    assert (anonymous.status_code, anonymous["Location"]) == (
        302,
        f"/akun/login/?next=%2Fmeja-triase%2Flaporan%2F{number}%2F",
    )
    no_totp = client_of(national, "tanpa-totp.halaman@nasional.go.id", "pengawas_nasional", totp=False)
    refused = no_totp.post(path, assign, HTTP_HOST=NATIONAL_HOST)
    assert refused.status_code == 302
    assert refused["Location"].endswith("/akun/2fa/totp/activate/")

    assert not TriageHold.objects.exists()
    assert ReportIndex.objects.get(tracking_number=number).government_id == national.pk


@pytest.fixture
def bandung_offer(national: Government, bandung: Government) -> Offer:
    """A Bandung report sent to the desk, then offered to Bandung as on its onboarding."""
    actor = with_totp(UserFactory())
    membership_in(bandung, actor, kind="walikota")
    number = submit(UserFactory()).tracking_number
    report_transfer(
        acting_user=actor, tracking_number=number, from_government=bandung, to_government_code="NAS", note="Milik BBWS"
    )
    with government_context(national):
        offers_for_government(government=bandung)
    return Offer.objects.get(tracking_number=number, government=bandung)


def test_the_offers_page_declines_with_a_reason_and_accepts(
    national: Government, bandung: Government, bandung_offer: Offer
) -> None:
    admin = client_of(bandung, "admin.tawaran@bandung.go.id")
    page = admin.get(OFFERS, HTTP_HOST=BANDUNG_HOST)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<h3 id="tawaran-{bandung_offer.pk}">{bandung_offer.tracking_number}</h3>' in html
    assert "Menunggu keputusan (1)" in html
    assert "<p>Pengaduan · Jalan rusak atau berlubang · " in html
    assert "jalan_rusak" not in html

    decline = f"{OFFERS}{bandung_offer.pk}/tolak/"
    field = f"tawaran-{bandung_offer.pk}-alasan"
    empty = admin.post(decline, {field: " "}, HTTP_HOST=BANDUNG_HOST)
    assert empty.status_code == 400
    assert _error_by(empty.content.decode(), f"id_{field}") == "Tuliskan mengapa laporan ini tidak diambil alih."
    bandung_offer.refresh_from_db()
    assert bandung_offer.status == OfferStatus.PENDING

    accepted = admin.post(f"{OFFERS}{bandung_offer.pk}/terima/", HTTP_HOST=BANDUNG_HOST)
    assert (accepted.status_code, accepted["Location"]) == (302, OFFERS)
    assert ReportIndex.objects.get(tracking_number=bandung_offer.tracking_number).government_id == bandung.pk
    after = admin.get(OFFERS, HTTP_HOST=BANDUNG_HOST).content.decode()
    assert f"Laporan {bandung_offer.tracking_number} kini ditangani Kota Bandung." in after
    assert "Tidak ada tawaran yang menunggu." in after
    assert f"<td>{bandung_offer.tracking_number}</td><td>Diterima</td>" in after

    # Declining it now: already decided, said above the list.
    late = admin.post(decline, {field: "Milik BBWS"}, HTTP_HOST=BANDUNG_HOST)
    assert late.status_code == 302
    assert (
        f"Tawaran laporan {bandung_offer.tracking_number} sudah diputuskan (Diterima)."
        in admin.get(OFFERS, HTTP_HOST=BANDUNG_HOST).content.decode()
    )


def test_declining_keeps_the_report_at_the_desk(
    national: Government, bandung: Government, bandung_offer: Offer
) -> None:
    admin = client_of(bandung, "admin.tolak@bandung.go.id")
    field = f"tawaran-{bandung_offer.pk}-alasan"
    declined = admin.post(
        f"{OFFERS}{bandung_offer.pk}/tolak/", {field: "Saluran primer milik BBWS"}, HTTP_HOST=BANDUNG_HOST
    )
    assert declined.status_code == 302
    bandung_offer.refresh_from_db()
    assert (bandung_offer.status, bandung_offer.decline_reason) == (OfferStatus.DECLINED, "Saluran primer milik BBWS")
    assert ReportIndex.objects.get(tracking_number=bandung_offer.tracking_number).government_id == national.pk


def test_the_offers_page_refuses_everyone_else_and_changes_nothing(
    national: Government, bandung: Government, jakarta: Government, bandung_offer: Offer
) -> None:
    accept = f"{OFFERS}{bandung_offer.pk}/terima/"
    decline = f"{OFFERS}{bandung_offer.pk}/tolak/"
    reason = {f"tawaran-{bandung_offer.pk}-alasan": "bukan urusan kami"}
    before = (counts(national), counts(bandung), counts(jakarta))

    # Jakarta's admin on Jakarta's host: Bandung's offer does not exist there.
    jakarta_admin = client_of(jakarta, "admin.tawaran@jakarta.go.id")
    assert bandung_offer.tracking_number not in jakarta_admin.get(OFFERS, HTTP_HOST=JAKARTA_HOST).content.decode()
    assert jakarta_admin.post(accept, HTTP_HOST=JAKARTA_HOST).status_code == 404
    assert jakarta_admin.post(decline, reason, HTTP_HOST=JAKARTA_HOST).status_code == 404
    # On Bandung's host Jakarta's admin holds no seat: 403.
    assert jakarta_admin.post(accept, HTTP_HOST=BANDUNG_HOST).status_code == 403
    # The national host has no offers page, whoever asks.
    assert jakarta_admin.get(OFFERS, HTTP_HOST=NATIONAL_HOST).status_code == 404
    # A camat of Bandung may not decide: 403 saying who may.
    camat = client_of(bandung, "camat.tawaran@bandung.go.id", "camat")
    for response in (
        camat.get(OFFERS, HTTP_HOST=BANDUNG_HOST),
        camat.post(accept, HTTP_HOST=BANDUNG_HOST),
        camat.post(decline, reason, HTTP_HOST=BANDUNG_HOST),
    ):
        assert response.status_code == 403
        assert (
            "Hanya admin koordinator pemerintah daerah ini yang dapat menerima atau menolak"
            in response.content.decode()
        )
    # GET on an action changes nothing either.
    assert client_of(bandung, "admin.get@bandung.go.id").get(accept, HTTP_HOST=BANDUNG_HOST).status_code == 405

    bandung_offer.refresh_from_db()
    assert (bandung_offer.status, bandung_offer.decided_at, bandung_offer.decline_reason) == (
        OfferStatus.PENDING,
        None,
        "",
    )
    assert (counts(national), counts(bandung), counts(jakarta)) == before
    assert ReportIndex.objects.get(tracking_number=bandung_offer.tracking_number).government_id == national.pk
