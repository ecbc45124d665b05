"""Whether the session in hand completed the second step of sign-in (TOTP or a recovery code).

Holding a TOTP authenticator is not enough: an official acts only from a session in which the
code was typed. allauth records each step of a sign-in in the session (`method: "mfa"` after a
TOTP or recovery code, at sign-in or at re-authentication); activating TOTP proves the code
too, so it is recorded the same way. A government host's session is opened by the central
host's hand-over (docs/decisions/0006), which carries the central session's answer along.

The policy asks `request_mfa_passed(user_id)`: inside a request (set by `MfaSessionMiddleware`)
it answers for the request's session; outside one (Celery, the shell) there is no session and
it answers None, leaving the decision to the authenticator check.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

# (the request's user id, whether its session completed MFA); None outside a request.
_REQUEST_MFA: ContextVar[tuple[uuid.UUID, bool] | None] = ContextVar("warga_request_mfa", default=None)


def session_mfa_passed(request: HttpRequest) -> bool:
    """True when the signed-in user typed a TOTP (or recovery) code in this very session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def session_mfa_record(request: HttpRequest, *, via: str) -> None:
    """Note in this session that its user completed MFA (`via` says how it was learnt)."""
    record_authentication(request, request.user, "mfa", type=Authenticator.Type.TOTP, via=via)


def request_mfa_passed(user_id: uuid.UUID) -> bool | None:
    """For the policy: whether the current request's session, signed in as `user_id`, completed
    MFA; None when no request is being served for that account (tasks, the shell)."""
    state = _REQUEST_MFA.get()
    if state is None or state[0] != user_id:
        return None
    return state[1]


class MfaSessionMiddleware:
    """Makes the session's MFA state known to the policy for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not isinstance(user.pk, uuid.UUID):
            return self.get_response(request)
        token = _REQUEST_MFA.set((user.pk, session_mfa_passed(request)))
        try:
            return self.get_response(request)
        finally:
            _REQUEST_MFA.reset(token)


@receiver(authenticator_added)
def _activation_proves_the_code(sender: object, request: HttpRequest, authenticator: Authenticator, **_: Any) -> None:
    # Activating TOTP means typing a valid code from the new authenticator in this session.
    if authenticator.type == Authenticator.Type.TOTP:
        session_mfa_record(request, via="activation")
