"""API keys over HTTP, and the throttles for anonymous, session and key traffic.

A key comes as `Authorization: Bearer <key>` or `X-Api-Key: <key>`. Without either, the
session authentication that follows in DEFAULT_AUTHENTICATION_CLASSES decides as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.cache import caches
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from warga.access.apikeys import api_key_find
from warga.access.models import ApiKey
from warga.access.policy import Action, ActionForbidden, policy_key_host
from warga.access.services import api_key_mark_used
from warga.accounts.models import User
from warga.web.client_ip import client_ip
from warga.web.hosts import government_of

if TYPE_CHECKING:
    from rest_framework.views import APIView

UNKNOWN_KEY_MESSAGE = "Kunci API tidak dikenal atau sudah dicabut. (Unknown or revoked API key.)"


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("X-Api-Key", "").strip() or None


class ApiKeyAuthentication(BaseAuthentication):
    """The key's service account as the user and the key as `request.auth`; 401 for an unknown
    or revoked key, 403 (`other_government`) for a key used on another government's host."""

    def presented_key(self, request: Request) -> str | None:
        return _presented_key(request)

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        raw = self.presented_key(request)
        if raw is None:
            return None
        key = api_key_find(raw=raw)
        if key is None:
            raise exceptions.AuthenticationFailed(UNKNOWN_KEY_MESSAGE)
        on_host = policy_key_host(key=key, government=government_of(request))
        if not on_host.allowed:
            raise ActionForbidden(action=Action.REPORT_VIEW, decision=on_host)
        api_key_mark_used(key=key)
        account = key.account
        # Read by warga.access.policy: the account acts with the key's scopes, nothing else.
        account.acting_api_key = key  # type: ignore[attr-defined]
        return account, key

    def authenticate_header(self, request: Request) -> str | None:
        # Only a request that tried a key is told to try another (401); without one, an
        # anonymous request stays a 403, as browsers and the pages expect.
        return 'Bearer realm="warga"' if self.presented_key(request) is not None else None


class _SharedThrottle(SimpleRateThrottle):
    """Counted in the `shared` cache: one budget across every host (see warga.web.ratelimit)."""

    def __init__(self) -> None:
        self.cache = caches["shared"]
        super().__init__()

    def get_rate(self) -> str | None:
        # Read at each request, not at import, so that the rates follow the settings.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return str(rate) if rate else None

    def wait(self) -> float | None:
        # Whole seconds, at least one: Retry-After of 0 would invite an immediate retry.
        wait = super().wait()
        return None if wait is None else max(1.0, float(int(wait + 0.999)))


class AnonymousThrottle(_SharedThrottle):
    scope = "anonymous"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.user is not None and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


class SessionThrottle(_SharedThrottle):
    scope = "session"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if isinstance(request.auth, ApiKey) or request.user is None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class ApiKeyThrottle(_SharedThrottle):
    scope = "api_key"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.v1.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A key from this government's admin koordinator: `Authorization: Bearer wrg_…` "
            "(or the `X-Api-Key` header).",
        }
