"""Seeding, editing and loading a government's calendar: defaults, validation, query counts."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tenants.context import government_context
from tenants.models import Government
from warga.workcalendar.models import DayOff, DayOffKind, OfficeHours, SlaStep, SlaTarget
from warga.workcalendar.selectors import WorkCalendarNotConfigured, sla_target_for, working_calendar_for
from warga.workcalendar.services import (
    WorkCalendarInputError,
    day_off_add,
    day_worked_add,
    office_hours_set,
    sla_target_set,
    workcalendar_seed_defaults,
)
from warga.workcalendar.working_time import WorkingCalendar, WorkingCalendarError

WIB = ZoneInfo("Asia/Jakarta")


def test_seed_defaults_is_idempotent_and_keeps_an_edited_week(jakarta: Government) -> None:
    with government_context(jakarta):
        assert workcalendar_seed_defaults() == {"office_hours": 5, "sla_targets": 2}
        hours = {row.weekday: (row.opens_at, row.closes_at) for row in OfficeHours.objects.all()}
        assert hours == {
            0: (datetime.time(7, 30), datetime.time(16, 0)),
            1: (datetime.time(7, 30), datetime.time(16, 0)),
            2: (datetime.time(7, 30), datetime.time(16, 0)),
            3: (datetime.time(7, 30), datetime.time(16, 0)),
            4: (datetime.time(7, 30), datetime.time(16, 30)),
        }
        targets = set(SlaTarget.objects.values_list("category_code", "step", "working_days", "working_minutes"))
        assert targets == {(None, "verify", 3, None), (None, "follow_up", 5, None)}

        office_hours_set(weekday=4, opens_at=None, closes_at=None)  # Friday closed
        sla_target_set(category_code=None, step=SlaStep.VERIFY, working_days=2)
        assert workcalendar_seed_defaults() == {"office_hours": 4, "sla_targets": 2}
        assert not OfficeHours.objects.filter(weekday=4).exists()
        target = sla_target_for(category_code=None, step=SlaStep.VERIFY)
        assert target is not None
        assert target.working_days == 2


def test_provisioning_seeds_the_calendar(jakarta: Government) -> None:
    with government_context(jakarta):
        assert working_calendar_for(government=jakarta).time_zone == "Asia/Jakarta"


def test_a_government_without_office_hours_is_told_what_to_do(jakarta: Government) -> None:
    with government_context(jakarta):
        OfficeHours.objects.all().delete()
        with pytest.raises(WorkCalendarNotConfigured, match=r"Jam kerja .* belum diatur"):
            working_calendar_for(government=jakarta)


def test_seeding_in_the_public_schema_is_refused(db: None) -> None:
    with pytest.raises(RuntimeError, match="inside a government's schema"):
        workcalendar_seed_defaults()


def test_invalid_entries_are_refused_and_write_nothing(jakarta: Government) -> None:
    with government_context(jakarta):
        workcalendar_seed_defaults()
        day_off_add(date=datetime.date(2026, 3, 5), name="Libur daerah", kind=DayOffKind.LOCAL_HOLIDAY)
        with pytest.raises(WorkCalendarInputError, match="sudah tercatat"):
            day_off_add(date=datetime.date(2026, 3, 5), name="Libur lagi", kind=DayOffKind.LOCAL_HOLIDAY)
        with pytest.raises(WorkCalendarInputError, match="tidak dikenal"):
            day_off_add(date=datetime.date(2026, 3, 6), name="Libur", kind="weekend")
        with pytest.raises(WorkCalendarInputError, match="harus setelah jam buka"):
            office_hours_set(weekday=0, opens_at=datetime.time(16, 0), closes_at=datetime.time(7, 30))
        with pytest.raises(WorkCalendarInputError, match="salah satu"):
            sla_target_set(category_code="banjir", step=SlaStep.VERIFY, working_days=1, working_minutes=60)
        with pytest.raises(WorkCalendarInputError, match="lebih dari nol"):
            sla_target_set(category_code="banjir", step=SlaStep.VERIFY, working_days=0)
        with pytest.raises(WorkCalendarInputError, match="harus setelah jam buka"):
            day_worked_add(
                date=datetime.date(2026, 3, 7),
                reason="Pengganti",
                opens_at=datetime.time(9),
                closes_at=datetime.time(8),
            )
        # Both weekend days closed and Monday closed too: a substitute day needs explicit hours.
        office_hours_set(weekday=0, opens_at=None, closes_at=None)
        with pytest.raises(WorkCalendarInputError, match="tidak punya jam kerja"):
            day_worked_add(date=datetime.date(2026, 3, 7), reason="Pengganti")

        assert list(DayOff.objects.values_list("name", flat=True)) == ["Libur daerah"]
        assert not SlaTarget.objects.filter(category_code="banjir").exists()
        assert OfficeHours.objects.filter(weekday=0).exists() is False


def test_due_at_needs_an_aware_start_and_exactly_one_amount(jakarta: Government) -> None:
    with government_context(jakarta):
        workcalendar_seed_defaults()
        calendar = working_calendar_for(government=jakarta)
    with pytest.raises(WorkingCalendarError, match="aware"):
        calendar.due_at(start=datetime.datetime(2026, 3, 3, 10, 0), working_days=1)  # noqa: DTZ001
    with pytest.raises(WorkingCalendarError, match="tepat satu"):
        calendar.due_at(start=datetime.datetime(2026, 3, 3, 10, 0, tzinfo=WIB))


def test_a_week_with_no_office_hours_fails_instead_of_looping() -> None:
    closed = WorkingCalendar(time_zone="Asia/Jakarta", weekly_hours={})
    with pytest.raises(WorkingCalendarError, match="Tidak ada hari kerja dalam 400 hari"):
        closed.due_at(start=datetime.datetime(2026, 3, 3, 10, 0, tzinfo=WIB), working_days=1)


def test_the_calendar_loads_in_three_queries_and_computes_without_any(
    jakarta: Government, django_assert_num_queries: Any
) -> None:
    with government_context(jakarta):
        workcalendar_seed_defaults()
        for month in range(1, 13):
            day_off_add(date=datetime.date(2026, month, 2), name=f"Libur {month}", kind=DayOffKind.DECREE)
        with django_assert_num_queries(3):
            calendar = working_calendar_for(government=jakarta)
        start = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=WIB)
        with django_assert_num_queries(0):
            dues = [calendar.due_at(start=start + datetime.timedelta(hours=h), working_days=5) for h in range(2000)]
            spent = calendar.working_time_between(start, start + datetime.timedelta(days=365))
    assert len(dues) == 2000
    assert spent > datetime.timedelta(0)


def test_seed_command_seeds_the_ready_governments_it_is_given(jakarta: Government, bandung: Government) -> None:
    out = StringIO()
    call_command("seed_workcalendar", "31", "32.73", stdout=out)
    assert out.getvalue().splitlines() == [
        "31 Provinsi DKI Jakarta: 5 office days, 2 SLA targets",
        "32.73 Kota Bandung: 5 office days, 2 SLA targets",
    ]
    with government_context(bandung):
        assert working_calendar_for(government=bandung).is_working_day(datetime.date(2026, 3, 3)) is True
    with pytest.raises(CommandError, match=r"No ready government with code 99\.99"):
        call_command("seed_workcalendar", "99.99", stdout=StringIO())
