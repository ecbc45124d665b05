"""The per-IP budget on new reports, and which address counts behind a proxy (docs/decisions/0011).

Each test uses addresses of its own (the `shared` cache outlives a test): a budget another test
spent cannot make one of these pass or fail.
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from config import env
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE, JAKARTA_POINT, JAKARTA_VILLAGE, counts
from warga.web.client_ip import client_ip, ip_budget_key

PROXY = "10.250.0.2"
LIMITED = "Terlalu banyak laporan baru dari jaringan internet Anda (alamat IP yang sama) dalam waktu singkat. "


def _fresh_ip() -> str:
    """A public-looking address no other test uses (198.18.0.0/15 is the benchmarking range)."""
    return str(ipaddress.ip_address("198.18.0.0") + uuid.uuid4().int % (2**17))


def _citizen_from(ip: str) -> Client:
    client = signed_in_client(UserFactory())
    client.defaults["REMOTE_ADDR"] = ip
    return client


def _payload(key: str, *, where: str = "bandung") -> dict[str, Any]:
    point, village = (BANDUNG_POINT, BANDUNG_VILLAGE) if where == "bandung" else (JAKARTA_POINT, JAKARTA_VILLAGE)
    return {
        "type": "pengaduan",
        "category_code": "sampah",
        "description": "Sampah menumpuk di pinggir jalan sejak seminggu.",
        "latitude": point[0],
        "longitude": point[1],
        "village_code": village,
        "privacy": "publik",
        "idempotency_key": key,
    }


def _submit(client: Client, key: str, *, where: str = "bandung", forwarded_for: str | None = None) -> Any:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return client.post(
        "/api/v1/reports/",
        json.dumps(_payload(key, where=where)),
        content_type="application/json",
        HTTP_HOST="localhost",
        **headers,
    )


# A multiple of 600: the ten-minute window [T, T+600) starts exactly at T.
T = 1_800_000_000.0


@pytest.fixture
def two_per_window(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two new reports per address per ten minutes, on a clock stopped 100 s into a window (so
    no test straddles a window's end and the wait is exact)."""
    settings.WARGA_INTAKE_IP_LIMIT = 2
    settings.WARGA_INTAKE_IP_WINDOW_SECONDS = 600
    monkeypatch.setattr("warga.web.ratelimit.time", SimpleNamespace(time=lambda: T + 100))


def test_one_address_gets_its_budget_then_a_429_in_indonesian_with_retry_after(
    bandung: Government, two_per_window: None
) -> None:
    ip = _fresh_ip()
    # Three different accounts: the per-account limits are far away; the address is what counts.
    assert _submit(_citizen_from(ip), "ip-kunci-0001").status_code == 201
    assert _submit(_citizen_from(ip), "ip-kunci-0002").status_code == 201
    refused = _submit(_citizen_from(ip), "ip-kunci-0003")

    assert (refused.status_code, refused["Retry-After"]) == (429, "500")
    assert refused.json() == {
        "error": {
            "code": "rate_limited",
            "message": f"{LIMITED}Coba lagi dalam 9 menit.",
            "retry_after": 500,
        }
    }
    assert counts(bandung) == (2, 2, 2)
    # Another address is not affected.
    assert _submit(_citizen_from(_fresh_ip()), "ip-kunci-0004").status_code == 201


def test_a_spoofed_forwarded_for_is_ignored_without_trusted_proxies(
    bandung: Government, two_per_window: None, settings: Any
) -> None:
    settings.WARGA_TRUSTED_PROXIES = ()
    ip = _fresh_ip()
    # Each attempt claims another origin; all come from the same connection address.
    assert _submit(_citizen_from(ip), "xff-kunci-0001", forwarded_for=_fresh_ip()).status_code == 201
    assert _submit(_citizen_from(ip), "xff-kunci-0002", forwarded_for=_fresh_ip()).status_code == 201
    assert _submit(_citizen_from(ip), "xff-kunci-0003", forwarded_for=_fresh_ip()).status_code == 429
    assert counts(bandung) == (2, 2, 2)


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(
    bandung: Government, two_per_window: None, settings: Any
) -> None:
    settings.WARGA_TRUSTED_PROXIES = (ipaddress.ip_network("10.250.0.0/24"),)
    citizen_ip, neighbour_ip = _fresh_ip(), _fresh_ip()
    # The client put its own (forged) entry first; the proxy appended the real address.
    assert (
        _submit(_citizen_from(PROXY), "prx-kunci-0001", forwarded_for=f"{_fresh_ip()}, {citizen_ip}").status_code == 201
    )
    assert (
        _submit(_citizen_from(PROXY), "prx-kunci-0002", forwarded_for=f"{_fresh_ip()}, {citizen_ip}").status_code == 201
    )
    assert _submit(_citizen_from(PROXY), "prx-kunci-0003", forwarded_for=citizen_ip).status_code == 429
    # The proxy's own address is not one budget for everybody behind it.
    assert _submit(_citizen_from(PROXY), "prx-kunci-0004", forwarded_for=neighbour_ip).status_code == 201
    assert counts(bandung) == (3, 3, 3)


