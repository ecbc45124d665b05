"""Sign-in on government hosts, which never show a login form themselves.

- A government-host session exists only because the central host handed the account over
  (frontend.account_views, `government_session_open`); it records the central session it came
  from and ends as soon as that one ends (sign-out or revocation in the session list on the
  central host).
- A browser arriving anonymously at a government page is sent once to the central host, which
  sends it straight back either signed in or marked as checked. Only real top-level page
  navigations are bounced (the browser says so in Sec-Fetch-*); API calls, assets and clients
  that do not send these headers are served as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from tenants.context import in_public_schema
from warga.web.handoff import handoff_redeem, handoff_state, handoff_state_set
from warga.web.hosts import central_origin
from warga.web.mfa import session_mfa_record

# Stored in every government-host session: the name stays what existing sessions hold.
CENTRAL_SESSION_KEY = "access_central_session"
CHECKED_COOKIE = settings.WARGA_COOKIE_PREFIX + "warga_masuk_dicek"
CHECKED_SECONDS = 300
_NOT_BOUNCED_PREFIXES = ("/akun/", "/api/", "/open311/", "/static/", "/healthz")


def central_session_exists(session_key: str) -> bool:
    """Whether the central session is still alive: present and not expired. `exists()` alone
    would also answer yes for an expired row that `clearsessions` has not deleted yet."""
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    data = session.load()
    return session.session_key == session_key and bool(data)


class GovernmentSignInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if in_public_schema():
            return self.get_response(request)
        if request.user.is_authenticated:
            # Only the hand-off signs in on a government host, and it records the central
            # session; a session without one was opened in code (tests, shell) and is kept.
            central = request.session.get(CENTRAL_SESSION_KEY)
            if central and not central_session_exists(central):
                logout(request)
        elif self._should_check_central(request):
            state = handoff_state(request)
            query = urlencode({"ke": request.build_absolute_uri(), "diam": "1", "state": state})
            response = HttpResponseRedirect(f"{central_origin(request)}/akun/lanjut/?{query}")
            handoff_state_set(response, state)
            return response
        return self.get_response(request)

    @staticmethod
    def _should_check_central(request: HttpRequest) -> bool:
        return (
            request.method == "GET"
            and request.headers.get("Sec-Fetch-Mode") == "navigate"
            and request.headers.get("Sec-Fetch-Dest") == "document"
            and CHECKED_COOKIE not in request.COOKIES
            and not request.path.startswith(_NOT_BOUNCED_PREFIXES)
        )


def government_session_open(*, request: HttpRequest, token: str, state: str) -> AbstractBaseUser | None:
    """Sign the browser in on this government host with the account the central host handed
    over, if `token` is valid for this origin and for this browser (`state`, from its cookie)
    and the central session still exists. The new session has passed MFA if the central one
    had."""
    origin = f"{request.scheme}://{request.get_host()}"
    handoff = handoff_redeem(token=token, origin=origin, state=state)
    if handoff is None or not central_session_exists(handoff.central_session_key):
        return None
    # The account model through Django's setting: the request plumbing sits below the apps.
    user = get_user_model().objects.filter(pk=handoff.user_id, is_active=True).first()
    if user is None:
        return None
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[CENTRAL_SESSION_KEY] = handoff.central_session_key
    if handoff.mfa:
        session_mfa_record(request, via="handoff")
    return user
