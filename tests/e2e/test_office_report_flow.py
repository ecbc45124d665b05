"""An official's day in a real browser (test a of the officials' workspace): a report sent in
Kelurahan Sukarasa, Kota Bandung (through the intake service) appears in the lurah's inbox with
its SLA badge; the kepala dinas of the dinas routing maps it to verifies it and assigns it to a
field officer, who resolves it with a proof photo taken near the place, its position read from
the browser; a proof taken 1 km away is refused with its reason. Each page is checked at 360
and 1280 px (axe-core, no sideways scroll) and photographed for docs/screenshots/government/.
"""

from __future__ import annotations

import datetime
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db import connection
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.e2e.pages import check_page, page_weight
from tests.e2e.test_reporter_identity_page import _signed_in_session
from tests.personas import verified_user, with_totp
from tests.warga.reports.helpers import (
    BANDUNG_POINT,
    BANDUNG_VILLAGE,
    JAKARTA_POINT,
    JAKARTA_VILLAGE,
    submit,
)
from tests.warga.reports.images import distinct_image
from warga.access.guards import MFA_SETUP_PATH
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.notifications.models import Notification
from warga.organization.models import Membership, Position, PositionKind, Unit
from warga.outbox.models import OutboxEvent
from warga.reports.models import (
    Report,
    ReportAssignment,
    ReportEvent,
    ReportInternalNote,
    ReportPhoto,
    ResponseTemplate,
    TrackingCounter,
)
from warga.routing.models import ReportRouting, RoutingAuditEvent

PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
DLH = "Dinas Lingkungan Hidup"
# About 1 km north of the report, and about 20 m from it.
FAR = (BANDUNG_POINT[0] + 0.009, BANDUNG_POINT[1])
NEAR = (BANDUNG_POINT[0] + 0.0002, BANDUNG_POINT[1])


def _blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (235, 235, 235)).save(out, "PNG")
    return out.getvalue()


def remove_reports(government: Government, numbers: list[str], counters: dict[int, int]) -> None:
    """Remove reports a test committed, with everything written about them, and put the
    government's tracking counters back as they were (`counters`: year -> last value)."""
    with government_context(government):
        reports = Report.objects.filter(tracking_number__in=numbers)
        ids = list(reports.values_list("id", flat=True))
        for photo in ReportPhoto.objects.filter(report__in=reports):
            for path in (photo.path, photo.thumbnail_path):
                if path:
                    default_storage.delete(path)
        ReportPhoto.objects.filter(report__in=reports).delete()
        ReportAssignment.objects.filter(report__in=reports).delete()
        ReportInternalNote.objects.filter(report__in=reports).delete()
        ReportEvent.objects.filter(report__in=reports).delete()
        ReportRouting.objects.filter(report_id__in=ids).delete()
        RoutingAuditEvent.objects.filter(report_id__in=ids).delete()
        Notification.objects.filter(report_id__in=ids).delete()
        OutboxEvent.objects.filter(aggregate_type="report", aggregate_id__in=ids).delete()
        reports.delete()
        TrackingCounter.objects.exclude(year__in=counters).delete()
        for year, last_value in counters.items():
            TrackingCounter.objects.filter(year=year).update(last_value=last_value)
    ReportIndex.objects.filter(tracking_number__in=numbers).delete()


@dataclass
class Day:
    number: str
    lurah: str
    kepala: str
    petugas: str
    petugas_name: str
    admin: str
    camat: str
    kepala_dlh: str
    lurah_without_totp: str
    dlh_number: str
    jakarta_number: str


