"""Reads of the tenant registry."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import Government, Level


def governments_ready() -> QuerySet[Government]:
    """Governments that may be served and sent tasks (never the template)."""
    return Government.objects.filter(is_ready=True).exclude(level=Level.TEMPLATE)


def governments_serving() -> QuerySet[Government]:
    """Every government except the hidden template, ready or not."""
    return Government.objects.exclude(level=Level.TEMPLATE)


def government_by_code(code: str) -> Government | None:
    return Government.objects.filter(code=code).first()


def government_national() -> Government | None:
    return Government.objects.filter(level=Level.NATIONAL).first()
