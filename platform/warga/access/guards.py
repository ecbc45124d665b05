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

from warga.access.hosts import central_origin, government_of
from warga.access.policy import policy_official

__all__ = ["MFA_SETUP_PATH", "IsOfficialWithMFA", "government_of", "mfa_reauthenticate_url", "official_required"]

MFA_SETUP_PATH = "/akun/2fa/totp/activate/"
MFA_REAUTHENTICATE_PATH = "/akun/2fa/reauthenticate/"


def mfa_reauthenticate_url(request: HttpRequest) -> str:
    """The central host's TOTP prompt, then the hand-over back to this very page."""
    back = "/akun/lanjut/?" + urlencode({"ke": request.build_absolute_uri()})
    return central_origin(request) + MFA_REAUTHENTICATE_PATH + "?" + urlencode({"next": back})


def official_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for officials: anonymous -> central sign-in and back, no TOTP -> its set-up on the
    central host, anything else refused -> 403 page saying why."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        decision = policy_official(actor=request.user, government=government_of(request))
        if decision.reason == "anonymous":
            return HttpResponseRedirect("/akun/login/?" + urlencode({"next": request.get_full_path()}))
        if decision.reason == "mfa_missing":
            return HttpResponseRedirect(central_origin(request) + MFA_SETUP_PATH)
        if decision.reason == "mfa_not_passed":
            return HttpResponseRedirect(mfa_reauthenticate_url(request))
        if not decision.allowed:
            page = render_to_string("frontend/access_denied.html", {"message": decision.message}, request=request)
            return HttpResponseForbidden(page)
        return view(request, *args, **kwargs)

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
