"""The official check wired into pages (a decorator) and the API (a DRF permission)."""

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

from tenants.context import in_public_schema
from tenants.models import Government
from warga.access.hosts import central_origin
from warga.access.officials import OfficialAccessDenied, official_assert_may_act

MFA_SETUP_PATH = "/akun/2fa/totp/activate/"


def government_of(request: HttpRequest) -> Government | None:
    if in_public_schema():
        return None
    tenant = getattr(request, "tenant", None)
    return tenant if isinstance(tenant, Government) else None


def official_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for officials: anonymous -> central sign-in and back, no TOTP -> its set-up on the
    central host, anything else refused -> 403 page saying why."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            official_assert_may_act(user=request.user, government=government_of(request))
        except OfficialAccessDenied as denied:
            if denied.reason == "anonymous":
                return HttpResponseRedirect("/akun/login/?" + urlencode({"next": request.get_full_path()}))
            if denied.reason == "mfa_missing":
                return HttpResponseRedirect(central_origin(request) + MFA_SETUP_PATH)
            page = render_to_string("frontend/access_denied.html", {"message": denied.message}, request=request)
            return HttpResponseForbidden(page)
        return view(request, *args, **kwargs)

    return wrapped


class IsOfficialWithMFA(BasePermission):
    """API: an official of the host's government with TOTP active; otherwise 403 and why."""

    message = ""

    def has_permission(self, request: Request, view: APIView) -> bool:
        try:
            official_assert_may_act(user=request.user, government=government_of(request))
        except OfficialAccessDenied as denied:
            self.message = denied.message
            return False
        return True
