"""The government whose routing is read: the one in context."""

from __future__ import annotations

from tenants.context import current_schema, tenant_connection
from tenants.models import Government
from tenants.scope import tenant_scoped
from warga.errors import WrongScope


@tenant_scoped
def current_government() -> Government:
    """The government whose schema is active (WrongScope when the connection's tenant is not
    the government of that schema)."""
    government = getattr(tenant_connection(), "tenant", None)
    if not isinstance(government, Government) or government.schema_name != current_schema():
        raise WrongScope(f"No government is in context for schema {current_schema()!r}.")
    return government
