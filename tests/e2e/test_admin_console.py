"""The admin koordinator sets up Kota Bandung in a real browser: a new dinas and its head's seat,
an invitation by email, the category sent to the new dinas (the simulator's answer follows), the
earlier rule version restored (the old answer is back), then calendar, privacy, branding and
the audit log. Every page is audited at 360 and 1280 px and screenshotted."""

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
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.db.models import Max
from PIL import Image
from playwright.sync_api import expect

from tenants.context import government_context
from tenants.models import Government
from tests.e2e.pages import check_page
from tests.e2e.sessions import signed_in_page, signed_in_session
from tests.personas import membership_in, verified_user, with_totp
from warga.accounts.models import User
from warga.organization.models import Branding, Invitation, Membership, OrganizationEvent, Position, Unit
from warga.routing.models import RoutingAuditEvent, Rule, RuleSet
from warga.workcalendar.models import CalendarAuditEvent

NEW_UNIT = "Dinas Sumber Daya Air"
INVITEE = "kadis.sda.e2e@example.id"
INVITEE_PASSWORD = "Sandi-Warga-2026!"


@dataclass
class Scene:
    admin: User
    session_key: str


@pytest.fixture
def scene(committed_db: None) -> Iterator[Scene]:
    """Bandung's admin koordinator (TOTP, a session on Bandung's host); afterwards everything the
    test wrote is removed and the rule version that was in force is in force again."""
    bandung = Government.objects.get(code="32.73")
    admin = with_totp(verified_user(f"admin-{uuid.uuid4().hex[:8]}@bandung.go.id", full_name="Rina Kusuma"))
    seat = membership_in(bandung, admin)
    with government_context(bandung):
        last_version = RuleSet.objects.aggregate(top=Max("version"))["top"]
        active = RuleSet.objects.get(is_active=True).pk
    session_key = signed_in_session(admin)
    yield Scene(admin=admin, session_key=session_key)
    with government_context(bandung):
        later = RuleSet.objects.filter(version__gt=last_version)
        Rule.objects.filter(rule_set__in=later).delete()
        later.delete()
        RuleSet.objects.filter(pk=active).update(is_active=True)
        RoutingAuditEvent.objects.filter(rule_set_version__gt=last_version).delete()
        units = Unit.objects.filter(name=NEW_UNIT)
        Invitation.objects.filter(position__unit__in=units).delete()
        Membership.objects.filter(position__unit__in=units).delete()
        Position.objects.filter(unit__in=units).delete()
        units.delete()
        Membership.objects.filter(pk=seat.pk).delete()
        OrganizationEvent.objects.filter(actor_id=admin.pk).delete()
        CalendarAuditEvent.objects.filter(actor_id=admin.pk).delete()
        Branding.objects.all().delete()
    invitees = list(User.objects.filter(email=INVITEE))
    with government_context(bandung):
        OrganizationEvent.objects.filter(actor_id__in=[u.pk for u in invitees]).delete()
    people = {str(u.pk) for u in [admin, *invitees]}
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") in people:
            session.delete()
    Session.objects.filter(session_key=session_key).delete()
    Authenticator.objects.filter(user__in=[admin, *invitees]).delete()
    User.objects.filter(pk__in=[admin.pk, *[u.pk for u in invitees]]).delete()
    connection.close()


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (14, 94, 60)).save(out, "PNG")
    return out.getvalue()