@pytest.fixture
def day(committed_db: None) -> Iterator[Day]:
    bandung = Government.objects.get(code="32.73")
    marker = uuid.uuid4().hex[:8]
    with government_context(bandung):
        counters = dict(TrackingCounter.objects.values_list("year", "last_value"))
        pupr = Unit.objects.get(name=PUPR)
        dlh = Unit.objects.get(name=DLH)
    people: list[User] = []
    seats: list[Membership] = []
    made_positions: list[int] = []

    def official(kind: str, unit: Unit | None, name: str, totp: bool = True, **lookup: Any) -> User:
        user = verified_user(f"{kind}-{len(people)}-{marker}@bandung.go.id", full_name=name)
        user = with_totp(user) if totp else user
        people.append(user)
        with government_context(bandung):
            where = unit or Unit.objects.get(**lookup)
            position = Position.objects.filter(unit=where, kind=kind).order_by("id").first()
            if position is None:
                position = Position.objects.create(unit=where, kind=kind, title=f"Petugas Lapangan {where.name}")
                made_positions.append(position.pk)
            seats.append(
                Membership.objects.create(position=position, user_id=user.pk, starts_on=datetime.date(2024, 1, 1))
            )
        return user

    lurah = official(PositionKind.LURAH, None, "Siti Lurah", region_code=BANDUNG_VILLAGE)
    kepala = official(PositionKind.KEPALA_DINAS, pupr, "Agus Kepala")
    petugas = official(PositionKind.PETUGAS_LAPANGAN, pupr, "Rina Petugas")
    with government_context(bandung):
        root = Unit.objects.get(kind="government")
    admin = official(PositionKind.ADMIN_KOORDINATOR, root, "Dani Admin")
    camat = official(PositionKind.CAMAT, None, "Budi Camat", region_code=BANDUNG_VILLAGE.rsplit(".", 1)[0])
    kepala_dlh = official(PositionKind.KEPALA_DINAS, dlh, "Wati Kepala DLH")
    lurah_without_totp = official(PositionKind.LURAH, None, "Lurah Baru", totp=False, region_code=BANDUNG_VILLAGE)
    citizen = verified_user(f"warga-{marker}@example.id")
    people.append(citizen)
    number = submit(
        citizen, description="Jalan berlubang besar di depan SD Sukarasa, membahayakan motor."
    ).tracking_number
    dlh_number = submit(
        citizen, category_code="sampah", description="Sampah menumpuk di pinggir jalan Sukarasa sejak minggu lalu."
    ).tracking_number
    jakarta = Government.objects.get(code="31")
    with government_context(jakarta):
        jakarta_counters = dict(TrackingCounter.objects.values_list("year", "last_value"))
    jakarta_number = submit(
        citizen, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1], village_code=JAKARTA_VILLAGE
    ).tracking_number
    sessions = {
        user.pk: _signed_in_session(user)
        for user in (lurah, kepala, petugas, admin, camat, kepala_dlh, lurah_without_totp)
    }
    yield Day(
        number=number,
        lurah=sessions[lurah.pk],
        kepala=sessions[kepala.pk],
        petugas=sessions[petugas.pk],
        petugas_name="Rina Petugas",
        admin=sessions[admin.pk],
        camat=sessions[camat.pk],
        kepala_dlh=sessions[kepala_dlh.pk],
        lurah_without_totp=sessions[lurah_without_totp.pk],
        dlh_number=dlh_number,
        jakarta_number=jakarta_number,
    )
    remove_reports(bandung, [number, dlh_number], counters)
    remove_reports(jakarta, [jakarta_number], jakarta_counters)
    with government_context(bandung):
        ResponseTemplate.objects.filter(title__startswith="Uji ").delete()
        Membership.objects.filter(pk__in=[seat.pk for seat in seats]).delete()
        Position.objects.filter(pk__in=made_positions).delete()
    Session.objects.filter(session_key__in=sessions.values()).delete()
    Authenticator.objects.filter(user__in=people).delete()
    User.objects.filter(pk__in=[p.pk for p in people]).delete()
    connection.close()


