"""What every console page shares: the gate, the acting user, a service's refusal shown on
its form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.gates import View, government_page
from tenants.models import Government
from warga.access.policy import Action
from warga.accounts.models import User

CONSOLE_PATH = "/kantor/admin/"


def console_page(action: Action) -> Callable[[View], View]:
    """A console page: officials whose seat allows `action` in the government (frontend.gates)."""
    return government_page(action)


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
