"""`{% asset "citizen.js" %}`: the URL of a bundle built by esbuild (see frontend.assets)."""

from django import template
from django.templatetags.static import static

from frontend.assets import asset_path

register = template.Library()


@register.simple_tag
def asset(name: str) -> str:
    return static(asset_path(name))
