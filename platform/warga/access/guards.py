"""The official gate wired into pages (a decorator) and the API (a DRF permission), both
answered by `warga.access.policy`: anything about a particular action asks the policy for it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.template.loader import render_to_string
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from warga.access.facts import premium_page_path
from warga.access.policy import Decision, policy_official
from warga.web.hosts import central_origin, government_of

__all__ = [
    "MFA_SETUP_PATH",
    "IsOfficialWithMFA",
    "access_denied",
    "government_of",
    "mfa_reauthenticate_url",
    "official_required",
    "page_refusal",
]

MFA_SETUP_PATH = "/akun/2fa/totp/activate/"
MFA_REAUTHENTICATE_PATH = "/akun/2fa/reauthenticate/"


def mfa_reauthenticate_url(request: HttpRequest) -> str:
    """The central host's TOTP prompt, then the hand-over back to this very page."""
    back = "/akun/lanjut/?" + urlencode({"ke": request.build_absolute_uri()})
    return central_origin(request) + MFA_REAUTHENTICATE_PATH + "?" + urlencode({"next": back})


def access_denied(request: HttpRequest, message: str, *, link: str | None = None) -> HttpResponse:
    """The 403 page saying why, in the host's layout, with where to go about it (`link`)."""
    page = render_to_string("frontend/access_denied.html", {"message": message, "link": link}, request=request)
    return HttpResponseForbidden(page)


def page_refusal(request: HttpRequest, decision: Decision) -> HttpResponse | None:
    """What a page answers when the policy refuses, or None when it allows: anonymous ->
    central sign-in and back, no TOTP -> its set-up, TOTP not typed in this session -> the
    central prompt and back, anything else -> 403 saying why. Every page gate uses this one
    mapping, so a new refusal reason is handled once for every page."""
    if decision.allowed:
        return None
    if decision.reason == "anonymous" or not request.user.is_authenticated:
        return HttpResponseRedirect("/akun/login/?" + urlencode({"next": request.get_full_path()}))
    if decision.reason == "mfa_missing":
        return HttpResponseRedirect(central_origin(request) + MFA_SETUP_PATH)
    if decision.reason == "mfa_not_passed":
        return HttpResponseRedirect(mfa_reauthenticate_url(request))
    if decision.reason == "premium":
        return access_denied(request, decision.message, link=premium_page_path())
    return access_denied(request, decision.message)


def official_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for officials of the host's government, whatever the seat (`page_refusal`)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        decision = policy_official(actor=request.user, government=government_of(request))
        return page_refusal(request, decision) or view(request, *args, **kwargs)

    return wrapped


class IsOfficialWithMFA(BasePermission):
    """API: an official of the host's government with TOTP active, whatever the seat
    (`policy_official`); otherwise 403 with the policy's reason code and message."""

    message = ""
    code = ""

    def has_permission(self, request: Request, view: APIView) -> bool:
        decision = policy_official(actor=request.user, government=government_of(request))
        if not decision.allowed:
            self.message = decision.message
            self.code = decision.reason or ""
        return decision.allowed
