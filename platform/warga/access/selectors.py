"""Reads of the access app: a government's API keys."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import Government
from tenants.scope import any_scope
from warga.access.models import ApiKey


@any_scope
def api_keys_of_government(*, government: Government) -> QuerySet[ApiKey]:
    """The government's keys, newest first, revoked ones included (never their secrets)."""
    return ApiKey.objects.filter(government=government).order_by("-created_at", "-id")
