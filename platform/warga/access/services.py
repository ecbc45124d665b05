"""Writes of the access app: opening a government-host session from a hand-off."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest

from warga.access.handoff import handoff_redeem
from warga.access.mfa import session_mfa_record
from warga.access.middleware import CENTRAL_SESSION_KEY, central_session_exists
from warga.accounts.models import User


def government_session_open(*, request: HttpRequest, token: str, state: str) -> User | None:
    """Sign the browser in on this government host with the account the central host handed
    over, if `token` is valid for this origin and for this browser (`state`, from its cookie)
    and the central session still exists. The new session has passed MFA if the central one
    had."""
    origin = f"{request.scheme}://{request.get_host()}"
    handoff = handoff_redeem(token=token, origin=origin, state=state)
    if handoff is None or not central_session_exists(handoff.central_session_key):
        return None
    user = User.objects.filter(pk=handoff.user_id, is_active=True).first()
    if user is None:
        return None
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[CENTRAL_SESSION_KEY] = handoff.central_session_key
    if handoff.mfa:
        session_mfa_record(request, via="handoff")
    return user
