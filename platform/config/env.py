"""Strict reading of settings from the environment.

Every setting that varies between machines comes through here. A value that cannot be
parsed stops start-up with an error naming the variable, so a typo in production fails
loudly at boot instead of quietly running with a default. A variable `NAME_FILE` may
name a file holding the value (for secrets mounted by the orchestrator).
"""

from __future__ import annotations

import base64
import ipaddress
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured

_UNSET = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE names {file_name!r}, which cannot be read: {error}") from error
    return os.environ.get(name)


def is_set(name: str) -> bool:
    """Whether the operator gave `name` (or `NAME_FILE`) at all, whatever its value."""
    return f"{name}_FILE" in os.environ or name in os.environ


def string(name: str, default: str | object = _UNSET) -> str:
    value = _raw(name)
    if value is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"The environment variable {name} is required and not set.")
        return str(default)
    return value


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off.")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        parsed = int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from error
    if minimum is not None and parsed < minimum:
        raise ImproperlyConfigured(f"{name}={parsed} is below the minimum of {minimum}.")
    return parsed


def seconds(name: str, default: float) -> float:
    """A positive duration in seconds, fractions allowed (`2.5`)."""
    value = _raw(name)
    if value is None:
        return default
    try:
        parsed = float(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number of seconds.") from error
    if not 0 < parsed < 3600:
        raise ImproperlyConfigured(f"{name}={value!r} must be more than 0 and less than 3600 seconds.")
    return parsed


def http_url(name: str) -> str:
    """An http(s) URL with a host, or "" when unset."""
    value = string(name, "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(f"{name}={value!r} is not an http:// or https:// URL with a host.")
    return value


def dotted_path(name: str, default: str) -> str:
    """A Python dotted path (`package.module.Class`), or "" when set empty."""
    value = string(name, default).strip()
    if value and not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a dotted path such as package.module.Class.")
    return value


def matching(name: str, default: str, *, pattern: str, meaning: str) -> str:
    """A string that must match `pattern` in full (or be empty when the default is)."""
    value = string(name, default).strip()
    if (value or default) and not re.fullmatch(pattern, value):
        raise ImproperlyConfigured(f"{name}={value!r} is not {meaning}.")
    return value


def _base64url(value: str) -> bytes:
    """Strict base64url (padding optional): a stray character is an error, not skipped."""
    return base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)


def vapid_keys(private_name: str, public_name: str, subject_name: str) -> tuple[str, str, str]:
    """Web push's VAPID key pair and contact (RFC 8292): (private, public, subject), each
    base64url without padding, or three empty strings when none is set.

    The private key is the raw 32-byte P-256 scalar in base64url or a PEM file; the public key
    the 65-byte uncompressed point the browser gets as `applicationServerKey`. The two must
    belong together: a mismatch would make every push service refuse every message.
    """
    private_raw, public_raw, subject = (string(n, "").strip() for n in (private_name, public_name, subject_name))
    if not (private_raw or public_raw or subject):
        return "", "", ""
    for name, value in ((private_name, private_raw), (public_name, public_raw), (subject_name, subject)):
        if not value:
            raise ImproperlyConfigured(
                f"{name} is not set: web push needs {private_name}, {public_name} and {subject_name} together."
            )
    try:
        if private_raw.startswith("-----BEGIN"):
            loaded = serialization.load_pem_private_key(private_raw.encode(), password=None)
            if not isinstance(loaded, ec.EllipticCurvePrivateKey):
                raise ValueError("not an elliptic-curve key")
            private_key = loaded
        else:
            scalar = _base64url(private_raw)
            if len(scalar) != 32:
                raise ValueError(f"{len(scalar)} bytes instead of 32")
            private_key = ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise ValueError("not a P-256 key")
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{private_name} is not a P-256 private key (base64url of 32 bytes, or PEM): {error}"
        ) from error
    derived = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    try:
        public = _base64url(public_raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{public_name} is not base64url: {error}") from error
    if public != derived:
        raise ImproperlyConfigured(f"{public_name} is not the public key of {private_name}.")
    if not re.fullmatch(r"mailto:[^@\s]+@[^@\s]+\.[^@\s]+|https://[^\s/]+(/\S*)?", subject):
        raise ImproperlyConfigured(
            f"{subject_name}={subject!r} must be a mailto: address or an https:// URL where the operator is reached."
        )
    scalar_bytes = private_key.private_numbers().private_value.to_bytes(32, "big")

    def encode(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return encode(scalar_bytes), encode(derived), subject


def string_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def key_values(name: str, *, key_pattern: str, value_pattern: str, meaning: str) -> dict[str, str]:
    """A comma-separated list of `key=value` pairs, each part matching its pattern in full
    (`kota-sedang:month=price_1Q...`); {} when unset."""
    pairs: dict[str, str] = {}
    for item in string_list(name, []):
        key, equals, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not re.fullmatch(key_pattern, key) or not re.fullmatch(value_pattern, value):
            raise ImproperlyConfigured(f"{name} holds {item!r}, which is not {meaning}.")
        if key in pairs:
            raise ImproperlyConfigured(f"{name} names {key!r} twice.")
        pairs[key] = value
    return pairs


def networks(name: str, default: list[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """A comma-separated list of IP addresses or networks (`10.0.0.0/8, 2001:db8::/32`)."""
    value = _raw(name)
    items = default if value is None else [item.strip() for item in value.split(",") if item.strip()]
    parsed = []
    for item in items:
        try:
            parsed.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{name} holds {item!r}, which is not an IP address or network (such as 10.0.0.0/8)."
            ) from error
    return tuple(parsed)


def database(name: str) -> dict[str, object]:
    """Parse a `postgresql://user:password@host:port/name?host=/socket/dir` URL."""
    url = string(name, default="")
    if not url:
        raise ImproperlyConfigured(
            f"{name} is not set. Run the project through `python3 deploy/dev.py run|test|manage`, which "
            f"starts the embedded PostgreSQL and sets it, or set {name}=postgresql://user@host:5432/dbname."
        )
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"{name} must start with postgresql://, got scheme {parts.scheme!r}.")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    name_in_url = unquote(parts.path.lstrip("/"))
    if not name_in_url:
        raise ImproperlyConfigured(f"{name} names no database (the part after the last '/').")
    options: dict[str, object] = {}
    return {
        "NAME": name_in_url,
        "USER": unquote(parts.username or "postgres"),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": query.pop("host", None) or parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": options | query,
    }
