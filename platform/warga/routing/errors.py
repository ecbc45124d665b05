"""Refusals of the routing services and selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warga.errors import Conflict, FieldError, Invalid


class RoutingInvalid(Invalid):
    """A rule set that cannot be saved; `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message, fields={field: [FieldError("invalid", message)]})


class RoutingNotConfigured(Conflict):
    """The government has no active rule set (its defaults were never seeded)."""

    code = "not_configured"
    default_message = _("This government's routing rules are not set up yet.")
