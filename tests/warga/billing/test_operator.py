"""The operator's billing pages: every government's plan, state, trial end, next invoice and
Stripe link, read-only; and the notice when billing is off."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import with_totp
from tests.warga.billing.fake_stripe import FakeStripe
from warga.billing.admin import BILLING_OFF
from warga.billing.models import BillingAccount, BillingStatus, Plan

LIST = "/operator/billing/billingaccount/"


def _operator() -> Client:
    return signed_in_client(with_totp(UserFactory(is_staff=True, is_superuser=True)))


def test_the_operator_sees_each_governments_billing_read_only(fake_stripe: FakeStripe, bandung: Government) -> None:
    account = BillingAccount.objects.create(
        government=bandung,
        status=BillingStatus.ACTIVE,
        plan=Plan.objects.get(code="kota-besar-lengkap"),
        interval="month",
        stripe_customer_id="cus_op",
        stripe_subscription_id="sub_op",
        current_period_end=timezone.now() + datetime.timedelta(days=9),
        trial_ends_at=timezone.now() - datetime.timedelta(days=20),
    )
    client = _operator()
    listing = client.get(LIST, HTTP_HOST="localhost")
    page = listing.content.decode()
    assert listing.status_code == 200
    assert "Kota Bandung" in page
    assert "Rp 15.000.000" in page
    assert 'href="https://dashboard.stripe.com/test/subscriptions/sub_op"' in page
    assert BILLING_OFF not in page
    detail = client.get(f"{LIST}{account.pk}/change/", HTTP_HOST="localhost")
    assert detail.status_code == 200
    assert 'name="status"' not in detail.content.decode()  # read-only
    assert client.get(f"{LIST}add/", HTTP_HOST="localhost").status_code == 403


def test_the_operator_is_told_when_billing_is_off(db: None) -> None:
    listing = _operator().get(LIST, HTTP_HOST="localhost")
    assert listing.status_code == 200
    assert "Tagihan mati: WARGA_STRIPE_SECRET_KEY tidak diatur" in listing.content.decode()
