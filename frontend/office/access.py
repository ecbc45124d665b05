"""The gate of every office page, answered by warga.access.policy."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.template.loader import render_to_string

from warga.access.guards import MFA_SETUP_PATH, government_of
from warga.access.hosts import central_origin
from warga.access.policy import Action, ActionForbidden, policy_decide
from warga.accounts.models import User

View = Callable[..., HttpResponse]
GOVERNMENT_HOST_ONLY = (
    "Ruang kerja petugas ada di alamat pemerintah daerah. (The officials' workspace is on a government's host.)"
)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    page = render_to_string("frontend/access_denied.html", {"message": message}, request=request)
    return HttpResponseForbidden(page)


def office_page(action: Action) -> Callable[[View], View]:
    """The host first (404 on the public host), then who asks: anonymous -> sign in and back,
    no two-step verification -> its set-up on the central host, no seat whose kind allows
    `action` somewhere -> 403 saying why. The view gets the government and decides for the
    object itself; a refusal it meets later (ActionForbidden) is a 403 with its message."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            government = government_of(request)
            if government is None:
                raise Http404(GOVERNMENT_HOST_ONLY)
            if not request.user.is_authenticated:
                return HttpResponseRedirect("/akun/login/?" + urlencode({"next": request.get_full_path()}))
            decision = policy_decide(actor=request.user, government=government, action=action, anywhere=True)
            if decision.reason == "mfa_missing":
                return HttpResponseRedirect(central_origin(request) + MFA_SETUP_PATH)
            if not decision.allowed:
                return forbidden(request, decision.message)
            try:
                return view(request, government, *args, **kwargs)
            except ActionForbidden as refused:
                return forbidden(request, refused.message)

        return wrapped

    return decorate


def acting_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user
