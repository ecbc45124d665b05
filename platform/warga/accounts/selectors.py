"""Reads of accounts (public schema)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from tenants.scope import any_scope
from warga.accounts.models import User


@any_scope
def user_display_names(*, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each account's name as officials see it on a report page (full name, else email), in one
    query; ids of accounts that no longer exist are left out."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    return {
        pk: (full_name or email or str(pk))
        for pk, full_name, email in User.objects.filter(pk__in=ids).values_list("pk", "full_name", "email")
    }
