"""Writes of a government's outbound webhooks, in its schema.

Events are recorded by `webhooks_report_event` in the transaction of the report change
(warga.reports writes it next to its outbox event) and by `webhook_forward_record` when a
report is forwarded to an external organisation with a webhook; one `Delivery` per endpoint
that wants the event, sent by the `webhooks.deliver` task after the commit.

`delivery_attempt` sends one delivery: claimed with a session advisory lock, the HTTP call
made with no transaction open (docs/decisions/0048), the outcome written after in one short
transaction whose conditional UPDATE records a success exactly once. A failure is retried
with exponential backoff and jitter; an endpoint failing for a day is paused and the
government's admins are told (docs/decisions/0058).

| module | what it does |
|---|---|
| endpoints | the government's endpoints: created with their secret, paused, resumed, deleted |
| recording | deliveries recorded with a report change or a forward, the test ping and the replay |
| sending | one delivery sent, its outcome and retries, an endpoint paused; beat's backstop |
| _common | the refusals, the current government, a locked endpoint, a delivery's body and its queueing |
"""

from warga.webhooks.services._common import WebhookInvalid, WebhookNotFound
from warga.webhooks.services.endpoints import (
    ENDPOINTS_MAX,
    NAME_MAX,
    URL_MAX,
    EndpointIssued,
    endpoint_create,
    endpoint_delete,
    endpoint_pause,
    endpoint_resume,
)
from warga.webhooks.services.recording import (
    delivery_replay,
    endpoint_ping,
    webhook_for_unit,
    webhook_forward_record,
    webhooks_report_event,
)
from warga.webhooks.services.sending import (
    BACKOFF_FIRST_SECONDS,
    BACKOFF_MAX_SECONDS,
    MAX_ATTEMPTS,
    PAUSE_AFTER,
    Attempt,
    backoff_seconds,
    deliveries_due_send,
    delivery_attempt,
    delivery_lock_key,
)

__all__ = [
    "BACKOFF_FIRST_SECONDS",
    "BACKOFF_MAX_SECONDS",
    "ENDPOINTS_MAX",
    "MAX_ATTEMPTS",
    "NAME_MAX",
    "PAUSE_AFTER",
    "URL_MAX",
    "Attempt",
    "EndpointIssued",
    "WebhookInvalid",
    "WebhookNotFound",
    "backoff_seconds",
    "deliveries_due_send",
    "delivery_attempt",
    "delivery_lock_key",
    "delivery_replay",
    "endpoint_create",
    "endpoint_delete",
    "endpoint_pause",
    "endpoint_ping",
    "endpoint_resume",
    "webhook_for_unit",
    "webhook_forward_record",
    "webhooks_report_event",
]
