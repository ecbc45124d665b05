from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from tenants.context import government_context
from tenants.models import Government
from warga.organization.models import Position, PositionKind, Unit, UnitKind
from warga.organization.services import territory_seed
from warga.regions.models import District, Village
from warga.workcalendar.selectors import sla_due


def test_a_city_gets_a_seat_for_its_head_and_every_camat_and_lurah(bandung: Government) -> None:
    districts = District.objects.filter(regency_id="32.73").count()
    villages = Village.objects.filter(district__regency_id="32.73").count()
    with government_context(bandung):
        assert Position.objects.filter(kind=PositionKind.WALIKOTA).get().title == "Wali Kota Kota Bandung"
        assert Position.objects.filter(kind=PositionKind.ADMIN_KOORDINATOR).count() == 1
        assert Position.objects.filter(kind=PositionKind.CAMAT).count() == districts == 30
        assert Position.objects.filter(kind__in=[PositionKind.LURAH, PositionKind.KEPALA_DESA]).count() == villages
        cihapit = Unit.objects.get(kind=UnitKind.KELURAHAN, name="Cihapit")
        assert cihapit.positions.get().title == "Lurah Cihapit"
        assert cihapit.parent is not None
        assert cihapit.parent.positions.get().kind == PositionKind.CAMAT


def test_a_province_is_headed_by_a_gubernur(jakarta: Government) -> None:
    with government_context(jakarta):
        assert Position.objects.get(kind=PositionKind.GUBERNUR).title == "Gubernur DKI Jakarta"


def test_seeding_again_adds_nothing(bandung: Government) -> None:
    with government_context(bandung):
        units, positions = Unit.objects.count(), Position.objects.count()
        territory_seed(government=bandung)
        assert (Unit.objects.count(), Position.objects.count()) == (units, positions)


def test_a_provisioned_government_can_compute_sla_due_times(bandung: Government) -> None:
    filed = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # a Monday
    with government_context(bandung):
        due = sla_due(government=bandung, category_code=None, step="verify", start=filed)
    # 3 working days after Monday 09:00 WIB: Thursday 09:00 WIB.
    assert due == datetime.datetime(2026, 3, 5, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
