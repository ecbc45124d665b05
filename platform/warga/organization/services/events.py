"""The organisation's audit trail, written in the government's schema through one helper."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.organization.models import OrganizationAction, OrganizationEvent


@tenant_scoped
def organization_event_record(
    *, acting_user: uuid.UUID | None, action: OrganizationAction, object_id: int, data: dict[str, Any]
) -> None:
    """Record one change to the organisation (or one its log covers but another app makes, such
    as the privacy settings): who made it (None: the system or the operator's command line),
    what, on which object, and each changed field as [before, after]. Runs in the caller's
    transaction, so the event and the change are written together or not at all."""
    OrganizationEvent.objects.create(
        actor_id=acting_user, action=action, object_id=object_id, data=data, created_at=timezone.now()
    )
