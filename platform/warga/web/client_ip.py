"""Which address a request comes from, behind zero or more trusted proxies (docs/decisions/0011).

X-Forwarded-For is a list anyone can start: a client sends whatever it likes and each proxy
appends the address it received the connection from. Only the entries appended by proxies we
run are facts, so the list is read from the right, and only while the hop that wrote an entry
is one of `WARGA_TRUSTED_PROXIES`. With none configured the header is ignored altogether.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(text: str | None) -> Address | None:
    if not text:
        return None
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address) -> bool:
    return any(address in network for network in settings.WARGA_TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, when that is a trusted proxy, the right-most
    X-Forwarded-For entry not written by a trusted proxy. None when REMOTE_ADDR is missing."""
    address = _parse(request.META.get("REMOTE_ADDR"))
    if address is None:
        return None
    if not settings.WARGA_TRUSTED_PROXIES:
        return str(address)
    # Several X-Forwarded-For headers arrive joined with commas, in order.
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    while hops and _trusted(address):
        written = _parse(hops.pop())
        if written is None:
            # Our own proxy wrote something that is not an address: keep the last hop we know.
            break
        address = written
    return str(address)


def ip_budget_key(address: str | None) -> str | None:
    """What a per-IP budget is kept under: the address, except that an IPv6 client is its /64
    (one subscriber gets a whole /64 and may use any address in it)."""
    parsed = _parse(address)
    if parsed is None:
        return None
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)
