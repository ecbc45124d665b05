"""Sign-in across hosts (docs/decisions/0006).

Sign-in pages live on the central host only. A government host sends `/akun/...` there; the
central host hands a signed-in account back through a one-time token.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from warga.web.handoff import handoff_issue, handoff_state, handoff_state_set, state_is_well_formed
from warga.web.hosts import central_origin, government_origin_of
from warga.web.mfa import session_mfa_passed
from warga.web.signin import CHECKED_COOKIE, CHECKED_SECONDS, government_session_open

# Pages after which the browser should come back to the government host it started from.
_RETURNING_PAGES = {"", "login/", "signup/"}


def _local_path(request: HttpRequest, candidate: str | None) -> str:
    if candidate and candidate.startswith("/") and url_has_allowed_host_and_scheme(candidate, {request.get_host()}):
        return candidate
    return "/"


def central_continue(request: HttpRequest) -> HttpResponse:
    """Central host, `/akun/lanjut/?ke=<government URL>&state=<the browser's state there>`: hand
    the signed-in account to that government host; if nobody is signed in, sign in first (or,
    with `diam=1`, just go back). Without a state, the government host is asked for one first:
    a token is only ever issued to the browser that asked for it (docs/decisions/0006)."""
    target = request.GET.get("ke", "")
    origin = government_origin_of(target)
    if origin is None:
        return HttpResponseBadRequest("Alamat tujuan bukan alamat Warga. (The target is not a Warga address.)")
    parts = urlsplit(target)
    back = {"next": (parts.path or "/") + (f"?{parts.query}" if parts.query else "")}
    quiet = {"diam": "1"} if request.GET.get("diam") == "1" else {}
    state = request.GET.get("state", "")
    if not state_is_well_formed(state):
        return HttpResponseRedirect(f"{origin}/akun/sambung/?" + urlencode({"mulai": "1"} | back | quiet))
    if request.user.is_authenticated:
        if request.session.session_key is None:
            request.session.save()
        token = handoff_issue(
            user_id=request.user.pk,
            origin=origin,
            central_session_key=str(request.session.session_key),
            state=state,
            mfa=session_mfa_passed(request),
        )
        return HttpResponseRedirect(f"{origin}/akun/sambung/?" + urlencode({"token": token} | back))
    if quiet:
        return HttpResponseRedirect(f"{origin}/akun/sambung/?" + urlencode(back))
    return HttpResponseRedirect("/akun/login/?" + urlencode({"next": request.get_full_path()}))


def _to_central_continue(request: HttpRequest, *, next_path: str, quiet: bool = False) -> HttpResponse:
    """Send the browser to the central host's hand-over for `next_path` on this host, with this
    browser's state in a cookie here and in the request there."""
    state = handoff_state(request)
    back = f"{request.scheme}://{request.get_host()}{next_path}"
    query = {"ke": back} | ({"diam": "1"} if quiet else {}) | {"state": state}
    response = HttpResponseRedirect(f"{central_origin(request)}/akun/lanjut/?" + urlencode(query))
    handoff_state_set(response, state)
    return response


def government_connect(request: HttpRequest) -> HttpResponse:
    """Government host, `/akun/sambung/`: redeem the hand-off (if any) and go on to `next`;
    with `mulai=1`, first give this browser a state and go to the central host's hand-over."""
    next_path = _local_path(request, request.GET.get("next"))
    if request.GET.get("mulai") == "1":
        return _to_central_continue(request, next_path=next_path, quiet=request.GET.get("diam") == "1")
    token = request.GET.get("token")
    response = HttpResponseRedirect(next_path)
    if token:
        state = request.COOKIES.get(settings.WARGA_HANDOFF_STATE_COOKIE, "")
        government_session_open(request=request, token=token, state=state)
    response.set_cookie(
        CHECKED_COOKIE,
        "1",
        max_age=CHECKED_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def government_account_redirect(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Government host, `/akun/<rest>`: the same page on the central host; sign-in and sign-up
    come back here afterwards."""
    central = central_origin(request)
    if rest in _RETURNING_PAGES:
        return _to_central_continue(request, next_path=_local_path(request, request.GET.get("next")))
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{central}/akun/{rest}" + (f"?{query}" if query else ""))
