"""What the webhook services share: their refusals, the current government, a locked endpoint,
and a delivery's body and its sending after the commit."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from tenants.context import current_schema, tenant_connection
from tenants.models import Government
from tenants.tasks import send_on_commit
from warga.errors import FieldError, Invalid, NotFound
from warga.webhooks.models import Endpoint


class WebhookInvalid(Invalid):
    """Refused input; `field` names the input, `message` says what to change."""

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        super().__init__(message, fields={field: [FieldError("invalid", message)]} if field else {})


class WebhookNotFound(NotFound):
    default_message = gettext_lazy("That webhook does not exist in this government.")


def _government() -> Government:
    tenant = tenant_connection().tenant
    if isinstance(tenant, Government) and tenant.schema_name == current_schema():
        return tenant
    return Government.objects.get(schema_name=current_schema())


def _endpoint_locked(endpoint_id: int) -> Endpoint:
    endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise WebhookNotFound()
    return endpoint


def _body(*, event: str, event_id: uuid.UUID, data: Mapping[str, Any], at: datetime.datetime) -> str:
    government = _government()
    document = {
        "id": str(event_id),
        "event": event,
        "created_at": at.isoformat(),
        "government": {"code": government.code, "name": government.name},
        "data": dict(data),
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _send_after_commit(delivery_ids: list[int]) -> None:
    # Imported here, unavoidably: the task module imports these services to run them.
    from warga.webhooks.tasks import webhook_deliver

    for delivery_id in delivery_ids:
        send_on_commit(webhook_deliver, kwargs={"delivery_id": delivery_id})
