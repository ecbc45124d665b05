"""The gate of every office page, answered by warga.access.policy."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from frontend.gates import View, government_page
from warga.access.policy import Action
from warga.accounts.models import User


def office_page(action: Action) -> Callable[[View], View]:
    """An office page: officials with a seat allowing `action` somewhere in the government
    (frontend.gates); the view decides for the object itself."""
    return government_page(action, anywhere=True)


def acting_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user
