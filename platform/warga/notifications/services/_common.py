"""What the notification services share: the government whose schema is current."""

from __future__ import annotations

from tenants.context import current_schema, tenant_connection
from tenants.models import Government


def _current_government() -> Government:
    tenant = tenant_connection().tenant
    if isinstance(tenant, Government):
        return tenant
    return Government.objects.get(schema_name=current_schema())
