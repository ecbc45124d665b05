"""The report wizard in a real browser (headless Chromium) against the live server: a citizen
reports a blocked drain in Kota Bandung with a photo, a dragged pin and the depth of the water; a Jawa Barat regency not
on Warga lands with its province; a report written offline is sent once when the connection
returns. Every step passes the page checks, and the first load's weight is printed."""

from __future__ import annotations

import io
import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.e2e.pages import check_page
from tests.e2e.sessions import signed_in_session
from tests.personas import PASSWORD, verified_user
from tests.warga.notifications.fakes import FakeGateway
from tests.warga.reports.helpers import BANDUNG_POINT, BOGOR_POINT, BOGOR_VILLAGE, submit
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.reporters import index_rows_of
from warga.onboarding.services import government_provision, plan_for_codes
from warga.outbox.models import OutboxEvent
from warga.reports.models import Report, ReportEvent, ReportPhoto, ReportSupport, TrackingCounter

BANDUNG_VILLAGE = "32.73.01.1001"  # Kelurahan Sukarasa, Kecamatan Sukasari
GEGERKALONG = "32.73.01.1002"  # Kelurahan Gegerkalong: the only village of that name in Indonesia
DESCRIPTION = "Saluran air di depan warung tersumbat sampah, air meluap ke jalan setiap hujan."
WEIGHT_BUDGET = 150 * 1024


def _png(width: int = 256, height: int = 256, colour: tuple[int, int, int] = (230, 230, 230)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


BLANK_TILE = _png()


def _photo() -> bytes:
    """A camera-sized JPEG (4000 x 3000), which the page makes smaller before sending."""
    image = Image.new("RGB", (4000, 3000), (90, 120, 160))
    for x in range(0, 4000, 40):
        for y in range(0, 3000, 300):
            image.putpixel((x, y), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def _remove_reports(numbers: list[str]) -> None:
    for entry in ReportIndex.objects.select_related("government").filter(tracking_number__in=numbers):
        with government_context(entry.government):
            reports = Report.objects.filter(pk=entry.report_id)
            photos = ReportPhoto.objects.filter(report__in=reports)
            for path in photos.values_list("path", flat=True):
                default_storage.delete(path)
            photos.delete()
            ReportSupport.objects.filter(report__in=reports).delete()
            ReportEvent.objects.filter(report__in=reports).delete()
            OutboxEvent.objects.filter(aggregate_type="report", aggregate_id__in=reports.values("id")).delete()
            reports.delete()
    ReportIndex.objects.filter(tracking_number__in=numbers).delete()


@dataclass
class Citizen:
    user: User
    session_key: str

    def numbers(self) -> list[str]:
        """Their reports' numbers, rahasia ones included (indexed by a keyed hash, not the id)."""
        rows = ReportIndex.objects.filter(index_rows_of(self.user.pk))
        return list(rows.values_list("tracking_number", flat=True))


@pytest.fixture
def citizen(committed_db: None) -> Iterator[Citizen]:
    """A signed-in citizen; their reports, others' reports made for the test, the tracking
    counters, the session and the account are removed afterwards."""
    bandung = Government.objects.get(code="32.73")
    with government_context(bandung):
        counters = dict(TrackingCounter.objects.values_list("year", "last_value"))
    user = verified_user(f"warga-{uuid.uuid4().hex[:8]}@example.id", full_name="Siti Rahayu")
    key = signed_in_session(user)
    made = Citizen(user=user, session_key=key)
    yield made
    others = list(
        ReportIndex.objects.filter(reporter__email__startswith="tetangga-").values_list("tracking_number", flat=True)
    )
    _remove_reports(made.numbers() + others)
    with government_context(bandung):
        TrackingCounter.objects.exclude(year__in=counters).delete()
        for year, last_value in counters.items():
            TrackingCounter.objects.filter(year=year).update(last_value=last_value)
    Session.objects.filter(session_key=key).delete()
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
    User.objects.filter(email__startswith="tetangga-").delete()
    User.objects.filter(pk=user.pk).delete()
    connection.close()


def _context(browser: Any, citizen: Citizen | None, **options: Any) -> Any:
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        locale="id-ID",
        geolocation={"latitude": BANDUNG_POINT[0], "longitude": BANDUNG_POINT[1], "accuracy": 12},
        permissions=["geolocation"],
        **options,
    )
    # Map tiles never leave the machine: every request to another host gets a blank tile.
    context.route(re.compile(r"^https?://(?!localhost[:/])"), lambda route: route.fulfill(body=BLANK_TILE))
    if citizen is not None:
        context.add_cookies([{"name": "sessionid", "value": citizen.session_key, "domain": "localhost", "path": "/"}])
    return context


def _page(context: Any) -> Any:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    return page


def _place_without_photo(page: Any, base: str, *, point: tuple[float, float], search: str, village: str) -> None:
    """Online, from the first step: skip the photo, put the pin at `point`, pick `village`
    from the live search for `search`, and go on to the category step."""
    page.goto(f"{base}/lapor/foto/")
    with page.expect_navigation():
        page.locator('button[value="skip"]').click()
    page.wait_for_selector("#peta.leaflet-container")
    page.fill("#latitude", str(point[0]))
    page.fill("#longitude", str(point[1]))
    page.fill("#cari", search)
    page.wait_for_selector(f'input[value="{village}"]')
    page.check(f'input[value="{village}"]')
    _continue(page)


def _locate_and_drag_the_pin(page: Any) -> tuple[float, float]:
    """On the place step: the device's location (Kota Bandung, 12 m), then the pin dragged a
    little; returns the point the page filled in."""
    page.get_by_role("button", name=re.compile("lokasi saya|my location", re.I)).click()
    page.wait_for_selector(".place-pin")
    assert "12" in page.locator("[data-accuracy]").inner_text()
    before = (float(page.input_value("#latitude")), float(page.input_value("#longitude")))
    assert before == pytest.approx(BANDUNG_POINT, abs=1e-5)
    pin = page.locator(".place-pin").bounding_box()
    page.mouse.move(pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] / 2)
    page.mouse.down()
    page.mouse.move(pin["x"] + 40, pin["y"] + 30, steps=8)
    page.mouse.up()
    after = (float(page.input_value("#latitude")), float(page.input_value("#longitude")))
    assert after != before
    assert after == pytest.approx(BANDUNG_POINT, abs=0.01)
    return after


