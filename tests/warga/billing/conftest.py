"""Billing on, against the stand-in Stripe server; a live HTTP server for webhooks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from tests.live_http import live_http_server
from tests.warga.billing.fake_stripe import FakeStripe, billing_on, serve
from warga.billing.models import BillingAccount, BillingAudit, StripeEvent

PRICES = {
    "kota-besar-lengkap:month": "price_kotaBesarLengkapM",
    "kota-besar-lengkap:year": "price_kotaBesarLengkapY",
    "kota-besar-dasar:month": "price_kotaBesarDasarM",
    "provinsi-besar-lengkap:month": "price_provBesarLengkapM",
    "provinsi-besar-dasar:month": "price_provBesarDasarM",
}


@pytest.fixture(scope="session")
def _stripe_server() -> Iterator[FakeStripe]:
    fake, server = serve()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_stripe(_stripe_server: FakeStripe, settings: Any, monkeypatch: pytest.MonkeyPatch) -> FakeStripe:
    """Billing on with test-mode keys, the SDK pointed at the stand-in server."""
    _stripe_server.reset()
    billing_on(settings, PRICES)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(stripe, "api_base", _stripe_server.url)
    return _stripe_server


@pytest.fixture(scope="module")
def public_site(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The origin of a live HTTP server (any `localhost` host reaches the public schema)."""
    with django_db_blocker.unblock(), live_http_server() as port:
        yield f"http://localhost:{port}"


@pytest.fixture
def committed_billing(committed_db: None) -> Iterator[None]:
    """Committed billing rows (the live server reads them); removed afterwards."""
    yield
    BillingAudit.objects.all().delete()
    BillingAccount.objects.all().delete()
    StripeEvent.objects.all().delete()
