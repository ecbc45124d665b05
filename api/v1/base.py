from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.v1.errors import exception_handler
from tenants.host_kinds import HostKinds
from tenants.models import Government
from warga.access.policy import Action, ActionForbidden, api_key_of, policy_key_decide
from warga.accounts.models import User
from warga.web.hosts import government_of


class ApiView(APIView):
    """Base of every v1 view: one error body for every refusal.

    A request made with an API key reaches only the views that name the action they need in
    `api_key_action`, and only when warga.access.policy grants the key that action here;
    every other view refuses keys (`key_not_accepted`).

    Every view declares the kinds of host it answers on in `host_kinds` (tenants.host_kinds);
    its route does not exist on any other (404), which the URLconfs enforce, not the view."""

    host_kinds: HostKinds | None = None
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


def signed_in_user(request: Request) -> User:
    """The request's account, for views whose permissions already refused anonymous users."""
    user = request.user
    assert isinstance(user, User)
    return user


def host_government(request: Request) -> Government:
    """The government whose host the request came to, for views whose `host_kinds` name only
    governments' hosts (the URLconfs mount them nowhere else)."""
    government = government_of(request)
    assert government is not None
    return government