def _continue(page: Any) -> None:
    with page.expect_navigation():
        page.locator(
            'form[data-wizard-step] button[type="submit"]:not([value="search"]):not([value="add"])'
        ).first.click()


def _describe_and_send(page: Any, *, privacy: str) -> str:
    """From the category step to the confirmation: a blocked drain, the standard description,
    the given privacy, past the similar reports if any are shown. Returns the tracking number."""
    page.check("#kategori-saluran_tersumbat")
    _continue(page)
    page.fill("#description", DESCRIPTION)
    page.check(f"#privasi-{privacy}")
    _continue(page)
    if page.url.endswith("/lapor/serupa/"):
        with page.expect_navigation():
            page.locator("[data-send-anyway]").click()
    with page.expect_navigation():
        page.locator('form[data-wizard-step="kirim"] button').click()
    number: str = page.locator("[data-tracking-number]").inner_text().strip()
    return number


def _save_the_rest_offline(page: Any) -> Any:
    """From the category step on, without a connection: a rubbish report, public, kept on the
    phone. Returns the notice that says what is waiting."""
    page.check("#kategori-sampah")
    _continue(page)
    page.fill("#description", DESCRIPTION)
    page.check("#privasi-publik")
    page.locator('form[data-wizard-step="uraian"] button[type="submit"]').click()
    status = page.locator("[data-drafts-status]")
    status.wait_for(state="visible")
    return status


def _offline_draft_with_a_typed_village(context: Any, page: Any, base: str) -> Any:
    """A whole report written offline, its village only typed ("Sukarasa", a name several
    villages share, so the server cannot place it). Returns the waiting notice."""
    page.goto(f"{base}/lapor/foto/")
    page.wait_for_selector("html[data-offline-ready='1']", timeout=20_000)
    context.set_offline(True)
    with page.expect_navigation():
        page.locator('button[value="skip"]').click()
    page.fill("#latitude", str(BANDUNG_POINT[0]))
    page.fill("#longitude", str(BANDUNG_POINT[1]))
    page.fill("#cari", "Sukarasa")
    _continue(page)
    return _save_the_rest_offline(page)


