"""API keys: their format, their hash, and finding the key a request presents.

A key reads `wrg_<prefix>_<secret>`: 12 hex characters of prefix, stored in clear to find the
row, and 43 characters (256 bits) of secret. The row keeps HMAC-SHA256 of the whole key under
a key derived from SECRET_KEY (docs/decisions/0049): a secret of 256 random bits cannot be
guessed, so a slow hash would only cost every request; the HMAC makes a stolen table alone
useless, and comparing in constant time gives nothing away.

While SECRET_KEY is being rotated, a key hashed under one of SECRET_KEY_FALLBACKS is still
accepted, and its row is re-hashed under the current secret on that first use.
"""

from __future__ import annotations

import hmac
import re
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

from warga.access.models import ApiKey

KEY_PATTERN = re.compile(r"^wrg_(?P<prefix>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})$")
_SALT = "warga.access.apikeys"


def api_key_generate() -> tuple[str, str]:
    """A new (key, prefix)."""
    prefix = secrets.token_hex(6)
    return f"wrg_{prefix}_{secrets.token_urlsafe(32)}", prefix


def api_key_hash(raw: str, *, secret: str | None = None) -> str:
    return salted_hmac(_SALT, raw, secret=secret, algorithm="sha256").hexdigest()


def _hashed_under_a_fallback(key: ApiKey, raw: str) -> bool:
    return any(
        hmac.compare_digest(key.secret_hash, api_key_hash(raw, secret=old)) for old in settings.SECRET_KEY_FALLBACKS
    )


def api_key_find(*, raw: str) -> ApiKey | None:
    """The live key `raw` is, with its government and account; None for a malformed, unknown,
    wrong or revoked key. One query, read every time: a revocation holds at once."""
    match = KEY_PATTERN.match(raw.strip())
    if match is None:
        return None
    key = (
        ApiKey.objects.select_related("government", "account")
        .filter(prefix=match["prefix"], revoked_at__isnull=True)
        .first()
    )
    if key is None:
        return None
    raw = raw.strip()
    current = api_key_hash(raw)
    if hmac.compare_digest(key.secret_hash, current):
        return key
    if _hashed_under_a_fallback(key, raw):
        ApiKey.objects.filter(pk=key.pk).update(secret_hash=current)
        key.secret_hash = current
        return key
    return None
