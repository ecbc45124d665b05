"""Who changed a government's routing rules, for export and erasure (UU 27/2022): the rule
versions and their audit trail stay, their author becomes nobody identifiable."""

from __future__ import annotations

import uuid
from typing import Any

from warga.personal_data_registry import ERASED_USER_ID, personal_data_register
from warga.routing.models import RoutingAuditEvent, RuleSet


def _rule_changes(user_id: uuid.UUID) -> dict[str, Any]:
    versions = RuleSet.objects.filter(created_by_id=user_id).order_by("version")
    return {"versi_aturan_dibuat": [{"versi": v.version, "catatan": v.note, "dibuat": v.created_at} for v in versions]}


def _rule_changes_erase(user_id: uuid.UUID) -> int:
    changed = RuleSet.objects.filter(created_by_id=user_id).update(created_by_id=ERASED_USER_ID)
    return changed + RoutingAuditEvent.objects.filter(actor_id=user_id).update(actor_id=ERASED_USER_ID)


def register() -> None:
    personal_data_register(
        name="routing.rules", scope="tenant", personal_data_for=_rule_changes, personal_data_erase=_rule_changes_erase
    )