def _photo_step(page: Any, tmp_path: Any) -> None:
    photo = tmp_path / "saluran.jpg"
    photo.write_bytes(_photo())
    page.set_input_files("#photos", str(photo))
    page.wait_for_selector("[data-photo-previews] img")
    # The 12 MP photo went through the phone's resize: what is sent is far smaller.
    size_kb = int(page.locator("[data-photo-previews] li").first.inner_text().split()[0])
    assert size_kb < 1024, size_kb


def test_the_wizard_first_load_is_light(browser: Any, site_port: int) -> None:
    context = _context(browser, None, service_workers="block")
    page = _page(context)
    try:
        page.goto(f"http://localhost:{site_port}/lapor/")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/lapor/foto/")
        weight = page.evaluate(
            """() => [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
              .filter((e) => e.entryType === "navigation" || /\\.(js|mjs|css|woff2?)(\\?|$)/.test(e.name))
              .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)"""
        )
        print(f"report wizard first-load weight: {weight / 1024:.1f} KB (budget 150 KB)")
        assert weight <= WEIGHT_BUDGET
    finally:
        context.close()


def test_a_citizen_reports_a_blocked_drain_in_kota_bandung(
    browser: Any, site_port: int, citizen: Citizen, tmp_path: Any
) -> None:
    neighbour = verified_user(f"tetangga-{uuid.uuid4().hex[:8]}@example.id")
    # A similar open report 40 m away: the wizard offers "saya juga" before a duplicate.
    similar = submit(
        neighbour,
        category_code="saluran_tersumbat",
        description="Saluran air tersumbat sampah di depan warung, air meluap ke jalan.",
        latitude=BANDUNG_POINT[0] + 0.0003,
    ).tracking_number
    context = _context(browser, citizen)
    page = _page(context)
    base = f"http://localhost:{site_port}"
    try:
        page.goto(f"{base}/lapor/")
        assert page.url == f"{base}/lapor/foto/"
        check_page(page, "citizen/wizard/1-photo")
        _photo_step(page, tmp_path)
        _continue(page)

        assert page.url == f"{base}/lapor/tempat/"
        page.wait_for_selector("#peta.leaflet-container")
        after = _locate_and_drag_the_pin(page)
        page.fill("#cari", "Sukarasa")
        page.wait_for_selector(f'input[value="{BANDUNG_VILLAGE}"]')
        assert "Sukasari" in page.locator(f'label[for="desa-{BANDUNG_VILLAGE}"]').inner_text().title()
        page.check(f'input[value="{BANDUNG_VILLAGE}"]')
        check_page(page, "citizen/wizard/2-place")
        _continue(page)

        assert page.url == f"{base}/lapor/kategori/"
        page.fill("#q", "bakar")
        assert page.locator("#kategori-kebakaran").is_visible()
        assert not page.locator("#kategori-sampah").is_visible()
        page.check("#kategori-kebakaran")
        alert = page.locator("[data-emergency-alert]")
        assert alert.is_visible()
        assert "112" in alert.inner_text()
        check_page(page, "citizen/wizard/3-category-emergency")
        page.fill("#q", "saluran")
        page.check("#kategori-saluran_tersumbat")
        assert not alert.is_visible()
        page.fill("#q", "")
        check_page(page, "citizen/wizard/3-category")
        _continue(page)

        assert page.url == f"{base}/lapor/uraian/"
        page.fill("#description", DESCRIPTION)
        # The category's question: a depth in words is refused next to it, a number is kept.
        page.fill("#answer-kedalaman_genangan_cm", "selutut")
        page.check("#privasi-publik")
        _continue(page)
        assert page.url == f"{base}/lapor/uraian/"
        assert page.locator("#answer-kedalaman_genangan_cm").get_attribute("aria-invalid") == "true"
        check_page(page, "citizen/wizard/4-details-answer-error")
        page.fill("#answer-kedalaman_genangan_cm", "25")
        check_page(page, "citizen/wizard/4-details")
        _continue(page)

        assert page.url == f"{base}/lapor/serupa/"
        assert similar in page.locator("main").inner_text()
        check_page(page, "citizen/wizard/5-similar")
        with page.expect_navigation():
            page.locator("[data-send-anyway]").click()

        assert page.url == f"{base}/lapor/kirim/"
        assert "Sukarasa" in page.locator("main").inner_text().title()
        assert page.locator('[data-answer="kedalaman_genangan_cm"]').inner_text() == "25"
        check_page(page, "citizen/wizard/6-check")
        assert citizen.numbers() == []
        with page.expect_navigation():
            page.locator('form[data-wizard-step="kirim"] button').click()

        number = page.locator("[data-tracking-number]").inner_text().strip()
        assert re.fullmatch(r"32\.73-\d{4}-\d{6}", number), number
        assert "Kota Bandung" in page.locator("main").inner_text()
        check_page(page, "citizen/wizard/7-sent")
        assert citizen.numbers() == [number]
        bandung = Government.objects.get(code="32.73")
        with government_context(bandung):
            report = Report.objects.get(tracking_number=number)
            assert (report.village_code, report.category_code) == (BANDUNG_VILLAGE, "saluran_tersumbat")
            assert report.answers == {"kedalaman_genangan_cm": 25}
            assert (report.latitude, report.longitude) == pytest.approx(after, abs=1e-5)
            assert ReportPhoto.objects.filter(report=report).count() == 1
        assert page.console_errors == [], page.console_errors
    finally:
        context.close()


