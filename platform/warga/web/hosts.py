"""Which origins belong to Warga, and where the central sign-in host is.

Sign-in runs only on the base domain (docs/decisions/0006); every government host hands the
browser over to it and back. The port is kept so that development servers on any port work.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

from tenants.context import in_public_schema
from tenants.models import Government, Level


def _port_suffix(request: HttpRequest) -> str:
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    return "" if port in ("", default) else f":{port}"


def government_of(request: HttpRequest) -> Government | None:
    """The government whose host the request came to; None on the public host."""
    if in_public_schema():
        return None
    tenant = getattr(request, "tenant", None)
    return tenant if isinstance(tenant, Government) else None


def host_kind(request: HttpRequest) -> str:
    """ "public", "national" or "government": which of Warga's faces the request came to."""
    government = government_of(request)
    if government is None:
        return "public"
    return "national" if government.level == Level.NATIONAL else "government"


def central_origin(request: HttpRequest) -> str:
    """`scheme://<base domain>[:port]` as seen from this request."""
    return f"{request.scheme}://{settings.WARGA_BASE_DOMAIN}{_port_suffix(request)}"


def is_government_hostname(hostname: str) -> bool:
    base = settings.WARGA_BASE_DOMAIN
    return hostname.endswith(f".{base}") and hostname != f".{base}"


def is_warga_url(url: str) -> bool:
    """An absolute http(s) URL on the base domain or one of its subdomains (any port)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if settings.WARGA_HTTPS and parts.scheme != "https":
        return False
    hostname = parts.hostname.lower()
    return hostname == settings.WARGA_BASE_DOMAIN or is_government_hostname(hostname)


def government_origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of an absolute URL on a government host, else None."""
    if not is_warga_url(url):
        return None
    parts = urlsplit(url)
    if not is_government_hostname((parts.hostname or "").lower()):
        return None
    return f"{parts.scheme}://{parts.netloc.lower()}"
