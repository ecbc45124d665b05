"""People and a report for the office pages' tests: a road report in Kelurahan Sukarasa, Kota
Bandung, which routing gives to Dinas PUPR and tells the village's lurah about."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import with_totp
from tests.warga.reports.helpers import BANDUNG_VILLAGE, submit
from warga.accounts.models import User
from warga.organization.models import Membership, Position, PositionKind, Unit

BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
DLH = "Dinas Lingkungan Hidup"


def seat(government: Government, *, kind: str, unit: Unit | None = None, totp: bool = True, **lookup: object) -> User:
    """A new account seated since 2024 in a position of `kind` at `unit` (or the unit found by
    `lookup`), created when the unit has none (field officers)."""
    user = UserFactory()
    user.save(update_fields=["password"])
    with government_context(government):
        unit = unit or Unit.objects.get(**lookup)
        position = Position.objects.filter(unit=unit, kind=kind).order_by("id").first() or Position.objects.create(
            unit=unit, kind=kind, title=f"{PositionKind(kind).label} {unit.name}"
        )
        Membership.objects.create(position=position, user_id=user.pk, starts_on=datetime.date(2024, 1, 1))
    return with_totp(user) if totp else user


@dataclass
class Bandung:
    government: Government
    number: str
    kepala_pupr: User
    petugas_pupr: User
    petugas_dlh: User
    lurah: User
    citizen: User


@pytest.fixture
def scene(bandung: Government) -> Bandung:
    citizen = UserFactory()
    number = submit(citizen).tracking_number
    return Bandung(
        government=bandung,
        number=number,
        kepala_pupr=seat(bandung, kind=PositionKind.KEPALA_DINAS, name=PUPR),
        petugas_pupr=seat(bandung, kind=PositionKind.PETUGAS_LAPANGAN, name=PUPR),
        petugas_dlh=seat(bandung, kind=PositionKind.PETUGAS_LAPANGAN, name=DLH),
        lurah=seat(bandung, kind=PositionKind.LURAH, region_code=BANDUNG_VILLAGE),
        citizen=citizen,
    )
