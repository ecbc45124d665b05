"""The government whose routing is read: the one in context."""

from __future__ import annotations

from tenants.context import current_schema, in_public_schema, tenant_connection
from tenants.models import Government
from warga.errors import WrongScope


def current_government() -> Government:
    if in_public_schema():
        raise WrongScope("Routing runs inside a government's schema, not public.")
    government = getattr(tenant_connection(), "tenant", None)
    if not isinstance(government, Government) or government.schema_name != current_schema():
        raise WrongScope(f"No government is in context for schema {current_schema()!r}.")
    return government
