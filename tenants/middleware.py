"""Selects the schema for each request from its host.

- The public hosts (the base domain) serve the shared citizen app from the public schema.
- `<slug>.<base domain>` serves that government's schema, once it is ready.
- Anything else gets a plain 404 page naming the host, not a stack trace.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import set_urlconf
from django_tenants.middleware.main import TenantMainMiddleware

from tenants import hosts
from tenants.context import tenant_connection
from tenants.host_kinds import HostKind, kind_of, serve, serving_for_request


def _page(request: HttpRequest, template: str, status: int, context: dict[str, object]) -> HttpResponse:
    return HttpResponse(render_to_string(template, context, request=request), status=status)


class GovernmentHostMiddleware(TenantMainMiddleware):
    """Also says which kind of host is being served (tenants.host_kinds) until the response
    is made, which is what the URLconfs' host routes match on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serving_for_request(request):
            return super().__call__(request)

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        connection = tenant_connection()
        connection.set_schema_to_public()
        hostname = self.hostname_from_request(request)
        if hostname in settings.WARGA_PUBLIC_HOSTS:
            request.tenant = connection.tenant  # type: ignore[attr-defined]
            serve(request, HostKind.PUBLIC)
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return None

        government = hosts.government_for_host(hostname)
        if government is None:
            return _page(request, "tenants/unknown_host.html", 404, {"hostname": hostname})
        if not government.is_ready:
            response = _page(request, "tenants/not_ready.html", 503, {"government": government})
            response["Retry-After"] = "60"
            return response

        government.domain_url = hostname
        request.tenant = government  # type: ignore[attr-defined]
        serve(request, kind_of(government))
        connection.set_tenant(government)
        request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        return None
