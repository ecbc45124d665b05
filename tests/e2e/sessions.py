"""A browser's session made directly in the database, for tests that start signed in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from tests.api.helpers import mark_session_mfa_passed
from warga.accounts.models import User
from warga.web.signin import CENTRAL_SESSION_KEY


def signed_in_session(user: User, *, mfa_passed: bool = True) -> str:
    """The key of a session signed in as `user`, as the central host's hand-over leaves it on a
    government host (the session names itself as its central session). With `mfa_passed` it
    is marked as having typed a TOTP code, as allauth marks it at sign-in."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    session[CENTRAL_SESSION_KEY] = session.session_key
    if mfa_passed:
        mark_session_mfa_passed(session, user)
    session.save()
    return str(session.session_key)


def signed_in_page(browser: Any, session_key: str, host: str) -> Any:
    """A new page at desktop width (1280 x 800, Indonesian) whose browser holds the session
    `session_key` on `host`; close it with `page.context.close()`."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    context.add_cookies([{"name": "sessionid", "value": session_key, "domain": host, "path": "/"}])
    return context.new_page()
