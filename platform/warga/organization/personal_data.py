"""Invitations and the organisation's audit trail, for export and erasure (UU 27/2022).

Who held which seat is registered by warga.privacy (organization.membership). Here: the
invitations sent to or by the person, and the changes they made. After erasure the records
stay, with nobody identifiable in them; open invitations to the person's address are revoked.
"""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils import timezone

from warga.accounts.models import User
from warga.organization.models import Invitation, OrganizationEvent
from warga.personal_data_registry import ERASED_USER_ID, personal_data_register


def _addresses(user_id: uuid.UUID) -> list[str]:
    emails = {e.lower() for e in EmailAddress.objects.filter(user_id=user_id).values_list("email", flat=True)}
    emails |= {e.lower() for e in User.objects.filter(pk=user_id).values_list("email", flat=True) if e}
    return sorted(emails)


def _invitations_of(user_id: uuid.UUID) -> Any:
    return Invitation.objects.filter(
        Q(email__in=_addresses(user_id)) | Q(accepted_by_id=user_id) | Q(invited_by_id=user_id)
    ).select_related("position")


def _export(user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "undangan": [
            {
                "email": i.email,
                "jabatan": i.position.title,
                "diundang_oleh_saya": i.invited_by_id == user_id,
                "dibuat": i.created_at,
                "diterima": i.accepted_at,
                "dibatalkan": i.revoked_at,
            }
            for i in _invitations_of(user_id).order_by("created_at")
        ],
        "perubahan_organisasi": [
            {"tindakan": e.action, "objek": e.object_id, "data": e.data, "waktu": e.created_at}
            for e in OrganizationEvent.objects.filter(actor_id=user_id).order_by("created_at")
        ],
    }


def _erase(user_id: uuid.UUID) -> int:
    addresses = _addresses(user_id)
    revoked = Invitation.objects.filter(email__in=addresses, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_by_id=ERASED_USER_ID
    )
    # The address is replaced by a placeholder unique per row, so the open-invitation
    # constraint (one per address and seat) cannot trip over two erased rows.
    renamed = 0
    for invitation in Invitation.objects.filter(Q(email__in=addresses) | Q(accepted_by_id=user_id)):
        invitation.email = f"dihapus-{invitation.pk}@invalid"
        invitation.save(update_fields=["email"])
        renamed += 1
    changed = (
        Invitation.objects.filter(accepted_by_id=user_id).update(accepted_by_id=ERASED_USER_ID)
        + Invitation.objects.filter(invited_by_id=user_id).update(invited_by_id=ERASED_USER_ID)
        + Invitation.objects.filter(revoked_by_id=user_id).update(revoked_by_id=ERASED_USER_ID)
        + OrganizationEvent.objects.filter(actor_id=user_id).update(actor_id=ERASED_USER_ID)
    )
    return revoked + renamed + changed


def register() -> None:
    personal_data_register(
        name="organization.invitations", scope="tenant", personal_data_for=_export, personal_data_erase=_erase
    )
