"""The admin console's billing page in a real browser: a government in its trial with its
invoicing details saved, the plans offered and a premium page locked after the trial. Audited
at 360 and 1280 px and screenshotted."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.e2e.pages import check_page
from tests.e2e.sessions import signed_in_page, signed_in_session
from tests.personas import membership_in, verified_user, with_totp
from tests.warga.billing.fake_stripe import billing_on
from warga.accounts.models import User
from warga.billing.models import BillingAccount, BillingAudit
from warga.billing.services import start_trial
from warga.organization.models import Membership


@pytest.fixture
def admin_session(committed_db: None, settings: Any) -> Iterator[str]:
    """Billing on (test-mode key, two plans priced); Bandung's admin koordinator signed in."""
    billing_on(
        settings,
        {
            "kota-besar-lengkap:month": "price_a",
            "kota-besar-lengkap:year": "price_b",
            "kota-besar-dasar:month": "price_c",
        },
    )
    bandung = Government.objects.get(code="32.73")
    admin = with_totp(verified_user(f"admin-{uuid.uuid4().hex[:8]}@bandung.go.id", full_name="Rina Kusuma"))
    seat = membership_in(bandung, admin)
    account = start_trial(bandung)
    assert account is not None
    BillingAccount.objects.filter(pk=account.pk).update(
        npwp="012345678901000",
        billing_name="Pemerintah Kota Bandung",
        address_line="Jl. Wastukencana No. 2",
        address_city="Kota Bandung",
        address_postal_code="40117",
        address_province="Jawa Barat",
    )
    session_key = signed_in_session(admin)
    yield session_key
    BillingAudit.objects.all().delete()
    BillingAccount.objects.all().delete()
    with government_context(bandung):
        Membership.objects.filter(pk=seat.pk).delete()
    Session.objects.filter(session_key=session_key).delete()
    Authenticator.objects.filter(user=admin).delete()
    User.objects.filter(pk=admin.pk).delete()
    connection.close()


def test_the_billing_page_shows_the_trial_and_the_plans(browser: Any, site_port: int, admin_session: str) -> None:
    page = signed_in_page(browser, admin_session, "kota-bandung.localhost")
    origin = f"http://kota-bandung.localhost:{site_port}"
    try:
        page.goto(f"{origin}/kantor/admin/tagihan/")
        assert page.get_by_role("heading", level=1).inner_text() == "Tagihan"
        assert page.get_by_role("button", name="Bulanan (monthly): Rp 15.000.000").count() == 1
        check_page(page, "console/billing")
        # The trial ends: branding, a premium feature, is locked with the way to the billing page.
        BillingAccount.objects.update(trial_ends_at=timezone.now() - datetime.timedelta(minutes=1))
        page.goto(f"{origin}/kantor/admin/tampilan/")
        assert "terkunci" in page.locator(".pesan").inner_text()
        check_page(page, "console/premium-locked")
        page.get_by_role("link", name="Buka halaman tagihan").click()
        page.wait_for_url(f"{origin}/kantor/admin/tagihan/")
        assert "Masa uji coba sudah habis" in page.locator("main").inner_text()
    finally:
        page.context.close()
