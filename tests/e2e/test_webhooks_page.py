"""Bandung's admin koordinator registers a webhook in a real browser, copies the secret shown
once, sends a test and reads its result in the delivery log. Both pages are audited at 360 and
1280 px and screenshotted."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.db import connection

from tenants.context import government_context
from tenants.models import Government
from tests.e2e.pages import check_page
from tests.e2e.sessions import signed_in_page, signed_in_session
from tests.personas import membership_in, verified_user, with_totp
from tests.warga.webhooks.receiver import Receiver
from warga.organization.models import Membership
from warga.webhooks.models import Delivery, Endpoint
from warga.webhooks.services import delivery_attempt


@pytest.fixture
def admin_session(committed_db: None, settings: Any) -> Iterator[str]:
    settings.WARGA_WEBHOOKS_ALLOW_LOCAL = True
    bandung = Government.objects.get(code="32.73")
    admin = with_totp(verified_user(f"admin-{uuid.uuid4().hex[:8]}@bandung.go.id", full_name="Rina Kusuma"))
    seat = membership_in(bandung, admin)
    session_key = signed_in_session(admin)
    yield session_key
    with government_context(bandung):
        Delivery.objects.all().delete()
        Endpoint.objects.all().delete()
        Membership.objects.filter(pk=seat.pk).delete()
    Session.objects.filter(session_key=session_key).delete()
    Authenticator.objects.filter(user=admin).delete()
    admin.delete()
    connection.close()


def test_an_admin_registers_a_webhook_and_reads_its_delivery_log(
    browser: Any, site_port: int, admin_session: str
) -> None:
    receiver = Receiver()
    page = signed_in_page(browser, admin_session, "kota-bandung.localhost")
    origin = f"http://kota-bandung.localhost:{site_port}"
    try:
        page.goto(f"{origin}/kantor/admin/webhook/")
        page.fill("#id_name", "Sistem aduan Kota Bandung")
        page.fill("#id_url", receiver.url)
        page.check("input[name=events][value='report.created']")
        page.check("input[name=events][value='report.resolved']")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state()
        secret = page.locator("main code").inner_text()
        assert secret.startswith("whsec_")
        receiver.secret = secret
        assert "Sistem aduan Kota Bandung" in page.get_by_role("table").inner_text()
        check_page(page, "console/webhooks")

        page.locator("form[action$='/uji/'] button").first.click()
        page.wait_for_url(re.compile(r"/kantor/admin/webhook/\d+/$"))
        bandung = Government.objects.get(code="32.73")
        with government_context(bandung):
            (delivery_id,) = Delivery.objects.values_list("id", flat=True)
            assert delivery_attempt(delivery_id=delivery_id).outcome == "delivered"
        page.reload()
        log = page.get_by_role("table").inner_text()
        assert "ping" in log
        assert "200" in log
        assert receiver.received[0].verified
        check_page(page, "console/webhook")
    finally:
        page.context.close()
        receiver.close()