@pytest.fixture
def jawa_barat(committed_db: None) -> Iterator[Government]:
    """Provinsi Jawa Barat on Warga (its regencies, Kabupaten Bogor among them, are not);
    removed with its schema afterwards."""
    (planned,) = plan_for_codes(codes=["32"])
    province = government_provision(planned=planned).government
    yield province
    province = Government.objects.get(pk=province.pk)
    ReportIndex.objects.filter(government=province).delete()
    province.delete(force_drop=True)
    connection.close()


def test_a_regency_not_on_warga_lands_with_its_province(
    browser: Any, site_port: int, citizen: Citizen, jawa_barat: Government
) -> None:
    context = _context(browser, citizen)
    page = _page(context)
    base = f"http://localhost:{site_port}"
    try:
        _place_without_photo(page, base, point=BOGOR_POINT, search="Pondok Rajeg", village=BOGOR_VILLAGE)
        number = _describe_and_send(page, privacy="anonim")
        assert number.startswith("32-"), number
        said = page.locator("[data-landed]")
        assert said.get_attribute("data-landed") == "province"
        assert jawa_barat.name in said.inner_text()
        assert "bogor" in said.inner_text().lower()
        check_page(page, "citizen/wizard/7-sent-province")
        assert citizen.numbers() == [number]
        assert ReportIndex.objects.get(tracking_number=number).government_id == jawa_barat.pk
    finally:
        context.close()


def test_a_province_not_on_warga_sends_the_report_to_the_national_desk(
    browser: Any, site_port: int, citizen: Citizen
) -> None:
    """Neither Kabupaten Bogor nor Jawa Barat is on Warga here: the national desk receives the
    report, and the confirmation says so, naming both."""
    assert not Government.objects.filter(code__in=["32", "32.01"]).exists()
    national = Government.objects.get(level="national")
    with government_context(national):
        counters = dict(TrackingCounter.objects.values_list("year", "last_value"))
    context = _context(browser, citizen)
    page = _page(context)
    base = f"http://localhost:{site_port}"
    try:
        _place_without_photo(page, base, point=BOGOR_POINT, search="Pondok Rajeg", village=BOGOR_VILLAGE)
        number = _describe_and_send(page, privacy="publik")
        said = page.locator("[data-landed]")
        assert said.get_attribute("data-landed") == "national"
        assert national.name in said.inner_text()
        assert "bogor" in said.inner_text().lower()
        assert "jawa barat" in said.inner_text().lower()
        check_page(page, "citizen/wizard/7-sent-national")
        assert citizen.numbers() == [number]
        assert ReportIndex.objects.get(tracking_number=number).government_id == national.pk
    finally:
        context.close()
        # The national desk's numbers start again where they were (other tests count from the first).
        _remove_reports(citizen.numbers())
        with government_context(national):
            TrackingCounter.objects.exclude(year__in=counters).delete()
            for year, last_value in counters.items():
                TrackingCounter.objects.filter(year=year).update(last_value=last_value)


