"""The admin's changes to units: adding agencies and external organisations, renaming, moving
and ending them. Territorial units come from the reference data (see territory)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Collection

from django.db import transaction
from django.db.models import Q

from tenants.scope import tenant_scoped
from warga.access.policy import Action
from warga.errors import Defect
from warga.organization.errors import OrganizationInvalid, OrganizationNotFound
from warga.organization.models import Membership, OrganizationAction, Unit, UnitKind
from warga.organization.selectors import today_in, unit_ancestor_ids, unit_root
from warga.organization.services._common import (
    NEW_UNIT_KINDS,
    clean_text,
    field_change,
    require_allowed,
    sibling_named,
    unit_or_not_found,
)
from warga.organization.services.events import organization_event_record


@tenant_scoped
def unit_create(*, acting_user: uuid.UUID, name: str, kind: str, parent_id: int | None = None) -> Unit:
    """Add a perangkat daerah (dinas, badan, bidang) or an external organisation (PLN, PDAM)
    under `parent_id` (the government itself when omitted). Territorial units come only from
    the reference data. Raises OrganizationInvalid / OrganizationNotFound; ActionForbidden."""
    require_allowed(acting_user=acting_user, action=Action.ORGANIZATION_EDIT)
    name = clean_text(name, field="name", what="Nama unit")
    if kind not in NEW_UNIT_KINDS:
        raise OrganizationInvalid(
            "kind",
            "invalid_kind",
            "Jenis unit yang dapat ditambahkan: agency (perangkat daerah) atau external (organisasi eksternal); "
            "unit wilayah berasal dari data Kemendagri. (Only agency or external units can be added.)",
        )
    parent = unit_root() if parent_id is None else unit_or_not_found(parent_id, field="parent_id")
    if parent is None:
        raise Defect("The government has no root unit: territory_seed has not run.")
    if parent.kind == UnitKind.EXTERNAL:
        raise OrganizationInvalid(
            "parent_id",
            "external_parent",
            "Organisasi eksternal tidak dapat memiliki sub-unit. (External organisations have no sub-units.)",
        )
    with transaction.atomic():
        if sibling_named(parent_id=parent.pk, name=name):
            raise OrganizationInvalid(
                "name",
                "duplicate",
                f"Sudah ada unit bernama {name} di bawah {parent.name}. (A unit of that name exists there.)",
            )
        unit = Unit.objects.create(parent=parent, kind=kind, name=name)
        organization_event_record(
            acting_user=acting_user,
            action=OrganizationAction.UNIT_CREATE,
            object_id=unit.pk,
            data={"name": [None, name], "kind": [None, kind], "parent_id": [None, parent.pk]},
        )
    return unit


@tenant_scoped
def unit_rename(*, acting_user: uuid.UUID, unit_id: int, name: str) -> Unit:
    """Give a unit a new name (its region code, if any, stays)."""
    require_allowed(acting_user=acting_user, action=Action.ORGANIZATION_EDIT)
    name = clean_text(name, field="name", what="Nama unit")
    with transaction.atomic():
        unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
        if unit is None:
            raise OrganizationNotFound(f"Unit {unit_id} tidak ada di pemerintah daerah ini. (No such unit here.)")
        if sibling_named(parent_id=unit.parent_id, name=name, excluding=unit.pk):
            raise OrganizationInvalid(
                "name", "duplicate", f"Sudah ada unit bernama {name} di tingkat ini. (A unit of that name exists.)"
            )
        field_change(unit, field="name", value=name, acting_user=acting_user, action=OrganizationAction.UNIT_RENAME)
    return unit


def _unit_locked(unit_id: int) -> Unit:
    unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
    if unit is None:
        raise OrganizationNotFound(f"Unit {unit_id} tidak ada di pemerintah daerah ini. (No such unit here.)")
    return unit


def _check_changeable(unit: Unit, *, what: str) -> None:
    if unit.kind not in NEW_UNIT_KINDS:
        raise OrganizationInvalid(
            "unit_id",
            "territorial",
            f"{unit.name} adalah unit wilayah dari data Kemendagri: tidak dapat {what}. "
            "(Territorial units follow the reference data.)",
        )
    if unit.ended_on is not None:
        raise OrganizationInvalid(
            "unit_id",
            "ended",
            f"{unit.name} sudah diakhiri pada {unit.ended_on:%Y-%m-%d}. (This unit has ended.)",
        )


@tenant_scoped
def unit_move(*, acting_user: uuid.UUID, unit_id: int, parent_id: int) -> Unit:
    """Put an agency or external organisation under another parent (a bidang moving to another
    dinas). Territorial units stay where the reference data puts them; a unit never moves
    under itself or its own sub-units, nor under an external organisation or an ended unit."""
    require_allowed(acting_user=acting_user, action=Action.ORGANIZATION_EDIT)
    with transaction.atomic():
        unit = _unit_locked(unit_id)
        _check_changeable(unit, what="dipindah")
        parent = Unit.objects.filter(pk=parent_id).first()
        if parent is None:
            raise OrganizationInvalid(
                "parent_id", "not_found", "Unit induk itu tidak ada di pemerintah daerah ini. (No such parent.)"
            )
        if parent.pk == unit.pk or unit.pk in unit_ancestor_ids(unit_id=parent.pk):
            raise OrganizationInvalid(
                "parent_id",
                "cycle",
                f"{unit.name} tidak dapat dipindah ke bawah dirinya sendiri atau sub-unitnya. "
                "(A unit cannot move under itself.)",
            )
        if parent.kind == UnitKind.EXTERNAL or parent.ended_on is not None:
            raise OrganizationInvalid(
                "parent_id",
                "bad_parent",
                f"{parent.name} tidak dapat menjadi induk: organisasi eksternal atau unit yang sudah diakhiri. "
                "(That unit cannot hold sub-units.)",
            )
        if sibling_named(parent_id=parent.pk, name=unit.name, excluding=unit.pk):
            raise OrganizationInvalid(
                "parent_id",
                "duplicate",
                f"Sudah ada unit bernama {unit.name} di bawah {parent.name}. (A unit of that name exists there.)",
            )
        before = unit.parent_id
        if before != parent.pk:
            unit.parent = parent
            unit.save(update_fields=["parent"])
            organization_event_record(
                acting_user=acting_user,
                action=OrganizationAction.UNIT_MOVE,
                object_id=unit.pk,
                data={"parent_id": [before, parent.pk]},
            )
    return unit


@tenant_scoped
def unit_end(
    *, acting_user: uuid.UUID, unit_id: int, ends_on: datetime.date, handling_unit_ids: Collection[int] = ()
) -> Unit:
    """End an agency or external organisation on `ends_on` (today or later, the last day it
    exists). It keeps its history; nothing new reaches it. Refused while a sub-unit is still
    running, while anyone holds one of its seats after `ends_on`, or while a rule of the active
    routing rules hands reports to it (`handling_unit_ids`, given by the caller that read the
    rules): change those first, so that no report is ever routed to a unit that is gone."""
    government = require_allowed(acting_user=acting_user, action=Action.ORGANIZATION_EDIT)
    with transaction.atomic():
        unit = _unit_locked(unit_id)
        _check_changeable(unit, what="diakhiri")
        if ends_on < today_in(government=government):
            raise OrganizationInvalid(
                "ends_on", "in_the_past", "Tanggal berakhir tidak boleh sebelum hari ini. (The date is in the past.)"
            )
        if Unit.objects.filter(parent=unit, ended_on__isnull=True).exists():
            raise OrganizationInvalid(
                "unit_id",
                "has_children",
                f"{unit.name} masih memiliki sub-unit aktif: pindahkan atau akhiri sub-unitnya dulu. "
                "(End or move its sub-units first.)",
            )
        seated = Membership.objects.filter(position__unit=unit).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=ends_on))
        if seated.exists():
            raise OrganizationInvalid(
                "unit_id",
                "seated",
                f"Masih ada petugas yang memegang jabatan di {unit.name} setelah tanggal itu: akhiri masa jabatannya "
                "dulu. (End its memberships first.)",
            )
        if unit.pk in set(handling_unit_ids):
            raise OrganizationInvalid(
                "unit_id",
                "routed",
                f"Aturan penerusan yang berlaku masih meneruskan laporan ke {unit.name}: ubah aturannya dulu. "
                "(The routing rules still send reports to it.)",
            )
        unit.ended_on = ends_on
        unit.save(update_fields=["ended_on"])
        organization_event_record(
            acting_user=acting_user,
            action=OrganizationAction.UNIT_END,
            object_id=unit.pk,
            data={"ended_on": [None, ends_on.isoformat()]},
        )
    return unit
