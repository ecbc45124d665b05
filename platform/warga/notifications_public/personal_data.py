"""What the public side of notifications keeps about a person, for export and erasure
(UU 27/2022): their browsers' push subscriptions and the list of governments that notified
them. The endpoint and keys are capabilities and stay on the server; the export says which
browser and when."""

from __future__ import annotations

import uuid
from typing import Any

from warga.notifications_public.models import NotificationGovernment, PushSubscription
from warga.personal_data_registry import personal_data_register


def _recipients(user_id: uuid.UUID) -> dict[str, Any]:
    subscriptions = PushSubscription.objects.filter(user_id=user_id).order_by("created_at")
    governments = NotificationGovernment.objects.filter(user_id=user_id).select_related("government")
    return {
        "langganan_notifikasi_peramban": [
            {"peramban": s.user_agent, "dibuat_pada": s.created_at, "terakhir_dikirim": s.last_sent_at}
            for s in subscriptions
        ],
        "pemerintah_daerah_pengirim_notifikasi": sorted(g.government.name for g in governments),
    }


def _recipients_erase(user_id: uuid.UUID) -> int:
    deleted = PushSubscription.objects.filter(user_id=user_id).delete()[0]
    return deleted + NotificationGovernment.objects.filter(user_id=user_id).delete()[0]


def register() -> None:
    personal_data_register(
        name="recipients.push_subscription",
        scope="public",
        personal_data_for=_recipients,
        personal_data_erase=_recipients_erase,
    )
