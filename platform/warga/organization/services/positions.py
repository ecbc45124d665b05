"""The admin's changes to seats and to who holds them: positions and memberships."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.db.models import Q

from tenants.scope import tenant_scoped
from warga.access.policy import Action
from warga.organization.errors import OrganizationInvalid, OrganizationNotFound
from warga.organization.models import Membership, OrganizationAction, Position, PositionKind, UnitKind
from warga.organization.selectors import membership_active_q, today_in
from warga.organization.services._common import clean_text, field_change, require_allowed, unit_or_not_found
from warga.organization.services.events import organization_event_record
from warga.organization.services.territory import HEAD_OF_GOVERNMENT

# Seats valid for the whole government: they sit at its root unit.
_GOVERNMENT_WIDE_KINDS = {
    PositionKind.ADMIN_KOORDINATOR,
    PositionKind.PIMPINAN,
}
_SEEDED_ONLY_KINDS = set(HEAD_OF_GOVERNMENT.values())


@tenant_scoped
def position_create(*, acting_user: uuid.UUID, unit_id: int, kind: str, title: str) -> Position:
    """Add a seat to a unit. Heads of government are seeded, never added; government-wide
    seats (admin koordinator, pimpinan) sit at the government's root unit."""
    require_allowed(acting_user=acting_user, action=Action.ORGANIZATION_EDIT)
    title = clean_text(title, field="title", what="Nama jabatan")
    if kind not in PositionKind.values:
        raise OrganizationInvalid(
            "kind", "invalid_kind", f"Jenis jabatan tidak dikenal: {kind}. (Unknown position kind.)"
        )
    if kind in _SEEDED_ONLY_KINDS:
        raise OrganizationInvalid(
            "kind",
            "seeded_only",
            "Jabatan kepala daerah dibuat saat pemerintah daerah disiapkan. (The head of government is seeded.)",
        )
    unit = unit_or_not_found(unit_id)
    if kind in _GOVERNMENT_WIDE_KINDS and unit.kind != UnitKind.GOVERNMENT:
        raise OrganizationInvalid(
            "unit_id",
            "government_wide",
            f"{PositionKind(kind).label} berlaku untuk seluruh pemerintah daerah: tempatkan di unit pemerintah daerah. "
            "(This position is government-wide: place it in the government's root unit.)",
        )
    with transaction.atomic():
        position = Position.objects.create(unit=unit, kind=kind, title=title)
        organization_event_record(
            acting_user=acting_user,
            action=OrganizationAction.POSITION_CREATE,
            object_id=position.pk,
            data={"title": [None, title], "kind": [None, kind], "unit_id": [None, unit.pk]},
        )
    return position


@tenant_scoped
def position_rename(*, acting_user: uuid.UUID, position_id: int, title: str) -> Position:
    require_allowed(acting_user=acting_user, action=Action.ORGANIZATION_EDIT)
    title = clean_text(title, field="title", what="Nama jabatan")
    with transaction.atomic():
        position = Position.objects.select_for_update().filter(pk=position_id).first()
        if position is None:
            raise OrganizationNotFound(
                f"Jabatan {position_id} tidak ada di pemerintah daerah ini. (No such position here.)"
            )
        field_change(
            position, field="title", value=title, acting_user=acting_user, action=OrganizationAction.POSITION_RENAME
        )
    return position


def _membership_locked(membership_id: int) -> Membership:
    membership = Membership.objects.select_for_update().select_related("position").filter(pk=membership_id).first()
    if membership is None:
        raise OrganizationNotFound(
            f"Keanggotaan {membership_id} tidak ada di pemerintah daerah ini. (No such membership here.)"
        )
    return membership


@tenant_scoped
def membership_end(*, acting_user: uuid.UUID, membership_id: int, ends_on: datetime.date) -> Membership:
    """End a membership on `ends_on` (the last day the seat is held, inclusive). A membership
    that has already ended stays as it was; the last admin koordinator cannot be ended, so a
    government never locks itself out of its own administration."""
    government = require_allowed(acting_user=acting_user, action=Action.MEMBERSHIP_EDIT)
    today = today_in(government=government)
    with transaction.atomic():
        membership = _membership_locked(membership_id)
        if membership.ends_on is not None and membership.ends_on < today:
            raise OrganizationInvalid(
                "ends_on",
                "already_ended",
                f"Keanggotaan ini sudah berakhir pada {membership.ends_on:%Y-%m-%d}. (It has already ended.)",
            )
        if ends_on < membership.starts_on:
            raise OrganizationInvalid(
                "ends_on",
                "before_start",
                f"Tanggal selesai tidak boleh sebelum tanggal mulai ({membership.starts_on:%Y-%m-%d}). "
                "(The end date cannot be before the start date.)",
            )
        if membership.position.kind == PositionKind.ADMIN_KOORDINATOR and not _other_admin_after(
            membership=membership, ends_on=ends_on, today=today
        ):
            raise OrganizationInvalid(
                "membership_id",
                "last_admin",
                "Ini admin koordinator terakhir: undang penggantinya dan tunggu sampai undangan diterima. "
                "(This is the last admin koordinator; invite a successor first.)",
            )
        before = membership.ends_on
        membership.ends_on = ends_on
        membership.save(update_fields=["ends_on"])
        organization_event_record(
            acting_user=acting_user,
            action=OrganizationAction.MEMBERSHIP_END,
            object_id=membership.pk,
            data={"ends_on": [before.isoformat() if before else None, ends_on.isoformat()]},
        )
    return membership


def _other_admin_after(*, membership: Membership, ends_on: datetime.date, today: datetime.date) -> bool:
    """Whether another admin koordinator holds a seat today and still after `ends_on`."""
    return (
        Membership.objects.filter(membership_active_q(on=today), position__kind=PositionKind.ADMIN_KOORDINATOR)
        .exclude(pk=membership.pk)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=ends_on))
        .exists()
    )


@tenant_scoped
def membership_set_acting(*, acting_user: uuid.UUID, membership_id: int, is_acting: bool) -> Membership:
    """Mark a membership as held by a Pelaksana Tugas (Plt.), or as a definitive holder."""
    require_allowed(acting_user=acting_user, action=Action.MEMBERSHIP_EDIT)
    with transaction.atomic():
        membership = _membership_locked(membership_id)
        field_change(
            membership,
            field="is_acting",
            value=is_acting,
            acting_user=acting_user,
            action=OrganizationAction.MEMBERSHIP_ACTING,
        )
    return membership
