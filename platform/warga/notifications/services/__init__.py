"""Writes of notifications in the current government's schema.

`notifications_send` records one row per recipient and channel inside the caller's
transaction and queues their delivery after commit; `notification_deliver` sends one row and
is safe to run any number of times (a sent row is never sent again). It holds no database
transaction while it waits for a gateway (docs/decisions/0048).

| module | what it does |
|---|---|
| recording | notifications recorded per recipient and channel in the caller's transaction |
| delivery | one notification delivered on its channel, retried or failed; the resend of lost tasks |
| emails | the branded email, and one connection per batch of deliveries |
| reading | a person marks notifications read |
| preferences | a person's choice of optional channels |
| _common | the government whose schema is current |
"""

from warga.notifications.services.delivery import (
    MAX_ATTEMPTS,
    RESEND_BATCH,
    DeliveryRefused,
    delivery_lock_key,
    notification_deliver,
    notifications_resend_waiting,
)
from warga.notifications.services.emails import FOOTERS, LOGO_CID, WARGA_COLOUR, emails_batched
from warga.notifications.services.preferences import (
    CHANNEL_SAVES_PER_HOUR,
    ChannelPreferencesRateLimited,
    ChannelUnavailable,
    channel_preference_set,
)
from warga.notifications.services.reading import (
    NotificationNotFound,
    notification_mark_read,
    notifications_mark_all_read,
)
from warga.notifications.services.recording import (
    OPTIONAL_CHANNELS,
    NotificationEvent,
    notifications_send,
    notifications_send_many,
)

__all__ = [
    "CHANNEL_SAVES_PER_HOUR",
    "FOOTERS",
    "LOGO_CID",
    "MAX_ATTEMPTS",
    "OPTIONAL_CHANNELS",
    "RESEND_BATCH",
    "WARGA_COLOUR",
    "ChannelPreferencesRateLimited",
    "ChannelUnavailable",
    "DeliveryRefused",
    "NotificationEvent",
    "NotificationNotFound",
    "channel_preference_set",
    "delivery_lock_key",
    "emails_batched",
    "notification_deliver",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notifications_resend_waiting",
    "notifications_send",
    "notifications_send_many",
]
