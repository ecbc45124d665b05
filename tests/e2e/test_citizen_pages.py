"""The citizen pages in a real browser: a second citizen finds a report on the map and says
"saya juga" (counted once however often pressed); the reporter rates and disputes after an
official resolved it; every page passes the page checks (axe-core, 360 px, screenshots).

Reports are made through the intake service and committed (the live server reads them), then
removed with everything written about them. Tile requests never leave the machine: every request
to another host is answered with a blank tile.
"""

from __future__ import annotations

import io
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.e2e.pages import check_page, page_weight
from tests.e2e.sessions import signed_in_session
from tests.factories import UserFactory
from tests.personas import PASSWORD, official_of, verified_user
from tests.warga.reports.helpers import resolve, submit
from tests.worker.support import committed_citizen
from warga.accounts.models import User
from warga.organization.models import Membership
from warga.reports.models import Report, ReportComment, ReportFollower, ReportSupport
from warga.reports.services import report_transition
from warga.routing.models import RoutingAuditEvent
from warga.web.signin import CENTRAL_SESSION_KEY

OFF_MACHINE = re.compile(r"^https?://(?!(?:[a-z0-9-]+\.)?localhost[:/])")


def _blank_tile() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (242, 239, 233)).save(buffer, "PNG")
    return buffer.getvalue()


BLANK_TILE = _blank_tile()


def _session_for(user: User) -> str:
    """A signed-in session for `user`, as the sign-in leaves it (the browser gets its cookie)."""
    # UserFactory does not save the hashed password; the session's hash must match the stored one.
    user.save(update_fields=["password"])
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    session[CENTRAL_SESSION_KEY] = session.session_key
    session.save()
    return str(session.session_key)