def _the_invitee_accepts_and_sets_up_two_step_verification(browser: Any, site_port: int, email: str) -> None:
    """From the emailed link: sign up on the central host, accept, then activate an authenticator
    (the code computed from the secret the page shows, as an authenticator app would)."""
    link = re.search(r"http://kota-bandung\.localhost:\d+/undangan/[A-Za-z0-9_-]+/", email)
    assert link is not None
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="id-ID")
    phone = context.new_page()
    try:
        phone.goto(link.group(0))
        phone.wait_for_url(re.compile(rf"http://localhost:{site_port}/akun/signup/"))
        phone.fill("input[name=password1]", INVITEE_PASSWORD)
        phone.fill("input[name=password2]", INVITEE_PASSWORD)
        phone.locator("main form button[type=submit]").last.click()
        phone.wait_for_url(link.group(0))
        phone.locator("#terima").click()
        phone.wait_for_url(link.group(0))
        phone.locator("#lanjut").click()
        phone.wait_for_url(re.compile(rf"http://localhost:{site_port}/akun/(reauthenticate|2fa/totp/activate)/"))
        if "reauthenticate" in phone.url:
            phone.fill("input[name=password]", INVITEE_PASSWORD)
            phone.locator("main form button[type=submit]").last.click()
            phone.wait_for_url(re.compile(rf"http://localhost:{site_port}/akun/2fa/totp/activate/"))
        secret = phone.locator("#authenticator_secret").input_value()
        # A code read in the last seconds of its 30 s window may be checked in the next one.
        left = 30 - time.time() % 30
        if left < 5:
            time.sleep(left + 0.5)
        code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
        phone.fill("input[name=code]", code)
        phone.locator("main form button[type=submit]").last.click()
        phone.wait_for_url(lambda url: "/2fa/totp/activate/" not in url)
        assert Authenticator.objects.filter(user__email=INVITEE, type=Authenticator.Type.TOTP).exists()
    finally:
        context.close()


def _answer(page: Any) -> str:
    return str(page.locator("#unit-tujuan").inner_text())


