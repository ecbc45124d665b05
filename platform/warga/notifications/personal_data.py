"""A person's notifications in one government, for export and erasure (UU 27/2022).

Notifications are messages *to* the person: erasure deletes them, with the person's channel
preferences; the reports they were about keep their own history.
"""

from __future__ import annotations

import uuid
from typing import Any

from warga.notifications.models import ChannelPreference, Notification
from warga.personal_data_registry import personal_data_register


def _notifications(user_id: uuid.UUID) -> dict[str, Any]:
    rows = Notification.objects.filter(recipient_id=user_id).order_by("created_at")
    preference = ChannelPreference.objects.filter(user_id=user_id).first()
    return {
        "notifikasi": [
            {
                "jenis": row.kind,
                "saluran": row.channel,
                "status": row.status,
                "dibuat": row.created_at,
                "dibaca": row.read_at,
            }
            for row in rows
        ],
        "preferensi": None
        if preference is None
        else {
            "email": preference.email,
            "sms": preference.sms,
            "whatsapp": preference.whatsapp,
            "push": preference.push,
        },
    }


def _notifications_erase(user_id: uuid.UUID) -> int:
    deleted = Notification.objects.filter(recipient_id=user_id).delete()[0]
    return deleted + ChannelPreference.objects.filter(user_id=user_id).delete()[0]


def register() -> None:
    personal_data_register(
        name="notifications.notification",
        scope="tenant",
        personal_data_for=_notifications,
        personal_data_erase=_notifications_erase,
    )
