"""One-time hand-off of a signed-in account from the central host to a government host.

The central host issues a random token bound to the account, to the target origin, to the
central session and to the browser that asked for it; the government host redeems it once
within a minute and opens its own session. Tokens live in the `shared` cache so that every
process and every tenant sees the same ones.

Binding to the browser: before sending a browser to the central host, the government host
puts a random state in a host-only cookie and names it in the request (`state`); the token is
issued for that state and redeemed only by a browser presenting it. A token minted for the
attacker's account and slipped to a victim (a link, an image) finds no matching cookie in the
victim's browser and signs nobody in (login CSRF).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

HANDOFF_SECONDS = 60
# Named for the app these tokens were first kept by; kept so tokens in flight survive a deploy.
_PREFIX = "access:handoff:"
# Long enough for a sign-in with a password, a TOTP code or a sign-up on the central host.
STATE_SECONDS = 3600
_STATE_BYTES = 32


@dataclass(frozen=True)
class Handoff:
    user_id: uuid.UUID
    origin: str
    central_session_key: str
    # Whether the central session had completed MFA (warga.web.mfa) when the token was issued.
    mfa: bool


def state_is_well_formed(state: str) -> bool:
    return 40 <= len(state) <= 64 and all(c.isalnum() or c in "-_" for c in state)


def handoff_state(request: HttpRequest) -> str:
    """The browser's hand-off state on this government host: the one its cookie holds (so that
    two tabs signing in at once share it), or a new one."""
    current = request.COOKIES.get(settings.WARGA_HANDOFF_STATE_COOKIE, "")
    return current if state_is_well_formed(current) else secrets.token_urlsafe(_STATE_BYTES)


def handoff_state_set(response: HttpResponse, state: str) -> None:
    response.set_cookie(
        settings.WARGA_HANDOFF_STATE_COOKIE,
        state,
        max_age=STATE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def handoff_issue(*, user_id: uuid.UUID, origin: str, central_session_key: str, state: str, mfa: bool) -> str:
    """Store a single-use token for `origin` (`scheme://host[:port]`) and the browser holding
    `state`, and return it."""
    token = secrets.token_urlsafe(32)
    caches["shared"].set(
        _PREFIX + token,
        {
            "user_id": str(user_id),
            "origin": origin,
            "central_session_key": central_session_key,
            "state": state,
            "mfa": mfa,
        },
        HANDOFF_SECONDS,
    )
    return token


def handoff_redeem(*, token: str, origin: str, state: str) -> Handoff | None:
    """The hand-off behind `token` if it was issued for `origin` and for the browser holding
    `state`, and not used yet; it is used up either way, so a token shown to the wrong host or
    the wrong browser cannot be tried again elsewhere."""
    cache = caches["shared"]
    key = _PREFIX + token
    stored = cache.get(key)
    # Only the caller whose delete removed the key may use it: a replay racing us loses.
    if stored is None or not cache.delete(key):
        return None
    if stored["origin"] != origin:
        return None
    if not state or not secrets.compare_digest(str(stored.get("state", "")), state):
        return None
    return Handoff(
        user_id=uuid.UUID(stored["user_id"]),
        origin=stored["origin"],
        central_session_key=stored["central_session_key"],
        mfa=bool(stored.get("mfa")),
    )