def test_a_report_written_offline_is_sent_once_when_the_connection_returns(
    browser: Any, site_port: int, citizen: Citizen, tmp_path: Any
) -> None:
    context = _context(browser, citizen)
    page = _page(context)
    base = f"http://localhost:{site_port}"
    try:
        page.goto(f"{base}/lapor/foto/")
        page.wait_for_selector("html[data-offline-ready='1']", timeout=20_000)
        context.set_offline(True)

        _photo_step(page, tmp_path)
        _continue(page)
        assert page.url == f"{base}/lapor/tempat/"
        page.fill("#latitude", str(BANDUNG_POINT[0]))
        page.fill("#longitude", str(BANDUNG_POINT[1]))
        page.fill("#cari", "Gegerkalong")
        _continue(page)
        assert page.url == f"{base}/lapor/kategori/"
        page.check("#kategori-saluran_tersumbat")
        _continue(page)
        assert page.url == f"{base}/lapor/uraian/"
        page.fill("#description", DESCRIPTION)
        # The copy carries every category's questions; the page shows the draft's category's.
        page.fill("#answer-kedalaman_genangan_cm", "30")
        assert page.locator("[data-questions-for]").count() == 1
        page.check("#privasi-publik")
        page.locator('form[data-wizard-step="uraian"] button[type="submit"]').click()

        status = page.locator("[data-drafts-status]")
        status.wait_for(state="visible")
        assert "menunggu" in status.inner_text() or "waiting" in status.inner_text()
        check_page(page, "citizen/wizard/offline-waiting")
        time.sleep(1)
        assert citizen.numbers() == []

        context.set_offline(False)
        page.wait_for_function(
            "() => /32\\.73-\\d{4}-\\d{6}/.test(document.querySelector('[data-drafts-status]').textContent)",
            timeout=20_000,
        )
        # Both the page and the service worker's Background Sync may send it: one report.
        time.sleep(2)
        numbers = citizen.numbers()
        assert len(numbers) == 1, numbers
        assert numbers[0] in status.inner_text()
        bandung = Government.objects.get(code="32.73")
        with government_context(bandung):
            report = Report.objects.get(tracking_number=numbers[0])
            assert report.village_code == GEGERKALONG
            assert report.answers == {"kedalaman_genangan_cm": 30}
            assert ReportPhoto.objects.filter(report=report).count() == 1
        # Nothing is left waiting on the phone.
        page.reload()
        assert page.evaluate("() => localStorage.getItem('warga-drafts-waiting')") is None
    finally:
        context.close()


def test_bad_input_in_the_browser_gets_its_message_and_writes_nothing(
    browser: Any, site_port: int, citizen: Citizen, tmp_path: Any
) -> None:
    context = _context(browser, citizen)
    page = _page(context)
    base = f"http://localhost:{site_port}"
    try:
        page.goto(f"{base}/lapor/foto/")
        # No photo.
        _continue(page)
        summary = page.get_by_role("alert")
        assert "Tambahkan paling sedikit satu foto" in summary.inner_text()
        assert page.locator("#photos").get_attribute("aria-invalid") == "true"
        check_page(page, "citizen/wizard/1-photo-error")
        # A 30 MB file that no phone could shrink.
        huge = tmp_path / "besar.jpg"
        huge.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * (30 * 1024 * 1024))
        page.set_input_files("#photos", str(huge))
        _continue(page)
        assert "lebih besar dari 10 MB" in page.get_by_role("alert").inner_text()
        with page.expect_navigation():
            page.locator('button[value="skip"]').click()
        # A place outside Indonesia (Manila).
        page.wait_for_selector("#peta.leaflet-container")
        page.fill("#latitude", "14.5995")
        page.fill("#longitude", "120.9842")
        page.fill("#cari", "Sukarasa")
        page.wait_for_selector(f'input[value="{BANDUNG_VILLAGE}"]')
        page.check(f'input[value="{BANDUNG_VILLAGE}"]')
        _continue(page)
        assert page.url == f"{base}/lapor/tempat/"
        assert "di luar Indonesia" in page.get_by_role("alert").inner_text()
        check_page(page, "citizen/wizard/2-place-error")
        assert citizen.numbers() == []
        assert citizen.numbers() == []
    finally:
        context.close()


