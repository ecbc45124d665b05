"""The admin console's billing page against the stand-in Stripe server: invoicing details,
Checkout with one customer per government, the return page, the customer portal; Stripe
unreachable; and Kota Bandung's admin kept out of DKI Jakarta's billing."""

from __future__ import annotations

import pytest
import stripe
from django.utils.html import escape

from tenants.models import Government
from tests.frontend.console.helpers import BANDUNG, JAKARTA, admin_client, lurah_client
from tests.warga.billing.fake_stripe import FakeStripe, subscription
from warga.access.policy import ROLE_MESSAGES, Action
from warga.billing.models import BillingAccount, BillingAudit, BillingStatus
from warga.billing.services import STRIPE_DOWN_MESSAGE, start_trial

PAGE = "/kantor/admin/tagihan/"
DETAILS = {
    "billing_name": "Pemerintah Kota Bandung",
    "npwp": "01.234.567.8-901.000",
    "address_line": "Jl. Wastukencana No. 2",
    "address_city": "Kota Bandung",
    "address_postal_code": "40117",
    "address_province": "Jawa Barat",
}


def test_the_admin_subscribes_through_checkout_and_sees_the_result(
    fake_stripe: FakeStripe, bandung: Government
) -> None:
    start_trial(bandung)
    browser = admin_client(bandung)
    shown = browser.get(PAGE, HTTP_HOST=BANDUNG)
    assert shown.status_code == 200
    assert "Lengkap Kota &gt; 1,5 juta jiwa" in shown.content.decode()

    refused = browser.post(f"{PAGE}rincian/", DETAILS | {"npwp": "12.345"}, HTTP_HOST=BANDUNG)
    assert refused.status_code == 400
    assert 'id="id_npwp-error"' in refused.content.decode()
    assert browser.post(f"{PAGE}rincian/", DETAILS, HTTP_HOST=BANDUNG).status_code == 302
    assert BillingAccount.objects.get(government=bandung).npwp == "012345678901000"

    checkout = browser.post(f"{PAGE}bayar/", {"plan": "kota-besar-lengkap", "interval": "month"}, HTTP_HOST=BANDUNG)
    assert checkout.status_code == 303
    assert checkout["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    (customer,) = fake_stripe.made("POST", "/v1/customers")
    assert customer.headers["Idempotency-Key"] == "warga-customer-32.73-0"
    assert customer.form["metadata[government_code]"] == ["32.73"]
    assert customer.form["tax_id_data[0][type]"] == ["id_npwp"]
    assert customer.form["tax_id_data[0][value]"] == ["012345678901000"]
    assert customer.form["address[country]"] == ["ID"]
    (session,) = fake_stripe.made("POST", "/v1/checkout/sessions")
    assert session.form["line_items[0][price]"] == ["price_kotaBesarLengkapM"]
    assert session.form["subscription_data[metadata][government_code]"] == ["32.73"]
    # The trial still running carries over: Stripe charges from its end.
    account = BillingAccount.objects.get(government=bandung)
    assert account.trial_ends_at is not None
    assert session.form["subscription_data[trial_end]"] == [str(int(account.trial_ends_at.timestamp()))]

    session_id = checkout["Location"].rsplit("/", 1)[1]
    fake_stripe.sessions[session_id] |= {
        "status": "complete",
        "payment_status": "no_payment_required",
        "subscription": "sub_bdg",
    }
    fake_stripe.subscriptions["sub_bdg"] = subscription(
        "sub_bdg",
        status="trialing",
        price="price_kotaBesarLengkapM",
        code="32.73",
        customer=str(account.stripe_customer_id),
    )
    result = browser.get(f"{PAGE}selesai/", {"session_id": session_id}, HTTP_HOST=BANDUNG)
    assert result.status_code == 200
    assert "Tidak ada yang ditagih sampai masa uji coba berakhir." in result.content.decode()
    account.refresh_from_db()
    assert (account.status, account.stripe_subscription_id) == (BillingStatus.TRIALING, "sub_bdg")

    portal = browser.post(f"{PAGE}portal/", HTTP_HOST=BANDUNG)
    assert (portal.status_code, portal["Location"]) == (303, "https://billing.stripe.com/p/session/test_1")
    (opened,) = fake_stripe.made("POST", "/v1/billing_portal/sessions")
    assert opened.form["customer"] == [account.stripe_customer_id]


def test_stripe_unreachable_during_checkout_says_so_and_creates_nothing(
    fake_stripe: FakeStripe, bandung: Government, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = admin_client(bandung)
    assert browser.post(f"{PAGE}rincian/", DETAILS, HTTP_HOST=BANDUNG).status_code == 302
    audit_before = BillingAudit.objects.count()
    monkeypatch.setattr(stripe, "api_base", "http://127.0.0.1:9")  # nothing listens there
    answer = browser.post(f"{PAGE}bayar/", {"plan": "kota-besar-lengkap", "interval": "month"}, HTTP_HOST=BANDUNG)
    assert answer.status_code == 503
    assert escape(STRIPE_DOWN_MESSAGE) in answer.content.decode()
    account = BillingAccount.objects.get(government=bandung)
    assert (account.stripe_customer_id, account.stripe_subscription_id, account.status) == (None, "", "none")
    assert BillingAudit.objects.count() == audit_before


def test_bandung_cannot_open_or_change_jakartas_billing(
    fake_stripe: FakeStripe, bandung: Government, jakarta: Government
) -> None:
    browser = admin_client(bandung)
    assert browser.get(PAGE, HTTP_HOST=JAKARTA).status_code == 403
    assert browser.post(f"{PAGE}rincian/", DETAILS, HTTP_HOST=JAKARTA).status_code == 403
    checkout = browser.post(f"{PAGE}bayar/", {"plan": "provinsi-besar-lengkap", "interval": "month"}, HTTP_HOST=JAKARTA)
    assert checkout.status_code == 403
    # Jakarta's completed checkout, opened on Bandung's host: not found, nothing mirrored.
    fake_stripe.sessions["cs_test_jkt"] = {
        "id": "cs_test_jkt",
        "object": "checkout.session",
        "status": "complete",
        "payment_status": "paid",
        "customer": "cus_jkt",
        "subscription": "sub_jkt",
        "metadata": {"government_code": "31"},
    }
    fake_stripe.subscriptions["sub_jkt"] = subscription(
        "sub_jkt", status="active", price="price_provBesarLengkapM", code="31"
    )
    assert browser.get(f"{PAGE}selesai/", {"session_id": "cs_test_jkt"}, HTTP_HOST=BANDUNG).status_code == 404
    assert not fake_stripe.made("GET", "/v1/subscriptions/sub_jkt")
    assert (
        not BillingAccount.objects.filter(government__in=[jakarta, bandung]).exclude(stripe_subscription_id="").exists()
    )
    assert not BillingAccount.objects.filter(government=jakarta).exists()
    # Bandung's lurah is an official there, but billing is the admin koordinator's.
    refused = lurah_client(bandung).get(PAGE, HTTP_HOST=BANDUNG)
    assert refused.status_code == 403
    assert escape(ROLE_MESSAGES[Action.BILLING_MANAGE]) in refused.content.decode()
    assert fake_stripe.made("POST", "/v1/customers") == []
