"""SLA due times on each government's working calendar: holidays from the library, the
government's own days off and substitute working days, office hours, WIB/WITA/WIT.

Kota Bontang (64.74, WITA) and Kota Jayapura (91.71, WIT) are provisioned inside the test's
rolled-back transaction; DKI Jakarta and Kota Bandung (WIB) come from the session.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from tenants.context import government_context
from tenants.models import Government, TimeZone
from warga.onboarding.services import government_provision, plan_for_codes
from warga.workcalendar.models import DayOffKind, SlaStep
from warga.workcalendar.selectors import sla_due, working_calendar_for
from warga.workcalendar.services import (
    day_off_add,
    day_worked_add,
    sla_target_set,
    workcalendar_seed_defaults,
)
from warga.workcalendar.working_time import library_days_off

UTC = datetime.UTC
WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")

# A Tuesday in a plain week of 2026: no holiday or cuti bersama from 2 to 13 March.
TUESDAY = datetime.date(2026, 3, 3)


def _at(day: datetime.date, hour: int, minute: int, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def _seeded(government: Government) -> Government:
    with government_context(government):
        workcalendar_seed_defaults()
    return government


@pytest.fixture
def provisioned(db: None) -> Callable[[str], Government]:
    def provision(code: str) -> Government:
        outcome = government_provision(planned=plan_for_codes(codes=[code])[0])
        return _seeded(outcome.government)

    return provision


@pytest.fixture
def bontang(provisioned: Callable[[str], Government]) -> Government:
    return provisioned("64.74")


@pytest.fixture
def seeded_jakarta(jakarta: Government) -> Government:
    return _seeded(jakarta)


@pytest.fixture
def seeded_bandung(bandung: Government) -> Government:
    return _seeded(bandung)


def due_in(
    government: Government, step: SlaStep, start: datetime.datetime, category: str | None = None
) -> datetime.datetime | None:
    with government_context(government):
        return sla_due(government=government, category_code=category, step=step, start=start)


def test_library_supplies_the_2026_holidays_and_cuti_bersama_of_the_long_weekends() -> None:
    days = library_days_off(2026)
    assert days[datetime.date(2026, 2, 16)] == "Cuti Bersama Tahun Baru Imlek"
    assert days[datetime.date(2026, 2, 17)] == "Tahun Baru Imlek"
    assert days[datetime.date(2026, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert datetime.date(2026, 2, 13) not in days
    assert datetime.date(2026, 2, 18) not in days


def test_report_filed_friday_evening_before_the_imlek_long_weekend_in_wita(bontang: Government) -> None:
    # Friday 13 February 2026, 19:00 WITA: offices closed at 16:30. Saturday, Sunday, then
    # Monday 16 (cuti bersama Imlek, SKB) and Tuesday 17 (Tahun Baru Imlek) are off, so the
    # clock starts on Wednesday 18 at 07:30 WITA.
    assert bontang.time_zone == TimeZone.WITA
    filed = _at(datetime.date(2026, 2, 13), 19, 0, WITA)

    verify = due_in(bontang, SlaStep.VERIFY, filed)
    follow_up = due_in(bontang, SlaStep.FOLLOW_UP, filed)

    # 3 working days: Wednesday, Thursday, Friday -> Friday 20 February at closing, 16:30 WITA.
    assert verify == datetime.datetime(2026, 2, 20, 8, 30, tzinfo=UTC)
    assert verify == _at(datetime.date(2026, 2, 20), 16, 30, WITA)
    assert verify is not None
    assert verify.utcoffset() == datetime.timedelta(hours=8)
    # 5 working days: Wed, Thu, Fri, Mon 23, Tue 24 -> Tuesday 24 February 16:00 WITA.
    assert follow_up == datetime.datetime(2026, 2, 24, 8, 0, tzinfo=UTC)

    with government_context(bontang):
        calendar = working_calendar_for(government=bontang)
    assert calendar.clock_start(filed) == datetime.datetime(2026, 2, 17, 23, 30, tzinfo=UTC)
    assert calendar.working_time_between(filed, verify) == datetime.timedelta(hours=8.5 + 8.5 + 9)


def test_report_filed_friday_evening_before_independence_day_monday_in_wita(bontang: Government) -> None:
    # Monday 17 August 2026 is Hari Kemerdekaan: the clock starts on Tuesday 18 at 07:30.
    filed = _at(datetime.date(2026, 8, 14), 19, 30, WITA)
    # Tue 18, Wed 19, Thu 20 -> Thursday 20 August 16:00 WITA.
    assert due_in(bontang, SlaStep.VERIFY, filed) == _at(datetime.date(2026, 8, 20), 16, 0, WITA)


def test_same_local_filing_time_in_wit_and_wib_gives_different_instants(
    seeded_jakarta: Government, provisioned: Callable[[str], Government]
) -> None:
    jayapura = provisioned("91.71")
    assert (seeded_jakarta.time_zone, jayapura.time_zone) == (TimeZone.WIB, TimeZone.WIT)

    jakarta_due = due_in(seeded_jakarta, SlaStep.VERIFY, _at(TUESDAY, 10, 0, WIB))
    jayapura_due = due_in(jayapura, SlaStep.VERIFY, _at(TUESDAY, 10, 0, WIT))

    # Both Friday 6 March 10:00 local time, two hours apart in absolute time.
    assert jakarta_due == datetime.datetime(2026, 3, 6, 3, 0, tzinfo=UTC)
    assert jayapura_due == datetime.datetime(2026, 3, 6, 1, 0, tzinfo=UTC)

    # One and the same instant is 15:00 WIB (Jakarta still open) and 17:00 WIT (Jayapura closed
    # since 16:00): Jakarta's clock runs at once, Jayapura's from the next opening.
    evening = datetime.datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    with government_context(seeded_jakarta):
        jakarta_calendar = working_calendar_for(government=seeded_jakarta)
    with government_context(jayapura):
        jayapura_calendar = working_calendar_for(government=jayapura)
    assert jakarta_calendar.clock_start(evening) == _at(TUESDAY, 15, 0, WIB)
    assert jayapura_calendar.clock_start(evening) == _at(datetime.date(2026, 3, 4), 7, 30, WIT)


def test_a_decree_day_off_shifts_the_due_time(seeded_jakarta: Government) -> None:
    filed = _at(TUESDAY, 10, 0, WIB)
    assert due_in(seeded_jakarta, SlaStep.VERIFY, filed) == _at(datetime.date(2026, 3, 6), 10, 0, WIB)

    with government_context(seeded_jakarta):
        day_off_add(
            date=datetime.date(2026, 3, 5),
            name="Libur pemungutan suara",
            kind=DayOffKind.DECREE,
            source="Keputusan Gubernur (contoh)",
        )

    # Thursday 5 March no longer counts: Wed 4, Fri 6, Mon 9 -> Monday 9 March 10:00 WIB.
    assert due_in(seeded_jakarta, SlaStep.VERIFY, filed) == _at(datetime.date(2026, 3, 9), 10, 0, WIB)


def test_a_substitute_working_saturday_counts(seeded_jakarta: Government) -> None:
    filed = _at(datetime.date(2026, 3, 6), 10, 0, WIB)  # Friday
    assert due_in(seeded_jakarta, SlaStep.VERIFY, filed) == _at(datetime.date(2026, 3, 11), 10, 0, WIB)

    with government_context(seeded_jakarta):
        worked = day_worked_add(date=datetime.date(2026, 3, 7), reason="Hari kerja pengganti")
        calendar = working_calendar_for(government=seeded_jakarta)
    # A Saturday has no office hours of its own: it takes Monday's.
    assert (worked.opens_at, worked.closes_at) == (datetime.time(7, 30), datetime.time(16, 0))

    # Sat 7, Mon 9, Tue 10 -> Tuesday 10 March 10:00 WIB.
    assert due_in(seeded_jakarta, SlaStep.VERIFY, filed) == _at(datetime.date(2026, 3, 10), 10, 0, WIB)
    assert calendar.working_time_between(
        _at(datetime.date(2026, 3, 6), 16, 30, WIB), _at(datetime.date(2026, 3, 9), 7, 30, WIB)
    ) == datetime.timedelta(hours=8, minutes=30)


def test_a_day_worked_overrides_a_library_holiday(seeded_jakarta: Government) -> None:
    # Should a government keep its office open on Monday 16 February (cuti bersama), reports
    # filed on the Friday evening start counting on the Monday.
    filed = _at(datetime.date(2026, 2, 13), 19, 0, WIB)
    with government_context(seeded_jakarta):
        day_worked_add(date=datetime.date(2026, 2, 16), reason="Pelayanan tetap buka")
        calendar = working_calendar_for(government=seeded_jakarta)
    assert calendar.day_off_name(datetime.date(2026, 2, 16)) is None
    assert calendar.day_off_name(datetime.date(2026, 2, 17)) == "Tahun Baru Imlek"
    assert calendar.clock_start(filed) == _at(datetime.date(2026, 2, 16), 7, 30, WIB)


def test_a_category_target_overrides_the_default(seeded_jakarta: Government) -> None:
    filed = _at(datetime.date(2026, 3, 5), 14, 0, WIB)  # Thursday
    with government_context(seeded_jakarta):
        sla_target_set(category_code="jalan-rusak", step=SlaStep.VERIFY, working_days=1)
        sla_target_set(category_code="banjir", step=SlaStep.FOLLOW_UP, working_minutes=6 * 60)

    assert due_in(seeded_jakarta, SlaStep.VERIFY, filed, "jalan-rusak") == _at(datetime.date(2026, 3, 6), 14, 0, WIB)
    # Other categories keep the default (3 working days): Fri 6, Mon 9, Tue 10.
    assert due_in(seeded_jakarta, SlaStep.VERIFY, filed, "sampah") == _at(datetime.date(2026, 3, 10), 14, 0, WIB)
    assert due_in(seeded_jakarta, SlaStep.VERIFY, filed, None) == _at(datetime.date(2026, 3, 10), 14, 0, WIB)
    # 6 working hours: 2 on Thursday until 16:00, 4 on Friday from 07:30.
    assert due_in(seeded_jakarta, SlaStep.FOLLOW_UP, filed, "banjir") == _at(datetime.date(2026, 3, 6), 11, 30, WIB)
    assert due_in(seeded_jakarta, SlaStep.FOLLOW_UP, filed, "jalan-rusak") == _at(
        datetime.date(2026, 3, 12), 14, 0, WIB
    )
    # No national figure for resolution and none set: no due time.
    assert due_in(seeded_jakarta, SlaStep.RESOLVE, filed, "banjir") is None


def test_a_day_off_in_bandung_does_not_reach_jakarta(seeded_jakarta: Government, seeded_bandung: Government) -> None:
    decree_day = datetime.date(2026, 3, 5)
    with government_context(seeded_bandung):
        day_off_add(date=decree_day, name="Hari Jadi Kota Bandung (contoh)", kind=DayOffKind.LOCAL_HOLIDAY)
        bandung_calendar = working_calendar_for(government=seeded_bandung)
    with government_context(seeded_jakarta):
        jakarta_calendar = working_calendar_for(government=seeded_jakarta)

    assert bandung_calendar.is_working_day(decree_day) is False
    assert jakarta_calendar.is_working_day(decree_day) is True
    filed = _at(TUESDAY, 10, 0, WIB)
    assert due_in(seeded_bandung, SlaStep.VERIFY, filed) == _at(datetime.date(2026, 3, 9), 10, 0, WIB)
    assert due_in(seeded_jakarta, SlaStep.VERIFY, filed) == _at(datetime.date(2026, 3, 6), 10, 0, WIB)


def test_reading_a_calendar_from_another_governments_schema_is_refused(
    seeded_jakarta: Government, seeded_bandung: Government
) -> None:
    with government_context(seeded_bandung), pytest.raises(RuntimeError, match="runs in 'gov_31', not in 'gov_32_73'"):
        working_calendar_for(government=seeded_jakarta)
    with government_context(seeded_bandung), pytest.raises(RuntimeError, match="runs in 'gov_31', not in 'gov_32_73'"):
        sla_due(government=seeded_jakarta, category_code=None, step=SlaStep.VERIFY, start=_at(TUESDAY, 10, 0, WIB))
