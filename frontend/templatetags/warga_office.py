"""The government host's menu: only the pages the signed-in official's seats allow, as
warga.access.policy answers (the page itself asks again)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.translation import gettext as _

from tenants.models import Level
from warga.access.hosts import government_of
from warga.access.policy import Action, policy_allows

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

    def allows(action: Action) -> bool:
        return policy_allows(actor=request.user, government=government, action=action, anywhere=True)

    items = []
    if allows(Action.INBOX_VIEW):
        items.append(MenuItem(_("Inbox"), "/kantor/"))
    if government.level == Level.NATIONAL:
        if allows(Action.TRIAGE_ACT):
            items.append(MenuItem(_("Triage desk"), "/meja-triase/"))
    elif allows(Action.OFFER_DECIDE):
        items.append(MenuItem(_("Triage offers"), "/tawaran-triase/"))
    return items


@register.filter
def is_current(path: str, request_path: str) -> bool:
    """The menu item of the page being shown (the inbox also for its report pages)."""
    return request_path == path or (path == "/kantor/" and request_path.startswith("/kantor/laporan/"))
