"""What every console page shares: the gate, the acting user, a service's refusal shown on
its form."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string

from tenants.models import Government
from warga.access.guards import MFA_SETUP_PATH, government_of
from warga.access.hosts import central_origin
from warga.access.policy import Action, ActionForbidden, policy_decide
from warga.accounts.models import User

CONSOLE_PATH = "/kantor/admin/"
HOST_ONLY = "Konsol admin hanya ada di alamat pemerintah daerah. (The admin console is on a government's host only.)"

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    page = render_to_string("frontend/access_denied.html", {"message": message}, request=request)
    return HttpResponseForbidden(page)


def console_page(action: Action) -> Callable[[View], View]:
    """The host first (404 off a government's host, whoever asks), then who asks: anonymous ->
    sign in and back, no two-step verification -> its set-up, a seat that does not allow
    `action` -> 403 with the policy's reason. The view gets the government after the request;
    a refusal raised by a service later (the seat ended meanwhile) is the same 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            government = government_of(request)
            if government is None:
                raise Http404(HOST_ONLY)
            if not request.user.is_authenticated:
                return HttpResponseRedirect("/akun/login/?" + urlencode({"next": request.get_full_path()}))
            decision = policy_decide(actor=request.user, government=government, action=action)
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


def refusal_into(form: forms.Form, field: str | None, message: str, fields: dict[str, str] | None = None) -> None:
    """A service's refusal shown by the field it names (mapped through `fields` from the
    service's input names to the form's), else above the form."""
    name = (fields or {}).get(field or "", field)
    form.add_error(name if name in form.fields else None, message)


def page(
    request: HttpRequest,
    government: Government,
    template: str,
    context: dict[str, Any],
    *,
    section: str,
    status: int = 200,
) -> HttpResponse:
    """Render a console page; 400 when a form on it carries errors."""
    has_errors = any(isinstance(value, forms.Form) and value.errors for value in context.values())
    return render(
        request,
        f"frontend/console/{template}",
        {**context, "console_section": section, "government": government},
        status=400 if has_errors and status == 200 else status,
    )