def _as(browser: Any, session_key: str, **options: Any) -> Any:
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="id-ID", **options)
    context.add_cookies([{"name": "sessionid", "value": session_key, "domain": "kota-bandung.localhost", "path": "/"}])
    tile = _blank_png()
    context.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(body=tile, content_type="image/png"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    return page


def test_a_report_from_sukarasa_is_verified_assigned_and_resolved_with_proof(
    browser: Any, site_port: int, day: Day
) -> None:
    origin = f"http://kota-bandung.localhost:{site_port}"
    report_url = f"{origin}/kantor/laporan/{day.number}/"

    # The lurah's inbox: the report, with its SLA badge (on time: the first step runs 3 days).
    lurah = _as(browser, day.lurah)
    try:
        assert lurah.goto(f"{origin}/kantor/").status == 200
        row = lurah.get_by_role("row").filter(has_text=day.number)
        assert row.count() == 1
        assert "Tepat waktu" in row.inner_text()
        assert lurah.get_by_role("link", name="Kotak masuk").get_attribute("aria-current") == "page"
        # HTML, CSS and JS transferred: 23 KB measured (2026-12), on a phone's connection.
        assert page_weight(lurah) < 40_000
        check_page(lurah, "government/inbox")
        # The lurah reads the report but may not act on it: told why, no action forms.
        lurah.goto(report_url)
        assert "di luar wilayah tugas unit Anda" in lurah.locator("main").inner_text()
        assert lurah.get_by_role("button", name="Verifikasi").count() == 0
        assert lurah.console_errors == []
    finally:
        lurah.context.close()

    # The kepala dinas PUPR verifies (disposes to PUPR) and assigns the field officer.
    kepala = _as(browser, day.kepala)
    try:
        assert kepala.goto(report_url).status == 200
        # Leaflet is most of it: 192 KB measured (2026-12); loaded by this page only.
        assert page_weight(kepala) < 250_000
        check_page(kepala, "government/report")
        kepala.get_by_label("Disposisikan ke unit", exact=True).select_option(label=f"{PUPR} (Perangkat daerah)")
        kepala.get_by_role("button", name="Verifikasi", exact=True).click()
        kepala.wait_for_load_state()
        assert "Laporan diverifikasi dan didisposisikan." in kepala.locator("main").inner_text()
        kepala.get_by_label("Petugas lapangan", exact=True).select_option(index=0)
        assert day.petugas_name in kepala.get_by_label("Petugas lapangan", exact=True).inner_text()
        kepala.get_by_role("button", name="Tugaskan", exact=True).click()
        kepala.wait_for_load_state()
        assert "petugas lapangan sudah diberi tahu" in kepala.locator("main").inner_text()
        assert "Sedang ditangani" in kepala.locator(".report-badges").inner_text()
    finally:
        kepala.context.close()

    # The field officer resolves it from the phone; the browser gives the position.
    petugas = _as(
        browser, day.petugas, geolocation={"latitude": FAR[0], "longitude": FAR[1]}, permissions=["geolocation"]
    )
    try:
        petugas.goto(report_url)
        form = petugas.locator("form[data-proof-form]")
        form.get_by_label("Foto bukti", exact=True).set_input_files(
            files=[{"name": "bukti.jpg", "mimeType": "image/jpeg", "buffer": distinct_image(uuid.uuid4().int % 100000)}]
        )
        petugas.wait_for_function("document.querySelector('input[name=selesaikan-lintang]').value !== ''")
        assert float(form.get_by_label("Lintang tempat foto diambil", exact=True).input_value()) == pytest.approx(
            FAR[0], abs=1e-5
        )
        assert form.get_by_label("Waktu pengambilan", exact=True).input_value() != ""
        form.get_by_role("button", name="Selesaikan").click()
        petugas.wait_for_load_state()
        refusal = petugas.get_by_role("alert").inner_text()
        assert "m dari lokasi laporan; paling jauh 200 m" in refusal
        assert "Sedang ditangani" in petugas.locator(".report-badges").inner_text()
        check_page(petugas, "government/report-proof-refused")

        petugas.context.set_geolocation({"latitude": NEAR[0], "longitude": NEAR[1]})
        form = petugas.locator("form[data-proof-form]")
        form.get_by_label("Lintang tempat foto diambil", exact=True).fill("")
        form.get_by_label("Bujur tempat foto diambil", exact=True).fill("")
        form.get_by_label("Foto bukti", exact=True).set_input_files(
            files=[{"name": "bukti.jpg", "mimeType": "image/jpeg", "buffer": distinct_image(uuid.uuid4().int % 100000)}]
        )
        petugas.wait_for_function("document.querySelector('input[name=selesaikan-lintang]').value !== ''")
        form.get_by_label("Apa yang dikerjakan (tidak wajib)", exact=True).fill("Lubang sudah ditambal aspal.")
        form.get_by_role("button", name="Selesaikan").click()
        petugas.wait_for_load_state()
        assert "Laporan selesai dengan bukti" in petugas.locator("main").inner_text()
        assert "Selesai ditangani" in petugas.locator(".report-badges").inner_text()
        assert petugas.get_by_role("img", name="Foto bukti 1").count() == 1
        assert petugas.console_errors == []
        check_page(petugas, "government/report-resolved")
    finally:
        petugas.context.close()
    with government_context(Government.objects.get(code="32.73")):
        assert Report.objects.get(tracking_number=day.number).status == "resolved"
    # The citizen's page of the report (the public host) shows it done.
    citizen = browser.new_context(viewport={"width": 360, "height": 640}, locale="id-ID").new_page()
    try:
        assert citizen.goto(f"http://localhost:{site_port}/laporan/{day.number}/").status == 200
        assert citizen.locator("main h1 + p").inner_text().strip() == "Selesai"
    finally:
        citizen.context.close()


def test_the_admin_writes_a_response_template_and_the_reply_form_offers_it(
    browser: Any, site_port: int, day: Day
) -> None:
    origin = f"http://kota-bandung.localhost:{site_port}"
    admin = _as(browser, day.admin)
    try:
        assert admin.goto(f"{origin}/kantor/templat-balasan/").status == 200
        admin.get_by_label("Judul", exact=True).fill("Uji diteruskan")
        admin.get_by_label("Isi", exact=True).fill("Laporan {nomor} diteruskan ke {unit} pada {tanggal}.")
        admin.get_by_role("button", name="Simpan templat").click()
        admin.wait_for_load_state()
        assert "Templat disimpan." in admin.locator("main").inner_text()
        check_page(admin, "government/response-templates")
        admin.goto(f"{origin}/kantor/laporan/{day.number}/")
        admin.get_by_label("Mulai dari templat balasan", exact=True).select_option(label="Uji diteruskan")
        admin.get_by_role("button", name="Pakai templat ini").click()
        admin.wait_for_load_state()
        reply = admin.get_by_label("Balasan untuk warga (publik)", exact=True).input_value()
        assert reply.startswith(f"Laporan {day.number} diteruskan ke Dinas Pekerjaan Umum dan Penataan Ruang pada ")
        assert admin.console_errors == []
    finally:
        admin.context.close()


def _inbox_numbers(page: Any, origin: str) -> str:
    assert page.goto(f"{origin}/kantor/").status == 200
    return str(page.locator("main").inner_text())


def test_each_seat_keeps_to_its_reports_and_a_report_moves_to_another_unit(
    browser: Any, site_port: int, day: Day
) -> None:
    """Test c of the officials' workspace, and moving a report being worked to another unit."""
    origin = f"http://kota-bandung.localhost:{site_port}"
    report_url = f"{origin}/kantor/laporan/{day.number}/"

    # The camat of the report's kecamatan reads it, and is told why they cannot act on it.
    camat = _as(browser, day.camat)
    try:
        assert day.number in _inbox_numbers(camat, origin)
        assert camat.goto(report_url).status == 200
        assert "di luar wilayah tugas unit Anda" in camat.locator("main").inner_text()
        assert camat.get_by_role("button", name="Verifikasi").count() == 0
        assert camat.locator("form[action$='/pindahkan/']").count() == 0
    finally:
        camat.context.close()

    # A field officer sees their unit's reports only: PUPR's road, not DLH's rubbish.
    petugas = _as(browser, day.petugas)
    try:
        listed = _inbox_numbers(petugas, origin)
        assert day.number in listed
        assert day.dlh_number not in listed
        assert petugas.goto(f"{origin}/kantor/laporan/{day.dlh_number}/").status == 403
    finally:
        petugas.context.close()

    # An official without two-step verification is sent to set it up.
    newcomer = _as(browser, day.lurah_without_totp)
    try:
        request = newcomer.goto(f"{origin}/kantor/").request
        chain = []
        while request is not None:
            chain.insert(0, urlsplit(request.url).path)
            request = request.redirected_from
        # /kantor/ -> the TOTP set-up on the central host (which first asks that host's sign-in).
        assert chain[:2] == ["/kantor/", MFA_SETUP_PATH], chain
    finally:
        newcomer.context.close()

    kepala = _as(browser, day.kepala)
    try:
        # A Jakarta report's address typed on Bandung's host: 404 (and Jakarta's report is
        # unchanged at the end).
        assert kepala.goto(f"{origin}/kantor/laporan/{day.jakarta_number}/").status == 404

        # PUPR verifies its report, then finds it is DLH's business and moves it there.
        kepala.goto(report_url)
        kepala.get_by_role("button", name="Verifikasi", exact=True).click()
        kepala.wait_for_load_state()
        kepala.locator("details.more-actions summary").click()
        move = kepala.locator("#aksi-pindahkan")
        move.get_by_label("Unit tujuan pemindahan", exact=True).select_option(label=f"{DLH} (Perangkat daerah)")
        move.get_by_label("Alasan dipindahkan", exact=True).fill("Tumpukan sampah menutup lubang: urusan DLH dulu.")
        check_page(kepala, "government/report-move")
        move.get_by_role("button", name="Pindahkan", exact=True).click()
        kepala.wait_for_load_state()
        assert f"Dipindahkan ke {DLH}" in kepala.locator("main").inner_text()
        assert kepala.console_errors == []
    finally:
        kepala.context.close()

    # DLH's head finds it in the inbox with the trail saying who moved it and why.
    dlh = _as(browser, day.kepala_dlh)
    try:
        assert day.number in _inbox_numbers(dlh, origin)
        dlh.goto(report_url)
        assert f"Dipindahkan dari {PUPR} ke {DLH}: Tumpukan sampah" in dlh.locator("main").inner_text()
        check_page(dlh, "government/report-moved")
    finally:
        dlh.context.close()
    with government_context(Government.objects.get(code="31")):
        assert Report.objects.get(tracking_number=day.jakarta_number).status == "received"
