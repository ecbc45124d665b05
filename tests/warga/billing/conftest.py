"""Billing on, against the stand-in Stripe server; a live HTTP server for webhooks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import stripe
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.warga.billing.fake_stripe import WEBHOOK_SECRET, FakeStripe, serve
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
    settings.WARGA_STRIPE_SECRET_KEY = "sk_test_warga"
    settings.WARGA_BILLING_ENABLED = True
    settings.WARGA_STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.WARGA_STRIPE_PRICES = PRICES
    settings.WARGA_STRIPE_NETWORK_RETRIES = 0
    settings.WARGA_STRIPE_API_BASE = ""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(stripe, "api_base", _stripe_server.url)
    return _stripe_server


@pytest.fixture(scope="module")
def public_site(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The origin of a live HTTP server (any `localhost` host reaches the public schema)."""
    # Each request closes its database connection: a kept one would block dropping the test database.
    database = connections["default"].settings_dict
    max_age = database["CONN_MAX_AGE"]
    database["CONN_MAX_AGE"] = 0
    with django_db_blocker.unblock():
        server = LiveServerThread("localhost", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield f"http://localhost:{server.port}"
        finally:
            server.terminate()
            database["CONN_MAX_AGE"] = max_age


@pytest.fixture
def committed_billing(committed_db: None) -> Iterator[None]:
    """Committed billing rows (the live server reads them); removed afterwards."""
    yield
    BillingAudit.objects.all().delete()
    BillingAccount.objects.all().delete()
    StripeEvent.objects.all().delete()