def test_an_admin_sets_up_the_government_and_the_simulator_follows_the_rules(
    browser: Any, site_port: int, scene: Scene
) -> None:
    page = signed_in_page(browser, scene.session_key, "kota-bandung.localhost")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    origin = f"http://kota-bandung.localhost:{site_port}"
    try:
        page.goto(f"{origin}/kantor/admin/")
        assert page.get_by_role("heading", level=1).inner_text() == "Konsol admin"
        assert page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Admin").count() == 1
        check_page(page, "console/home")

        # A new dinas under the government, then its head's seat.
        page.get_by_role("link", name="Unit dan jabatan").first.click()
        check_page(page, "console/units")
        page.get_by_label("Nama unit").fill(NEW_UNIT)
        page.get_by_label("Di bawah").select_option(label="Kota Bandung")
        page.get_by_role("button", name="Tambah unit").click()
        page.wait_for_url(re.compile(r"/kantor/admin/unit/\d+/$"))
        assert page.get_by_role("heading", level=1).inner_text() == NEW_UNIT
        page.get_by_label("Nama jabatan").fill("Kepala Dinas Sumber Daya Air")
        page.get_by_label("Jenis jabatan").select_option("kepala_dinas")
        page.get_by_role("button", name="Tambah jabatan").click()
        page.wait_for_load_state()
        assert "Kepala Dinas Sumber Daya Air" in page.get_by_role("table").inner_text()
        assert "Lowong" in page.get_by_role("table").inner_text()
        check_page(page, "console/unit")

        # Invite the dinas's head by email.
        page.get_by_role("link", name="Undang seseorang").click()
        page.get_by_label("Alamat email").fill(INVITEE)
        page.get_by_role("button", name="Kirim undangan").click()
        page.wait_for_load_state()
        assert f"Undangan dikirim ke {INVITEE}." in page.get_by_role("status").first.inner_text()
        assert "menunggu" in page.get_by_role("table").inner_text()
        assert mail.outbox[-1].to == [INVITEE]
        assert "Kepala Dinas Sumber Daya Air" in mail.outbox[-1].subject
        check_page(page, "console/invitations")
        _the_invitee_accepts_and_sets_up_two_step_verification(browser, site_port, mail.outbox[-1].body)
        page.goto(f"{origin}/kantor/admin/undangan/")
        assert "diterima" in page.get_by_role("table").inner_text()

        # The simulator: a flood in Kelurahan Sukarasa goes to PUPR under the defaults.
        page.get_by_role("link", name="Aturan penerusan").first.click()
        page.get_by_label("Kategori", exact=True).last.select_option("banjir")
        page.get_by_label("Kelurahan atau desa").select_option("32.73.01.1001")
        page.get_by_role("button", name="Simulasikan").click()
        # Answered in place by htmx; the address keeps the question.
        expect(page.locator("#unit-tujuan")).to_have_text("Dinas Pekerjaan Umum dan Penataan Ruang")
        assert "category_code=banjir" in page.url
        earlier = page.get_by_role("row").filter(has=page.get_by_text("berlaku", exact=True)).first.inner_text()
        earlier_version = int(re.search(r"v(\d+)", earlier).group(1))  # type: ignore[union-attr]
        # Each rule, and its conditions, name the categories, not their codes.
        rules = page.locator("#aturan tbody").inner_text()
        assert "PKL liar dan ketertiban umum, Bangunan liar → Satuan Polisi Pamong Praja" in rules
        assert "\tPKL liar dan ketertiban umum, Bangunan liar\t" in rules
        assert "pkl_ketertiban" not in rules
        check_page(page, "console/routing")

        # Floods now go to the new dinas: the answer follows at once.
        mapping = page.get_by_role("region", name="Kategori → unit")
        mapping.get_by_label("Kategori").select_option("banjir")
        mapping.get_by_label("Ditangani oleh").select_option(label=NEW_UNIT)
        mapping.get_by_role("button", name="Simpan sebagai versi baru").click()
        page.wait_for_load_state()
        assert _answer(page) == NEW_UNIT
        answer = page.locator("#jawaban-simulasi").inner_text()
        assert f"Kepala Dinas Sumber Daya Air: {INVITEE}" in answer

        page.get_by_role("link", name=f"v{earlier_version + 1}", exact=True).click()
        assert NEW_UNIT in page.get_by_role("table").first.inner_text()
        listed = page.locator("main ol").inner_text()
        assert "Banjir dan genangan" in listed
        assert "banjir," not in listed
        check_page(page, "console/version")

        # Restoring the earlier version restores the earlier answer.
        page.get_by_role("link", name="Aturan penerusan").first.click()
        page.get_by_label("Kategori", exact=True).last.select_option("banjir")
        page.get_by_label("Kelurahan atau desa").select_option("32.73.01.1001")
        page.get_by_role("button", name="Simulasikan").click()
        expect(page.locator("#unit-tujuan")).to_have_text(NEW_UNIT)
        page.get_by_role("button", name=f"Pulihkan versi {earlier_version}").click()
        page.wait_for_load_state()
        assert (
            f"Versi {earlier_version} dipulihkan sebagai versi {earlier_version + 2}."
            in page.get_by_role("status").first.inner_text()
        )
        assert _answer(page) == "Dinas Pekerjaan Umum dan Penataan Ruang"

        page.goto(f"{origin}/kantor/admin/penerusan/aturan/10/")
        check_page(page, "console/rule")

        page.goto(f"{origin}/kantor/admin/kalender/")
        check_page(page, "console/calendar")
        page.goto(f"{origin}/kantor/admin/privasi/")
        check_page(page, "console/privacy")

        # Branding: a bad colour is explained, then a logo and a green that carries white text.
        page.goto(f"{origin}/kantor/admin/tampilan/")
        page.get_by_label("Nama tampilan (kosong: nama resmi)").fill("Pemerintah Kota Bandung")
        page.get_by_label("Logo (JPEG, PNG, WebP atau HEIC, paling besar 1 MB)").set_input_files(
            {"name": "logo.png", "mimeType": "image/png", "buffer": _logo()}
        )
        page.locator("#id_colour").evaluate("(input) => { input.value = '#0e5e3c'; }")
        page.get_by_role("button", name="Simpan tampilan").click()
        page.wait_for_load_state()
        assert page.locator(".brand__sub").inner_text() == "Pemerintah Kota Bandung"
        assert page.locator(".brand img").count() == 1
        header = page.locator(".site-header").evaluate("(header) => getComputedStyle(header).backgroundColor")
        assert header == "rgb(14, 94, 60)"
        check_page(page, "console/branding")

        page.goto(f"{origin}/kantor/admin/audit/")
        audit = page.get_by_role("table").inner_text()
        assert "unit.create" in audit
        assert "rule_set.restored" in audit
        assert "branding.update" in audit
        check_page(page, "console/audit")
        assert errors == []
    finally:
        page.context.close()
