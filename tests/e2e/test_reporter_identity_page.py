"""The designated official reveals a `rahasia` report's reporter in a real browser, with
JavaScript off: the form is found by its label, the identity appears once, the look is listed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from playwright.sync_api import expect

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import mark_session_mfa_passed
from tests.personas import membership_in, verified_user, with_totp
from tests.warga.reports.helpers import submit
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.organization.models import Membership
from warga.outbox.models import OutboxEvent
from warga.privacy.models import IdentityView
from warga.reports.models import Report, ReportEvent, TrackingCounter
from warga.web.signin import CENTRAL_SESSION_KEY

REASON = "Perlu konfirmasi lokasi langsung kepada pelapor."


@dataclass
class Scene:
    number: str
    reporter: User
    coordinator: User
    session_key: str


def _signed_in_session(user: User) -> str:
    """A session as the central host's hand-over leaves it on a government host, after a
    sign-in that typed the TOTP code."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    session[CENTRAL_SESSION_KEY] = session.session_key
    mark_session_mfa_passed(session, user)
    session.save()
    return str(session.session_key)


@pytest.fixture
def scene(committed_db: None) -> Iterator[Scene]:
    """A rahasia report in Kota Bandung and its admin koordinator; rows are committed (the
    live server reads them) and removed afterwards."""
    bandung = Government.objects.get(code="32.73")
    marker = uuid.uuid4().hex[:8]
    with government_context(bandung):
        counters = dict(TrackingCounter.objects.values_list("year", "last_value"))
    reporter = verified_user(f"pelapor-{marker}@example.id", full_name="Dewi Lestari", phone="+6281300001111")
    coordinator = with_totp(verified_user(f"koordinator-{marker}@bandung.go.id", full_name="Budi Santoso"))
    seat = membership_in(bandung, coordinator)
    number = submit(reporter, privacy="rahasia").tracking_number
    session_key = _signed_in_session(coordinator)
    yield Scene(number=number, reporter=reporter, coordinator=coordinator, session_key=session_key)
    with government_context(bandung):
        IdentityView.objects.filter(tracking_number=number).delete()
        reports = Report.objects.filter(tracking_number=number)
        ReportEvent.objects.filter(report__in=reports).delete()
        OutboxEvent.objects.filter(aggregate_type="report", aggregate_id__in=reports.values("id")).delete()
        reports.delete()
        TrackingCounter.objects.exclude(year__in=counters).delete()
        for year, last_value in counters.items():
            TrackingCounter.objects.filter(year=year).update(last_value=last_value)
        Membership.objects.filter(pk=seat.pk).delete()
    ReportIndex.objects.filter(tracking_number=number).delete()
    Session.objects.filter(session_key=session_key).delete()
    Authenticator.objects.filter(user=coordinator).delete()
    User.objects.filter(pk__in=[reporter.pk, coordinator.pk]).delete()
    # With Playwright's event loop in this thread, these queries ran on a connection of their
    # own; close it so that the test database can be dropped at the end.
    connection.close()


def test_the_coordinator_reveals_the_reporter_once_without_javascript(
    browser: Any, site_port: int, scene: Scene
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="id-ID", java_script_enabled=False)
    context.add_cookies(
        [{"name": "sessionid", "value": scene.session_key, "domain": "kota-bandung.localhost", "path": "/"}]
    )
    page = context.new_page()
    url = f"http://kota-bandung.localhost:{site_port}/kantor/laporan/{scene.number}/identitas-pelapor/"
    try:
        response = page.goto(url)
        assert response.status == 200
        assert page.get_by_role("heading", level=1).inner_text() == "Identitas pelapor laporan rahasia"
        assert "Belum pernah dilihat." in page.get_by_role("table").inner_text()
        assert "Dewi Lestari" not in page.locator("main").inner_text()

        # Submitting without a reason is refused with the reason why, next to the field.
        page.get_by_role("button", name="Tampilkan identitas pelapor").click()
        page.wait_for_load_state()
        assert page.get_by_role("alert").inner_text() == (
            "Tuliskan alasan melihat identitas pelapor (paling sedikit 10 huruf)."
        )
        assert page.get_by_label("Alasan melihat identitas pelapor").get_attribute("aria-invalid") == "true"
        expect(page.get_by_role("alert")).to_have_css("color", "rgb(179, 38, 30)")  # base.css --bad

        page.get_by_label("Alasan melihat identitas pelapor").fill(REASON)
        page.get_by_role("button", name="Tampilkan identitas pelapor").click()
        page.wait_for_load_state()
        shown = page.get_by_role("region", name="Identitas pelapor").inner_text()
        assert "Dewi Lestari" in shown
        assert scene.reporter.email in shown
        assert "+6281300001111" in shown
        rows = page.get_by_role("row").all_inner_texts()
        assert [row.split("\t")[1:] for row in rows[1:]] == [["Budi Santoso", REASON]]

        # Opening the page again shows who looked, not who reported.
        page.goto(url)
        assert "Dewi Lestari" not in page.locator("main").inner_text()
        assert "Budi Santoso" in page.get_by_role("table").inner_text()
    finally:
        context.close()
