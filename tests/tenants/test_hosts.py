from __future__ import annotations

import pytest
from django.test import Client

from tenants import hosts
from tenants.models import Domain, Government
from tenants.services import government_mark_not_ready


@pytest.fixture
def client() -> Client:
    return Client()


def test_public_host_serves_the_shared_app_from_the_public_schema(db: None, client: Client) -> None:
    response = client.get("/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert 'data-schema="public"' in response.content.decode()


def test_government_host_is_served_from_its_own_schema(bandung: Government, client: Client) -> None:
    response = client.get("/", HTTP_HOST="kota-bandung.localhost")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Kota Bandung</h1>" in page
    assert 'data-schema="gov_32_73"' in page
    # 30 kecamatan and 151 kelurahan of Kota Bandung, seeded from the reference data.
    assert "Kecamatan: 30" in page
    assert "Kelurahan: 151" in page


def test_unknown_host_gets_a_plain_404_page_naming_it(db: None, client: Client) -> None:
    response = client.get("/", HTTP_HOST="kota-atlantis.localhost")
    assert response.status_code == 404
    assert "kota-atlantis.localhost" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_government_that_is_not_ready_is_not_served(bandung: Government, client: Client) -> None:
    government_mark_not_ready(government=bandung)
    response = client.get("/", HTTP_HOST="kota-bandung.localhost")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "gov_32_73" not in response.content.decode()


def test_host_lookup_is_cached_and_cleared_when_a_domain_changes(
    bandung: Government, django_assert_num_queries: object
) -> None:
    hosts.clear()
    assert hosts.government_for_host("kota-bandung.localhost") == bandung
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert hosts.government_for_host("kota-bandung.localhost") == bandung
    Domain.objects.filter(domain="kota-bandung.localhost").update(domain="bandung.localhost")
    # A queryset update sends no signal; saving does, and clears this process's cache.
    Domain.objects.get(domain="bandung.localhost").save()
    assert hosts.government_for_host("kota-bandung.localhost") is None
    assert hosts.government_for_host("bandung.localhost") == bandung