def test_the_draft_survives_the_real_sign_in_page(browser: Any, site_port: int, citizen: Citizen) -> None:
    context = _context(browser, None)
    page = _page(context)
    base = f"http://localhost:{site_port}"
    try:
        _place_without_photo(page, base, point=BANDUNG_POINT, search="Gegerkalong", village=GEGERKALONG)
        page.check("#kategori-sampah")
        _continue(page)
        page.fill("#description", "Sampah menumpuk di pinggir jalan sejak seminggu, baunya sampai ke rumah warga.")
        page.check("#privasi-rahasia")
        _continue(page)

        assert page.url == f"{base}/akun/login/?next=/lapor/serupa/"
        page.fill("input[name=login]", citizen.user.email)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        page.wait_for_url(f"{base}/lapor/kirim/")
        assert "Gegerkalong" in page.locator("main").inner_text().title()
        with page.expect_navigation():
            page.locator('form[data-wizard-step="kirim"] button').click()
        number = page.locator("[data-tracking-number]").inner_text().strip()
        assert citizen.numbers() == [number]
        assert number.startswith("32.73-")
    finally:
        context.close()


def test_me_too_supports_the_similar_report_once_instead_of_a_duplicate(
    browser: Any, site_port: int, citizen: Citizen
) -> None:
    neighbour = verified_user(f"tetangga-{uuid.uuid4().hex[:8]}@example.id")
    similar = submit(
        neighbour,
        category_code="saluran_tersumbat",
        description="Saluran air tersumbat sampah di depan warung, air meluap ke jalan.",
        latitude=BANDUNG_POINT[0] + 0.0003,
    ).tracking_number
    context = _context(browser, citizen)
    page = _page(context)
    base = f"http://localhost:{site_port}"
    try:
        _place_without_photo(page, base, point=BANDUNG_POINT, search="Sukarasa", village=BANDUNG_VILLAGE)
        page.check("#kategori-saluran_tersumbat")
        _continue(page)
        page.fill("#description", DESCRIPTION)
        page.check("#privasi-publik")
        _continue(page)
        assert page.url == f"{base}/lapor/serupa/"
        page.get_by_role("button", name=re.compile(f"Saya juga.*{re.escape(similar)}")).click()
        said = page.locator("[data-support-count]")
        said.wait_for()
        assert said.get_attribute("data-support-count") == "1"
        assert page.locator("[data-send-anyway]").get_attribute("href") == "/lapor/"
        check_page(page, "citizen/wizard/5-similar-supported")
        # Pressing again (the API directly, as a double tap would) changes nothing.
        again = page.evaluate(
            """async (number) => {
              const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
              const r = await fetch(`/api/v1/reports/${number}/support/`, {method: "POST", headers: {"X-CSRFToken": token}});
              return (await r.json()).support_count;
            }""",
            similar,
        )
        assert again == 1
        bandung = Government.objects.get(code="32.73")
        with government_context(bandung):
            assert ReportSupport.objects.filter(report__tracking_number=similar).count() == 1
        assert citizen.numbers() == []
        # The draft is gone: a new report starts from the photo step.
        page.goto(f"{base}/lapor/kirim/")
        assert page.url == f"{base}/lapor/foto/"
    finally:
        context.close()


def test_an_offline_draft_the_server_refuses_is_shown_and_can_be_thrown_away(
    browser: Any, site_port: int, citizen: Citizen
) -> None:
    """A village name typed offline that matches several villages cannot be placed: the draft
    is refused with the service's message, kept until the citizen throws it away."""
    context = _context(browser, citizen)
    page = _page(context)
    base = f"http://localhost:{site_port}"
    try:
        status = _offline_draft_with_a_typed_village(context, page, base)

        context.set_offline(False)
        discard = status.get_by_role("button", name="Buang laporan ini")
        discard.wait_for(timeout=20_000)
        assert "tidak ditemukan" in status.inner_text()
        check_page(page, "citizen/wizard/offline-refused")
        discard.click()
        status.wait_for(state="hidden")
        assert citizen.numbers() == []
        assert page.evaluate("() => localStorage.getItem('warga-drafts-waiting')") is None
    finally:
        context.close()


