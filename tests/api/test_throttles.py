"""DRF throttles: per IP for anonymous traffic, per account for sessions, per key for API
keys; counted in the cache shared by every host; over the limit a 429 with Retry-After and a
message in Bahasa Indonesia."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client

from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import official_of
from tests.warga.reports.helpers import submit
from warga.access.services import api_key_create

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
BBOX = "-6.95,107.55,-6.85,107.65"


@pytest.fixture(autouse=True)
def _two_a_minute(settings: Any) -> Iterator[None]:
    settings.REST_FRAMEWORK = django_settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"anonymous": "2/minute", "session": "2/minute", "api_key": "2/minute"}
    }
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def _assert_throttled(response: Any) -> None:
    assert response.status_code == 429, response.content
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["retry_after"] == retry_after
    assert error["message"].startswith(f"Terlalu banyak permintaan. Silakan coba lagi dalam {retry_after} detik.")


def test_anonymous_traffic_is_limited_per_ip_across_every_host(bandung: Government) -> None:
    client = Client()
    assert client.get(f"/api/v1/feed/?bbox={BBOX}", HTTP_HOST=PUBLIC).status_code == 200
    # Another host spends the same budget (the categories answer on every host): it is counted
    # in the shared cache.
    assert client.get("/api/v1/categories/", HTTP_HOST=BANDUNG_HOST).status_code == 200
    _assert_throttled(client.get(f"/api/v1/feed/?bbox={BBOX}", HTTP_HOST=PUBLIC))
    # Another address has its own budget.
    assert client.get(f"/api/v1/feed/?bbox={BBOX}", HTTP_HOST=PUBLIC, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_a_session_is_limited_per_account(bandung: Government) -> None:
    citizen, other = signed_in_client(UserFactory()), signed_in_client(UserFactory())
    for _ in range(2):
        assert citizen.get("/api/v1/me/reports/", HTTP_HOST=PUBLIC).status_code == 200
    _assert_throttled(citizen.get("/api/v1/me/reports/", HTTP_HOST=PUBLIC))
    assert other.get("/api/v1/me/reports/", HTTP_HOST=PUBLIC).status_code == 200


def test_a_key_is_limited_per_key_and_a_throttled_request_changes_nothing(bandung: Government) -> None:
    number = submit(UserFactory()).tracking_number
    first = api_key_create(government=bandung, name="Mitra A", scopes=["reports:read"], acting_user=None).raw
    second = api_key_create(government=bandung, name="Mitra B", scopes=["reports:read"], acting_user=None).raw
    official = signed_in_client(official_of(bandung))

    def read(key: str) -> Any:
        return Client().get(f"/api/v1/reports/{number}/", HTTP_HOST=BANDUNG_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")

    for _ in range(2):
        assert read(first).status_code == 200
    _assert_throttled(read(first))
    assert read(second).status_code == 200
    # The key's budget is its own: the officials' session is untouched.
    assert official.get(f"/api/v1/reports/{number}/", HTTP_HOST=BANDUNG_HOST).status_code == 200
