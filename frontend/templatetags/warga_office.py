"""The government host's menu: only the pages the signed-in official's seats allow, as
warga.access.policy answers (the page itself asks again)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.translation import gettext as _

from tenants.models import Level
from warga.access.policy import Action, policy_allowed_anywhere
from warga.web.hosts import government_of

register = template.Library()


@dataclass(frozen=True)
class MenuItem:
    label: str
    path: str


@register.simple_tag(takes_context=True)
def office_menu(context: Any) -> list[MenuItem]:
    """The office pages for this person on this host, in menu order; empty for anyone who is
    not an official here with TOTP (they see the sign-in and citizen links only)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    government = government_of(request)
    if government is None:
        return []

    allowed = policy_allowed_anywhere(
        actor=request.user,
        government=government,
        actions=(Action.INBOX_VIEW, Action.TRIAGE_ACT, Action.OFFER_DECIDE, Action.ORGANIZATION_EDIT),
    )
    items = []
    if Action.INBOX_VIEW in allowed:
        items.append(MenuItem(_("Inbox"), "/kantor/"))
    if government.level == Level.NATIONAL:
        if Action.TRIAGE_ACT in allowed:
            items.append(MenuItem(_("Triage desk"), "/meja-triase/"))
    elif Action.OFFER_DECIDE in allowed:
        items.append(MenuItem(_("Triage offers"), "/tawaran-triase/"))
    # Only the admin koordinator holds organization.edit, for the whole government.
    if Action.ORGANIZATION_EDIT in allowed:
        items.append(MenuItem(_("Admin"), "/kantor/admin/"))
    return items


@register.filter
def is_current(path: str, request_path: str) -> bool:
    """The menu item of the page being shown (the inbox also for its report pages, the admin
    console for each of its pages)."""
    if path == "/kantor/admin/":
        return request_path.startswith(path)
    return request_path == path or (path == "/kantor/" and request_path.startswith("/kantor/laporan/"))


@register.filter
def name_of(code: str, names: Mapping[str, str]) -> str:
    """A code by its name, as the view looked the names up once for the page (a code without a
    name, such as a retired category's, stays as it is)."""
    return names.get(code, code)


@register.filter
def named(codes: Iterable[str], names: Mapping[str, str]) -> list[str]:
    """Each of `codes` by its name (see name_of)."""
    return [name_of(code, names) for code in codes]
