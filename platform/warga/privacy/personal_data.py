"""Personal data in a government's schema outside the reports: who held which seat.

Registered here, in the government-side privacy app, because warga.organization predates the
registry; it belongs in organization's own AppConfig.ready() when that app is next touched.
"""

from __future__ import annotations

import uuid
from typing import Any

from warga.organization.models import Membership
from warga.personal_data_registry import ERASED_USER_ID, personal_data_register
from warga.privacy.models import IdentityView

# Memberships are the record of who held a seat when: after erasure the seat history stays,
# held by nobody identifiable.
__all__ = ["ERASED_USER_ID", "register"]


def _memberships(user_id: uuid.UUID) -> dict[str, Any]:
    rows = Membership.objects.filter(user_id=user_id).select_related("position__unit").order_by("starts_on")
    return {
        "jabatan": [
            {
                "jabatan": m.position.title,
                "unit": m.position.unit.name,
                "mulai": m.starts_on,
                "selesai": m.ends_on,
                "plt": m.is_acting,
            }
            for m in rows
        ]
    }


def _memberships_erase(user_id: uuid.UUID) -> int:
    held = Membership.objects.filter(user_id=user_id).update(user_id=ERASED_USER_ID)
    created = Membership.objects.filter(created_by_id=user_id).update(created_by_id=ERASED_USER_ID)
    # The identity-view log keeps that a look happened and why, not who looked.
    looked = IdentityView.objects.filter(actor_id=user_id).update(actor_id=ERASED_USER_ID)
    return held + created + looked


def register() -> None:
    personal_data_register(
        name="organization.membership",
        scope="tenant",
        personal_data_for=_memberships,
        personal_data_erase=_memberships_erase,
    )
