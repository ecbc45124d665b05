"""`{% government_brand as brand %}`: the host's government as its pages show it (display name,
colour, logo), read once per request (warga.organization.selectors.branding_current)."""

from __future__ import annotations

from typing import Any

from django import template

from warga.organization.selectors import BrandingView, branding_current
from warga.web.hosts import government_of

register = template.Library()


@register.simple_tag(takes_context=True)
def government_brand(context: dict[str, Any]) -> BrandingView | None:
    request = context.get("request")
    if request is None:
        return None
    cached = getattr(request, "_warga_brand", None)
    if cached is None:
        government = government_of(request)
        if government is None:
            return None
        cached = branding_current(government=government)
        request._warga_brand = cached
    return cached
