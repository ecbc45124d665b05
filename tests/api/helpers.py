from __future__ import annotations

import time

from django.contrib.sessions.backends.base import SessionBase
from django.test import Client

from warga.accounts.models import User
from warga.web.signin import CENTRAL_SESSION_KEY


def signed_in_client(user: User | None = None) -> Client:
    """A client signed in as `user` on the central host and, as after the central host's
    hand-over, on every government host (the test client keeps one cookie jar for all hosts,
    so one session plays both parts and names itself as its central session). The session is
    marked as having passed TOTP, as allauth marks it after the code is typed at sign-in
    (whether the account has an authenticator at all is still checked by the policy)."""
    client = Client()
    if user is None:
        return client
    # UserFactory skips the save after set_password; without it the stored hash differs from
    # the session's and the session is dropped.
    user.save(update_fields=["password"])
    client.force_login(user)
    session = client.session
    session[CENTRAL_SESSION_KEY] = session.session_key
    mark_session_mfa_passed(session, user)
    session.save()
    return client


def mark_session_mfa_passed(session: SessionBase, user: User) -> None:
    """What allauth's record_authentication writes after a TOTP code is typed."""
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
