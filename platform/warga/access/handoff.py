"""One-time hand-off of a signed-in account from the central host to a government host.

The central host issues a random token bound to the account, to the target origin and to the
central session; the government host redeems it once within a minute and opens its own session.
Tokens live in the `shared` cache so that every process and every tenant sees the same ones.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from django.core.cache import caches

HANDOFF_SECONDS = 60
_PREFIX = "access:handoff:"


@dataclass(frozen=True)
class Handoff:
    user_id: uuid.UUID
    origin: str
    central_session_key: str


def handoff_issue(*, user_id: uuid.UUID, origin: str, central_session_key: str) -> str:
    """Store a single-use token for `origin` (`scheme://host[:port]`) and return it."""
    token = secrets.token_urlsafe(32)
    caches["shared"].set(
        _PREFIX + token,
        {"user_id": str(user_id), "origin": origin, "central_session_key": central_session_key},
        HANDOFF_SECONDS,
    )
    return token


def handoff_redeem(*, token: str, origin: str) -> Handoff | None:
    """The hand-off behind `token` if it was issued for `origin` and not used yet; it is used up
    either way, so a token shown to the wrong host cannot be tried again elsewhere."""
    cache = caches["shared"]
    key = _PREFIX + token
    stored = cache.get(key)
    # Only the caller whose delete removed the key may use it: a replay racing us loses.
    if stored is None or not cache.delete(key):
        return None
    if stored["origin"] != origin:
        return None
    return Handoff(
        user_id=uuid.UUID(stored["user_id"]),
        origin=stored["origin"],
        central_session_key=stored["central_session_key"],
    )