def _browser_page(browser: Any, *, session_key: str | None = None) -> Any:
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="id-ID")
    context.route(OFF_MACHINE, lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE))
    if session_key:
        context.add_cookies([{"name": "sessionid", "value": session_key, "domain": "localhost", "path": "/"}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    return page


@dataclass
class Scene:
    reporter: User
    number: str
    other_user: User
    sessions: list[str]
    official: User | None = None


@pytest.fixture
def scene(committed_db: None, settings: Any, tmp_path: Any) -> Iterator[Scene]:
    settings.WARGA_INTAKE_RATE_LIMITS = ((3600, 1000),)
    settings.MEDIA_ROOT = tmp_path / "media"
    bandung = Government.objects.get(code="32.73")
    with committed_citizen(email_prefix="pelapor-peta") as reporter:
        other = UserFactory(email=f"tetangga-{uuid.uuid4().hex[:8]}@example.id")
        number = submit(
            reporter, description="Saluran air tersumbat sampah di depan pasar, air meluap ke jalan."
        ).tracking_number
        scene = Scene(reporter=reporter, number=number, other_user=other, sessions=[])
        try:
            yield scene
        finally:
            with government_context(bandung):
                ids = list(Report.objects.filter(tracking_number=number).values_list("pk", flat=True))
                for model in (ReportSupport, ReportComment, ReportFollower):
                    model.objects.filter(report_id__in=ids).delete()
                RoutingAuditEvent.objects.filter(report_id__in=ids).delete()
                if scene.official is not None:
                    Membership.objects.filter(user_id=scene.official.pk).delete()
            Session.objects.filter(session_key__in=scene.sessions).delete()
            if scene.official is not None:
                Authenticator.objects.filter(user=scene.official).delete()
                scene.official.delete()
            other.delete()
    connection.close()


def _count(number: str) -> int:
    with government_context(Government.objects.get(code="32.73")):
        return Report.objects.get(tracking_number=number).support_count


def test_a_second_citizen_finds_the_report_on_the_map_and_says_saya_juga_once(
    browser: Any, site_port: int, scene: Scene
) -> None:
    key = _session_for(scene.other_user)
    scene.sessions.append(key)
    page = _browser_page(browser, session_key=key)
    base = f"http://localhost:{site_port}"
    try:
        page.goto(f"{base}/peta/")
        assert page.locator("#peta").is_visible()
        # The script draws the report as a pin and lists it beside the map.
        page.locator(".report-pin").first.wait_for()
        entry = page.locator(f'#daftar a[href="/laporan/{scene.number}/"]')
        entry.wait_for()
        print(f"map page weight: {page_weight(page) / 1024:.1f} KB (Leaflet and its cluster plugin, uncompressed)")
        check_page(page, "citizen/map")

        entry.click()
        page.wait_for_url(f"{base}/laporan/{scene.number}/")
        assert "0" in page.locator(".support-count").inner_text()
        button = page.get_by_role("button", name="Saya juga mengalami masalah ini")
        assert button.get_attribute("aria-pressed") == "false"
        with page.expect_navigation():
            button.click()
        # Their "saya juga" is now shown as given: a pressed button that says so.
        pressed = page.get_by_role("button", name="Anda sudah mendukung", pressed=True)
        assert pressed.get_attribute("aria-pressed") == "true"
        assert page.get_by_role("button", name="Saya juga mengalami masalah ini").count() == 0
        check_page(page, "citizen/report-supported")
        for _ in range(2):
            with page.expect_navigation():
                pressed.click()
        assert page.locator(".support-count").inner_text() == "1 orang mengalami masalah yang sama."
        assert pressed.get_attribute("aria-pressed") == "true"
        assert "dukungan dihitung satu kali" in page.locator(".messages").inner_text()
        assert _count(scene.number) == 1
        check_page(page, "citizen/report")
        assert page.console_errors == [], page.console_errors
    finally:
        page.context.close()


def test_the_reporter_rates_and_disputes_after_an_official_resolves(browser: Any, site_port: int, scene: Scene) -> None:
    bandung = Government.objects.get(code="32.73")
    scene.official = official_of(bandung)
    with government_context(bandung):
        for status in ("verified", "in_progress"):
            report_transition(actor=scene.official, tracking_number=scene.number, to_status=status)
    resolve(bandung, scene.number, scene.official)
    key = _session_for(scene.reporter)
    scene.sessions.append(key)
    page = _browser_page(browser, session_key=key)
    base = f"http://localhost:{site_port}"
    try:
        page.goto(f"{base}/laporan-saya/")
        card = page.locator(".report-card", has_text=scene.number)
        assert "Selesai" in card.inner_text()
        check_page(page, "citizen/my-reports")
        card.get_by_role("link").click()
        page.wait_for_url(f"{base}/laporan/{scene.number}/")

        # No score chosen: the message next to the choices and at the top; nothing written.
        page.get_by_role("button", name="Kirim nilai").click()
        page.wait_for_load_state()
        assert "Pilih nilai 1 sampai 5." in page.get_by_role("alert").inner_text()
        check_page(page, "citizen/report-error")
        page.get_by_label("4", exact=True).check()
        page.get_by_role("button", name="Kirim nilai").click()
        page.wait_for_load_state()
        assert "Anda memberi nilai 4 dari 5" in page.locator("main").inner_text()
        check_page(page, "citizen/report-reporter")

        page.get_by_label("Belum beres? Sanggah dan jelaskan alasannya").fill("Salurannya tersumbat lagi.")
        page.get_by_role("button", name="Sanggah: masalahnya belum selesai").click()
        page.wait_for_load_state()
        assert "Dibuka kembali" in page.locator("main").inner_text()
        with government_context(bandung):
            report = Report.objects.get(tracking_number=scene.number)
            assert (report.rating, report.status) == (4, "reopened")
        assert page.console_errors == [], page.console_errors
    finally:
        page.context.close()


def test_the_entrance_and_lookup_pages_pass_the_page_checks(phone: Any, site_port: int) -> None:
    base = f"http://localhost:{site_port}"
    phone.goto(f"{base}/")
    print(f"home page weight: {page_weight(phone) / 1024:.1f} KB (budget 100 KB)")
    phone.get_by_label("Nomor laporan").fill("32.73-2026-424242")
    phone.get_by_role("button", name="Cari").click()
    phone.wait_for_load_state()
    assert "Tidak ada laporan dengan nomor 32.73-2026-424242" in phone.get_by_role("alert").inner_text()
    check_page(phone, "citizen/lookup-not-found")
    phone.goto(f"{base}/akun/login/")
    check_page(phone, "citizen/sign-in")
    phone.goto(f"{base}/akun/signup/")
    check_page(phone, "citizen/sign-up")
    phone.goto(f"{base}/akun/login/code/")
    check_page(phone, "citizen/sign-in-code")
    # The lookup answers "not found" with a 404, which the browser logs; nothing else may fail.
    unexpected = [error for error in phone.console_errors if "status of 404" not in error]
    assert unexpected == [], unexpected


def test_the_account_pages_pass_the_page_checks(browser: Any, site_port: int, scene: Scene) -> None:
    key = _session_for(scene.reporter)
    scene.sessions.append(key)
    page = _browser_page(browser, session_key=key)
    base = f"http://localhost:{site_port}"
    try:
        page.goto(f"{base}/")
        page.get_by_role("link", name="Akun").click()
        page.wait_for_url(f"{base}/akun/data/")
        check_page(page, "citizen/account-data")
        page.get_by_role("navigation", name="Akun").get_by_role("link", name="Email").click()
        page.wait_for_url(f"{base}/akun/email/")
        check_page(page, "citizen/account-email")
        page.get_by_role("navigation", name="Akun").get_by_role("link", name="Perangkat").click()
        page.wait_for_url(f"{base}/akun/sessions/")
        check_page(page, "citizen/account-devices")
        assert page.console_errors == [], page.console_errors
    finally:
        page.context.close()


def test_the_two_step_sign_in_pages_pass_the_page_checks(browser: Any, site_port: int, committed_db: None) -> None:
    """allauth's MFA pages in the citizen layout: the overview, turning on an authenticator app,
    the recovery codes, and the second step of signing in."""
    user = verified_user(f"dua-langkah-{uuid.uuid4().hex[:8]}@example.id")
    key = signed_in_session(user, mfa_passed=False)
    page = _browser_page(browser, session_key=key)
    base = f"http://localhost:{site_port}"
    try:
        page.goto(f"{base}/akun/data/")
        page.get_by_role("navigation", name="Akun").get_by_role("link", name="Masuk dua langkah").click()
        page.wait_for_url(f"{base}/akun/2fa/")
        check_page(page, "citizen/account-mfa")
        page.goto(f"{base}/akun/2fa/totp/activate/")
        if "reauthenticate" in page.url:
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").last.click()
        page.wait_for_url(f"{base}/akun/2fa/totp/activate/")
        check_page(page, "citizen/account-mfa-activate")
        secret = page.locator("#authenticator_secret").input_value()
        page.fill("input[name=code]", _totp(secret))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        page.goto(f"{base}/akun/2fa/recovery-codes/")
        check_page(page, "citizen/account-mfa-recovery-codes")

        # Signing in again asks for the second step.
        page.context.clear_cookies()
        page.goto(f"{base}/akun/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        assert page.url == f"{base}/akun/2fa/authenticate/"
        check_page(page, "citizen/sign-in-mfa")
        page.fill("input[name=code]", _totp(secret, later=True))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()  # the last one cancels
        assert page.get_by_role("link", name="Laporan saya").is_visible(), (page.url, page.locator("main").inner_text())
        assert page.console_errors == [], page.console_errors
    finally:
        page.context.close()
        Authenticator.objects.filter(user=user).delete()
        for session in Session.objects.all():
            if session.get_decoded().get(SESSION_KEY) == str(user.pk):
                session.delete()
        user.delete()
        connection.close()


def _totp(secret: str, *, later: bool = False) -> str:
    """The authenticator app's current code; `later` waits for the next window (a code is used once)."""
    left = 30 - time.time() % 30
    if later or left < 5:
        time.sleep(left + 0.5)
    return str(format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time()))))
