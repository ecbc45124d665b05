"""One POST to a webhook endpoint, to an address checked at the moment of sending.

An admin types the URL, so it may name anything the server can reach: the cloud's metadata
service, the database, an internal admin page (SSRF). Outside development the URL must be
https and every address its host resolves to must be public; the check runs when the endpoint
is saved and again at every delivery, and the connection goes to the very address checked
(a name that resolves to a public address for the check and a private one for the connection,
DNS rebinding, gets nowhere). Redirects are not followed: a 3xx is a failed delivery.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from warga.errors import Invalid

# What is read of the receiver's answer: only its status matters.
_ANSWER_MAX_BYTES = 4096


class UrlRefused(Invalid):
    """The URL may not receive deliveries; the message says why, in words the admin can act on."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


@dataclass(frozen=True)
class Answer:
    status: int
    latency_ms: int


def local_allowed() -> bool:
    """Development (and tests that say so) may deliver over http to this machine's addresses."""
    return bool(getattr(settings, "WARGA_WEBHOOKS_ALLOW_LOCAL", False))


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_check(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a URL that may receive deliveries, else UrlRefused. Does
    not resolve the host (see `target_resolve`)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UrlRefused("Alamat webhook tidak valid.") from error
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise UrlRefused("Alamat webhook harus berupa URL lengkap yang diawali https://.")
    if parts.scheme == "http" and not local_allowed():
        raise UrlRefused("Alamat webhook harus memakai https://, agar isi laporan tidak terbaca di jalan.")
    if parts.username or parts.password:
        raise UrlRefused("Alamat webhook tidak boleh memuat nama pengguna atau sandi; pakai rahasia penandatangan.")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def target_resolve(url: str) -> Target:
    """Check the URL and resolve its host now; UrlRefused when any address is not public
    (outside development) or the name does not resolve."""
    scheme, host, port, path = url_check(url)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise UrlRefused(f"Nama host {host} tidak dapat ditemukan (DNS).") from error
    addresses = list(dict.fromkeys(str(entry[4][0]) for entry in found))
    if not addresses:
        raise UrlRefused(f"Nama host {host} tidak dapat ditemukan (DNS).")
    if not local_allowed():
        private = [address for address in addresses if not _public(address)]
        if private:
            raise UrlRefused(
                f"Alamat webhook {host} menunjuk ke jaringan internal ({private[0]}); hanya alamat publik yang diizinkan."
            )
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = target.address

    def connect(self) -> None:
        plain = socket.create_connection((self._address, self.port), self.timeout)
        # Certificate checked against the host name, while the socket goes to the checked address.
        self.sock = self._tls.wrap_socket(plain, server_hostname=self.host)


def post(*, target: Target, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST `body` to the resolved target; the answer's status and the time it took. Raises
    OSError (including timeouts and TLS failures) when no answer came."""
    connection: http.client.HTTPConnection = (
        _PinnedHTTPSConnection(target, timeout) if target.scheme == "https" else _PinnedHTTPConnection(target, timeout)
    )
    started = time.monotonic()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(_ANSWER_MAX_BYTES)
        return Answer(status=response.status, latency_ms=round((time.monotonic() - started) * 1000))
    except http.client.HTTPException as error:
        raise OSError(f"invalid HTTP answer: {error}") from error
    finally:
        connection.close()