def test_reports_for_two_governments_share_one_budget(
    bandung: Government, jakarta: Government, two_per_window: None
) -> None:
    ip = _fresh_ip()
    assert _submit(_citizen_from(ip), "dua-kunci-0001", where="bandung").status_code == 201
    assert _submit(_citizen_from(ip), "dua-kunci-0002", where="jakarta").status_code == 201
    assert _submit(_citizen_from(ip), "dua-kunci-0003", where="jakarta").status_code == 429
    assert _submit(_citizen_from(ip), "dua-kunci-0004", where="bandung").status_code == 429
    assert (counts(bandung), counts(jakarta)) == ((1, 1, 1), (1, 1, 1))


def test_a_government_host_spends_nothing_of_the_budget(bandung: Government, two_per_window: None) -> None:
    """Submitting is not offered there (404): hammering a government host leaves the budget whole."""
    ip = _fresh_ip()
    client = _citizen_from(ip)
    for number in range(3):
        response = client.post(
            "/api/v1/reports/",
            json.dumps(_payload(f"gov-kunci-000{number}")),
            content_type="application/json",
            HTTP_HOST="kota-bandung.localhost",
        )
        assert response.status_code == 404
    assert _submit(client, "gov-kunci-0010").status_code == 201
    assert _submit(client, "gov-kunci-0011").status_code == 201
    assert counts(bandung) == (2, 2, 2)


def test_invalid_attempts_spend_the_budget_too(bandung: Government, two_per_window: None) -> None:
    ip = _fresh_ip()
    client = _citizen_from(ip)
    bad = client.post("/api/v1/reports/", "{}", content_type="application/json", HTTP_HOST="localhost")
    assert bad.status_code == 400
    assert _submit(client, "bad-kunci-0001").status_code == 201
    assert _submit(client, "bad-kunci-0002").status_code == 429
    assert counts(bandung) == (1, 1, 1)


# --- The client-IP policy -------------------------------------------------------------------------


def _request(remote_addr: str | None, forwarded_for: str | None = None) -> Any:
    request = RequestFactory().get("/")
    if remote_addr is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote_addr
    if forwarded_for is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return request


@pytest.mark.parametrize(
    ("trusted", "remote_addr", "forwarded_for", "expected"),
    [
        # Default: the connection's address, whatever the header says.
        ([], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        ([], "::ffff:203.0.113.7", None, "203.0.113.7"),
        ([], None, "198.51.100.1", None),
        # A trusted proxy: the right-most entry it did not write itself.
        (["10.0.0.0/8"], "10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (["10.0.0.0/8"], "10.0.0.5", "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (["10.0.0.0/8"], "10.0.0.5", "", "10.0.0.5"),
        # A peer outside the trusted networks is the client, even if it sends the header.
        (["10.0.0.0/8"], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # Nonsense written by our own proxy: the last address we know.
        (["10.0.0.0/8"], "10.0.0.5", "198.51.100.1, bukan-alamat", "10.0.0.5"),
        (["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", "203.0.113.7, 10.1.2.3, 2001:db8:1::5", "203.0.113.7"),
    ],
)
def test_client_ip_policy(
    settings: Any, trusted: list[str], remote_addr: str | None, forwarded_for: str | None, expected: str | None
) -> None:
    settings.WARGA_TRUSTED_PROXIES = tuple(ipaddress.ip_network(network) for network in trusted)
    assert client_ip(_request(remote_addr, forwarded_for)) == expected


def test_an_ipv6_client_is_counted_by_its_64_block() -> None:
    assert ip_budget_key("2001:db8:1:2:aaaa::1") == ip_budget_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert ip_budget_key("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert ip_budget_key("203.0.113.7") == "203.0.113.7"
    assert ip_budget_key(None) is None


def test_sign_in_limits_follow_the_same_policy(settings: Any) -> None:
    settings.WARGA_TRUSTED_PROXIES = ()
    assert get_adapter().get_client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    settings.WARGA_TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)
    assert get_adapter().get_client_ip(_request("10.0.0.5", "198.51.100.1")) == "198.51.100.1"


def test_trusted_proxies_are_parsed_strictly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARGA_TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32,192.0.2.1")
    assert env.networks("WARGA_TRUSTED_PROXIES", []) == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("2001:db8::/32"),
        ipaddress.ip_network("192.0.2.1/32"),
    )
    monkeypatch.setenv("WARGA_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal")
    with pytest.raises(ImproperlyConfigured) as refused:
        env.networks("WARGA_TRUSTED_PROXIES", [])
    assert str(refused.value) == (
        "WARGA_TRUSTED_PROXIES holds 'proxy.internal', which is not an IP address or network (such as 10.0.0.0/8)."
    )
    monkeypatch.delenv("WARGA_TRUSTED_PROXIES")
    assert env.networks("WARGA_TRUSTED_PROXIES", []) == ()
