from __future__ import annotations

import datetime
from typing import Any

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import with_totp
from tests.warga.reports.helpers import BANDUNG_VILLAGE, JAKARTA_VILLAGE
from warga.accounts.models import User
from warga.organization.models import Membership, Position, PositionKind, UnitKind

PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
DLH = "Dinas Lingkungan Hidup"


def seat(position: Position, *, email: str, **membership: Any) -> User:
    """The holder of `position`, with TOTP active (officials act only with it)."""
    user = with_totp(UserFactory(email=email))
    Membership.objects.create(
        position=position,
        user_id=user.pk,
        starts_on=membership.pop("starts_on", datetime.date(2024, 1, 1)),
        **membership,
    )
    return user


@pytest.fixture
def bandung_officials(bandung: Government) -> dict[str, User]:
    """Holders of the seats a Bandung report in Kelurahan Sukarasa may reach, and of seats
    it must not reach (another kelurahan's lurah, another dinas's head)."""
    with government_context(bandung):
        positions = {
            "lurah": Position.objects.get(unit__region_code=BANDUNG_VILLAGE, kind=PositionKind.LURAH),
            "camat": Position.objects.get(unit__region_code="32.73.01", kind=PositionKind.CAMAT),
            "walikota": Position.objects.get(unit__kind=UnitKind.GOVERNMENT, kind=PositionKind.WALIKOTA),
            "admin": Position.objects.get(unit__kind=UnitKind.GOVERNMENT, kind=PositionKind.ADMIN_KOORDINATOR),
            "kadis_pupr": Position.objects.get(unit__name=PUPR, kind=PositionKind.KEPALA_DINAS),
            "kadis_dlh": Position.objects.get(unit__name=DLH, kind=PositionKind.KEPALA_DINAS),
            "other_lurah": Position.objects.filter(unit__region_code__startswith="32.73.02.", kind=PositionKind.LURAH)
            .order_by("id")
            .first(),
        }
        return {key: seat(position, email=f"{key}@bandung.go.id") for key, position in positions.items() if position}


@pytest.fixture
def jakarta_officials(jakarta: Government) -> dict[str, User]:
    with government_context(jakarta):
        positions = {
            "lurah": Position.objects.get(unit__region_code=JAKARTA_VILLAGE, kind=PositionKind.LURAH),
            "gubernur": Position.objects.get(unit__kind=UnitKind.GOVERNMENT, kind=PositionKind.GUBERNUR),
            "kadis_pupr": Position.objects.get(unit__name=PUPR, kind=PositionKind.KEPALA_DINAS),
        }
        return {key: seat(position, email=f"{key}@jakarta.go.id") for key, position in positions.items()}
