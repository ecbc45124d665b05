"""Who holds a seat today, and who supervises a unit when a citizen disputes its resolution."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from tenants.scope import tenant_scoped
from warga.organization.models import Membership, Position, PositionKind, Unit, UnitKind
from warga.organization.selectors import membership_active_q


@dataclass(frozen=True)
class Holder:
    user_id: uuid.UUID
    is_acting: bool


HEADS_OF_GOVERNMENT = (PositionKind.GUBERNUR, PositionKind.BUPATI, PositionKind.WALIKOTA)


@tenant_scoped
def holders_of(*, position_ids: list[int], on: datetime.date) -> dict[int, tuple[Holder, ...]]:
    """Current holders (memberships active on `on`) of each position, in one query."""
    found: dict[int, list[Holder]] = {pk: [] for pk in position_ids}
    memberships = Membership.objects.filter(membership_active_q(on=on), position_id__in=position_ids).order_by(
        "position_id", "is_acting", "user_id"
    )
    for membership in memberships:
        found[membership.position_id].append(Holder(user_id=membership.user_id, is_acting=membership.is_acting))
    return {pk: tuple(holders) for pk, holders in found.items()}


# The seat that heads each kind of unit. A unit's supervisor is the head of its parent unit:
# kelurahan/desa -> camat, kecamatan -> wali kota/bupati (or, in DKI Jakarta, the wali kota
# administrasi of its area), dinas/badan -> the head of government. A region that wants
# another supervisor changes its unit tree (the parent), not this table.
HEADS_OF_UNIT: dict[str, tuple[str, ...]] = {
    UnitKind.GOVERNMENT: HEADS_OF_GOVERNMENT,
    UnitKind.AREA: (PositionKind.WALIKOTA_ADMINISTRASI,),
    UnitKind.KECAMATAN: (PositionKind.CAMAT,),
    UnitKind.KELURAHAN: (PositionKind.LURAH,),
    UnitKind.DESA: (PositionKind.KEPALA_DESA,),
    UnitKind.AGENCY: (PositionKind.KEPALA_DINAS,),
    UnitKind.EXTERNAL: (),
}


@dataclass(frozen=True)
class Supervisor:
    """Who answers for a handling unit when a citizen disputes its resolution.

    `unit` is the unit whose head it is; `skipped` names the levels passed over on the way up
    because nobody held their head seat on the day asked about.
    """

    unit: Unit
    position_ids: tuple[int, ...]
    titles: tuple[str, ...]
    holders: tuple[Holder, ...]
    skipped: tuple[str, ...]


@tenant_scoped
def supervisor_of(*, handling_unit: Unit | None, on: datetime.date) -> Supervisor:
    """The supervisor of `handling_unit` (None: the government itself) on `on`.

    The head seat of the handling unit's parent; when nobody holds it that day, the head of
    the next unit up, and so on to the head of government. A report the government handles
    itself (no unit, or the root) goes to the head of government. When even that seat is
    empty, the admin koordinator answers, so a dispute always reaches someone who is there.
    One query per level of the tree (at most four).
    """
    root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
    unit = root
    if handling_unit is not None and handling_unit.parent_id is not None:
        unit = Unit.objects.get(pk=handling_unit.parent_id)
    skipped: list[str] = []
    while True:
        positions = list(Position.objects.filter(unit=unit, kind__in=HEADS_OF_UNIT.get(unit.kind, ())).order_by("id"))
        holders = holders_of(position_ids=[p.pk for p in positions], on=on)
        if any(holders.values()) or unit.parent_id is None:
            break
        skipped.append(unit.name)
        unit = Unit.objects.get(pk=unit.parent_id)
    if not any(holders.values()):
        coordinators = list(Position.objects.filter(unit=root, kind=PositionKind.ADMIN_KOORDINATOR).order_by("id"))
        coordinator_holders = holders_of(position_ids=[p.pk for p in coordinators], on=on)
        if any(coordinator_holders.values()):
            skipped.append(root.name)
            positions, holders = coordinators, coordinator_holders
    return Supervisor(
        unit=unit,
        position_ids=tuple(p.pk for p in positions),
        titles=tuple(p.title for p in positions),
        holders=tuple(h for p in positions for h in holders.get(p.pk, ())),
        skipped=tuple(skipped),
    )
