from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.v1.errors import exception_handler
from tenants.context import in_public_schema
from warga.access.hosts import government_of
from warga.access.policy import Action, ActionForbidden, api_key_of, policy_key_decide
from warga.accounts.models import User


class ApiView(APIView):
    """Base of every v1 view: one error body for every refusal.

    A request made with an API key reaches only the views that name the action they need in
    `api_key_action`, and only when warga.access.policy grants the key that action here;
    every other view refuses keys (`key_not_accepted`)."""

    api_key_action: Action | None = None

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return exception_handler

    def check_permissions(self, request: Request) -> None:
        key = api_key_of(request.user)
        if key is not None:
            decision = policy_key_decide(key=key, government=government_of(request), action=self.api_key_action)
            if not decision.allowed:
                raise ActionForbidden(action=self.api_key_action or Action.REPORT_VIEW, decision=decision)
        super().check_permissions(request)


PUBLIC_HOST_ONLY = "Tersedia di aplikasi warga (alamat nasional), bukan di alamat pemerintah daerah."
GOVERNMENT_HOST_ONLY = "Tersedia di alamat pemerintah daerah."


def require_public_host(message: str = PUBLIC_HOST_ONLY) -> None:
    """404 (saying where it is served) unless the request is on the public host."""
    if not in_public_schema():
        raise Http404(message)


def require_government_host(message: str = GOVERNMENT_HOST_ONLY) -> None:
    """404 (saying where it is served) unless the request is on a government's host."""
    if in_public_schema():
        raise Http404(message)


def signed_in_user(request: Request) -> User:
    """The request's account, for views whose permissions already refused anonymous users."""
    user = request.user
    assert isinstance(user, User)
    return user
