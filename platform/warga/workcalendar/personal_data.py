"""Who changed a government's working calendar, for export and erasure (UU 27/2022): the
audit trail stays, its author becomes nobody identifiable."""

from __future__ import annotations

import uuid
from typing import Any

from warga.personal_data_registry import ERASED_USER_ID, personal_data_register
from warga.workcalendar.models import CalendarAuditEvent


def _calendar_changes(user_id: uuid.UUID) -> dict[str, Any]:
    events = CalendarAuditEvent.objects.filter(actor_id=user_id).order_by("at", "id")
    return {"perubahan_kalender": [{"jenis": e.kind, "rincian": e.detail, "waktu": e.at} for e in events]}


def _calendar_changes_erase(user_id: uuid.UUID) -> int:
    return CalendarAuditEvent.objects.filter(actor_id=user_id).update(actor_id=ERASED_USER_ID)


def register() -> None:
    personal_data_register(
        name="workcalendar.changes",
        scope="tenant",
        personal_data_for=_calendar_changes,
        personal_data_erase=_calendar_changes_erase,
    )
