"""Invitation tokens: random, sent once by email, kept only as a hash."""

from __future__ import annotations

import hashlib
import secrets


def token_new() -> tuple[str, str]:
    """A fresh token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    # The token has 256 random bits: a plain SHA-256 cannot be brute-forced, so no salt or
    # slow hash is needed, and lookups stay one indexed equality.
    return hashlib.sha256(token.encode()).hexdigest()
