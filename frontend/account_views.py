"""Sign-in across hosts (docs/decisions/0006).

Sign-in pages live on the central host only. A government host sends `/akun/...` there; the
central host hands a signed-in account back through a one-time token.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from warga.access.handoff import handoff_issue
from warga.access.hosts import central_origin, government_origin_of
from warga.access.middleware import CHECKED_COOKIE, CHECKED_SECONDS
from warga.access.services import government_session_open

# Pages after which the browser should come back to the government host it started from.
_RETURNING_PAGES = {"", "login/", "signup/"}


def _local_path(request: HttpRequest, candidate: str | None) -> str:
    if candidate and candidate.startswith("/") and url_has_allowed_host_and_scheme(candidate, {request.get_host()}):
        return candidate
    return "/"


def central_continue(request: HttpRequest) -> HttpResponse:
    """Central host, `/akun/lanjut/?ke=<government URL>`: hand the signed-in account to that
    government host; if nobody is signed in, sign in first (or, with `diam=1`, just go back)."""
    target = request.GET.get("ke", "")
    origin = government_origin_of(target)
    if origin is None:
        return HttpResponseBadRequest("Alamat tujuan bukan alamat Warga. (The target is not a Warga address.)")
    parts = urlsplit(target)
    back = {"next": (parts.path or "/") + (f"?{parts.query}" if parts.query else "")}
    if request.user.is_authenticated:
        if request.session.session_key is None:
            request.session.save()
        token = handoff_issue(
            user_id=request.user.pk,
            origin=origin,
            central_session_key=str(request.session.session_key),
        )
        return HttpResponseRedirect(f"{origin}/akun/sambung/?" + urlencode({"token": token} | back))
    if request.GET.get("diam") == "1":
        return HttpResponseRedirect(f"{origin}/akun/sambung/?" + urlencode(back))
    return HttpResponseRedirect("/akun/login/?" + urlencode({"next": request.get_full_path()}))


def government_connect(request: HttpRequest) -> HttpResponse:
    """Government host, `/akun/sambung/`: redeem the hand-off (if any) and go on to `next`."""
    token = request.GET.get("token")
    if token:
        government_session_open(request=request, token=token)
    response = HttpResponseRedirect(_local_path(request, request.GET.get("next")))
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
        back = f"{request.scheme}://{request.get_host()}{_local_path(request, request.GET.get('next'))}"
        return HttpResponseRedirect(f"{central}/akun/lanjut/?" + urlencode({"ke": back}))
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{central}/akun/{rest}" + (f"?{query}" if query else ""))
