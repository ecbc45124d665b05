"""Tenant isolation smoke tests: data, hosts and caches do not cross between governments."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.test import Client

from tenants.context import government_context, public_context
from tenants.models import Government
from warga.organization.models import Unit, UnitKind
from warga.organization.selectors import unit_counts_by_kind


@pytest.fixture
def client() -> Client:
    return Client()


def test_a_unit_created_in_bandung_is_invisible_from_jakarta_by_orm(bandung: Government, jakarta: Government) -> None:
    with government_context(bandung):
        unit = Unit.objects.create(kind=UnitKind.AGENCY, name="Dinas Uji Isolasi Bandung")
        assert Unit.objects.filter(name="Dinas Uji Isolasi Bandung").count() == 1

    with government_context(jakarta):
        assert not Unit.objects.filter(name="Dinas Uji Isolasi Bandung").exists()
        # Primary keys are per schema: the same id in Jakarta is some other unit, never Bandung's.
        same_id = Unit.objects.filter(pk=unit.pk).first()
        assert same_id is None or same_id.name != unit.name
        assert not Unit.objects.filter(region_code__startswith="32.73").exists()


def test_a_unit_created_in_bandung_is_invisible_on_jakartas_host(
    bandung: Government, jakarta: Government, client: Client
) -> None:
    with government_context(jakarta):
        jakarta_counts = unit_counts_by_kind()
    assert jakarta_counts == {"government": 1, "area": 6, "kecamatan": 44, "kelurahan": 267, "agency": 10}
    with government_context(bandung):
        Unit.objects.create(kind=UnitKind.AGENCY, name="Dinas Uji Isolasi Bandung")

    bandung_page = client.get("/", HTTP_HOST="kota-bandung.localhost").content.decode()
    jakarta_page = client.get("/", HTTP_HOST="dki-jakarta.localhost").content.decode()

    agency = str(UnitKind.AGENCY.label)
    # Bandung's 10 default agencies and the one created here.
    assert f"<li>{agency}: 11</li>" in bandung_page
    assert "<h1>Provinsi DKI Jakarta</h1>" in jakarta_page
    assert 'data-schema="gov_31"' in jakarta_page
    for kind, total in jakarta_counts.items():
        assert f"<li>{UnitKind(kind).label}: {total}</li>" in jakarta_page
    assert f"<li>{agency}: 11</li>" not in jakarta_page
    assert "Kota Bandung" not in jakarta_page


def test_the_default_cache_is_per_tenant(bandung: Government, jakarta: Government) -> None:
    key = "isolation-probe"
    try:
        with government_context(bandung):
            cache.set(key, "milik Bandung")
        with government_context(jakarta):
            assert cache.get(key) is None
            cache.set(key, "milik Jakarta")
        with government_context(bandung):
            assert cache.get(key) == "milik Bandung"
        with government_context(jakarta):
            assert cache.get(key) == "milik Jakarta"
        with public_context():
            assert cache.get(key) is None
    finally:
        for government in (bandung, jakarta):
            with government_context(government):
                cache.delete(key)


def test_the_shared_cache_is_deliberately_common_to_all_tenants(bandung: Government, jakarta: Government) -> None:
    """For budgets that must not multiply per tenant host, such as allauth's rate limits."""
    shared = caches["shared"]
    key = "isolation-probe-shared"
    try:
        with government_context(bandung):
            shared.set(key, 1)
        with government_context(jakarta):
            assert shared.get(key) == 1
            shared.incr(key)
        with public_context():
            assert shared.get(key) == 2
    finally:
        shared.delete(key)