def test_offline_the_village_list_offers_the_villages_this_phone_has_seen(
    browser: Any, site_port: int, citizen: Citizen
) -> None:
    """Searched once online, a village can be chosen from the list without a connection; the
    report sent on return carries exactly that village."""
    context = _context(browser, citizen)
    page = _page(context)
    base = f"http://localhost:{site_port}"
    try:
        page.goto(f"{base}/lapor/foto/")
        page.wait_for_selector("html[data-offline-ready='1']", timeout=20_000)
        with page.expect_navigation():
            page.locator('button[value="skip"]').click()
        page.fill("#cari", "Sukarasa")
        page.wait_for_selector(f'input[value="{BANDUNG_VILLAGE}"]')
        seen = page.locator("[data-village-options] input").count()
        assert seen > 1  # several villages of that name in Indonesia

        context.set_offline(True)
        page.fill("#cari", "")
        page.fill("#cari", "sukaras")
        page.wait_for_selector("[data-village-empty]")
        assert "sudah pernah muncul di ponsel ini" in page.locator("[data-village-empty]").inner_text()
        # Only villages seen online, and of those the ones whose name holds what was typed.
        assert 0 < page.locator("[data-village-options] input").count() <= seen
        label = page.locator(f'label[for="desa-{BANDUNG_VILLAGE}"]').inner_text()
        assert "Sukasari" in label.title()
        assert "Kota Bandung" in label.title()
        page.fill("#latitude", str(BANDUNG_POINT[0]))
        page.fill("#longitude", str(BANDUNG_POINT[1]))
        page.check(f'input[value="{BANDUNG_VILLAGE}"]')
        check_page(page, "citizen/wizard/2-place-offline")
        _continue(page)
        assert page.url == f"{base}/lapor/kategori/"
        _save_the_rest_offline(page)
        assert citizen.numbers() == []

        context.set_offline(False)
        page.wait_for_function(
            "() => /32\\.73-\\d{4}-\\d{6}/.test(document.querySelector('[data-drafts-status]').textContent)",
            timeout=20_000,
        )
        time.sleep(1)
        numbers = citizen.numbers()
        assert len(numbers) == 1, numbers
        with government_context(Government.objects.get(code="32.73")):
            assert Report.objects.get(tracking_number=numbers[0]).village_code == BANDUNG_VILLAGE
    finally:
        context.close()


def test_an_offline_draft_whose_village_is_not_found_is_placed_by_the_citizen_and_sent(
    browser: Any, site_port: int, citizen: Citizen
) -> None:
    """A name typed offline that the server cannot place: instead of only throwing the draft
    away, the citizen chooses the village from the official list and the same draft is sent."""
    context = _context(browser, citizen)
    page = _page(context)
    base = f"http://localhost:{site_port}"
    try:
        status = _offline_draft_with_a_typed_village(context, page, base)

        context.set_offline(False)
        picker = status.locator("[data-draft-village]")
        picker.wait_for(timeout=20_000)
        assert "tidak ditemukan" in status.inner_text()
        # The typed name is searched at once; the citizen picks the one in Kota Bandung.
        choice = picker.locator(f'input[value="{BANDUNG_VILLAGE}"]')
        choice.wait_for()
        assert picker.locator("input[type=radio]").count() > 1
        send = picker.get_by_role("button", name="Kirim dengan kelurahan/desa ini")
        send.click()
        assert "Pilih dulu" in picker.inner_text()  # nothing chosen yet
        assert citizen.numbers() == []
        choice.check()
        check_page(page, "citizen/wizard/offline-refused-pick-village")
        send.click()
        page.wait_for_function(
            "() => /32\\.73-\\d{4}-\\d{6}/.test(document.querySelector('[data-drafts-status]').textContent)",
            timeout=20_000,
        )
        numbers = citizen.numbers()
        assert len(numbers) == 1, numbers
        assert numbers[0] in status.inner_text()
        with government_context(Government.objects.get(code="32.73")):
            report = Report.objects.get(tracking_number=numbers[0])
            assert (report.village_code, report.description) == (BANDUNG_VILLAGE, DESCRIPTION)
        assert page.evaluate("() => localStorage.getItem('warga-drafts-waiting')") is None
        assert page.console_errors == [], page.console_errors
    finally:
        context.close()


@pytest.fixture
def sms_gateway(settings: Any) -> Iterator[FakeGateway]:
    """The SMS provider, replaced at the network boundary by a local HTTP server."""
    fake = FakeGateway()
    settings.WARGA_SMS_SENDER = "warga.notifications.sms.HttpSmsSender"
    settings.WARGA_SMS_HTTP_URL = fake.url
    settings.WARGA_SMS_HTTP_TOKEN = "token-uji"
    yield fake
    fake.close()


@pytest.fixture
def newcomer(committed_db: None) -> Iterator[str]:
    """The email of a citizen who does not exist yet; their account, reports and sessions go
    afterwards, and Kota Bandung's tracking counters are put back."""
    bandung = Government.objects.get(code="32.73")
    with government_context(bandung):
        counters = dict(TrackingCounter.objects.values_list("year", "last_value"))
    email = f"baru-{uuid.uuid4().hex[:8]}@example.id"
    yield email
    user = User.objects.filter(email=email).first()
    if user is not None:
        _remove_reports(Citizen(user=user, session_key="").numbers())
        for session in Session.objects.all():
            if session.get_decoded().get(SESSION_KEY) == str(user.pk):
                session.delete()
        user.delete()
    with government_context(bandung):
        TrackingCounter.objects.exclude(year__in=counters).delete()
        for year, last_value in counters.items():
            TrackingCounter.objects.filter(year=year).update(last_value=last_value)
    connection.close()


def _sms_code(gateway: FakeGateway, number: str) -> str:
    texts = [json.dumps(message) for message in gateway.received if number in json.dumps(message)]
    assert texts, gateway.received
    found = re.search(r"\b(\d{8})\b", texts[-1])
    assert found, texts[-1]
    return found.group(1)


def test_a_new_citizen_signs_up_by_sms_code_reports_and_finds_it_in_my_reports(
    browser: Any, site_port: int, newcomer: str, sms_gateway: FakeGateway, tmp_path: Any
) -> None:
    phone = f"0812{uuid.uuid4().int % 10**8:08d}"
    e164 = "+62" + phone[1:]
    context = _context(browser, None)
    page = _page(context)
    base = f"http://localhost:{site_port}"
    try:
        page.goto(f"{base}/akun/signup/")
        page.fill("input[name=email]", newcomer)
        page.fill("input[name=phone]", phone)
        page.fill("input[name=password1]", PASSWORD)
        page.fill("input[name=password2]", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        # The number is verified with the code the SMS brought.
        assert page.url == f"{base}/akun/phone/verify/"
        check_page(page, "citizen/sign-up-phone-code")
        page.fill("input[name=code]", _sms_code(sms_gateway, e164))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        # Then the email address, by the link in the message (allauth's mandatory verification).
        assert "memverifikasi nomor telepon" in page.locator("main").inner_text()
        (message,) = [sent for sent in mail.outbox if sent.to == [newcomer]]
        link = re.search(r"https?://\S+/akun/confirm-email/\S+/", message.body)
        assert link, message.body
        page.goto(link.group(0).replace("http://localhost/", f"{base}/"))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        assert page.url == f"{base}/akun/login/"

        # Signed in by a code sent by SMS to the number, no password typed.
        with page.expect_navigation():
            page.get_by_text("Kirim kode masuk kepada saya").click()
        page.fill("input[name=phone]", phone)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        assert page.url == f"{base}/akun/login/code/confirm/"
        assert len([sent for sent in sms_gateway.received if e164 in json.dumps(sent)]) == 2
        check_page(page, "citizen/sign-in-code-confirm")
        page.fill("input[name=code]", _sms_code(sms_gateway, e164))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        assert page.get_by_role("link", name="Laporan saya").is_visible()

        page.goto(f"{base}/lapor/")
        _photo_step(page, tmp_path)
        _continue(page)
        page.wait_for_selector("#peta.leaflet-container")
        point = _locate_and_drag_the_pin(page)
        page.fill("#cari", "Sukarasa")
        page.wait_for_selector(f'input[value="{BANDUNG_VILLAGE}"]')
        page.check(f'input[value="{BANDUNG_VILLAGE}"]')
        _continue(page)
        number = _describe_and_send(page, privacy="publik")
        assert re.fullmatch(r"32\.73-\d{4}-\d{6}", number), number

        page.get_by_role("link", name="Laporan saya").click()
        page.wait_for_url(f"{base}/laporan-saya/")
        mine = page.locator("main")
        assert number in mine.inner_text()
        assert mine.locator(f'a[href="/laporan/{number}/"]').count() == 1
        check_page(page, "citizen/my-reports-new-citizen")
        user = User.objects.get(email=newcomer)
        assert (user.phone, user.phone_verified) == (e164, True)
        assert Citizen(user=user, session_key="").numbers() == [number]
        with government_context(Government.objects.get(code="32.73")):
            report = Report.objects.get(tracking_number=number)
            assert (report.latitude, report.longitude) == pytest.approx(point, abs=1e-5)
            assert ReportPhoto.objects.filter(report=report).count() == 1
        assert page.console_errors == [], page.console_errors
    finally:
        context.close()
