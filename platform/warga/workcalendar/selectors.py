"""Reads of the current government's working calendar and SLA targets.

Every function reads the schema in context and refuses to run in another one: a calendar
built from one government's rows and labelled with another's time zone would be silently
wrong.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime
from dataclasses import dataclass

from django.db.models import F

from tenants.models import Government
from tenants.scope import tenant_scoped, tenant_scoped_to
from warga.workcalendar.models import DayOff, DayWorked, OfficeHours, SlaStep, SlaTarget
from warga.workcalendar.working_time import WorkingCalendar, WorkingCalendarError, library_days_off


class WorkCalendarNotConfigured(WorkingCalendarError):
    """The government has no office hours yet (its defaults were never seeded)."""

    code = "not_configured"


@tenant_scoped_to("government")
def working_calendar_for(*, government: Government) -> WorkingCalendar:
    """The government's calendar, loaded in three queries (hours, days off, days worked).

    The rows are copied into plain values, so the calendar stays correct after the
    connection moves to another schema.
    """
    weekly_hours = {row.weekday: (row.opens_at, row.closes_at) for row in OfficeHours.objects.all()}
    if not weekly_hours:
        raise WorkCalendarNotConfigured(
            f"Jam kerja {government.name} belum diatur: jalankan workcalendar_seed_defaults() di skemanya "
            f"atau isi jam kerja. (Office hours of {government.name} are not set: seed the defaults or "
            "enter them.)"
        )
    days_off: dict[datetime.date, str] = {}
    for day_off in DayOff.objects.order_by("date", "kind"):
        days_off.setdefault(day_off.date, day_off.name)
    days_worked = {row.date: (row.opens_at, row.closes_at) for row in DayWorked.objects.all()}
    return WorkingCalendar(
        time_zone=government.time_zone, weekly_hours=weekly_hours, days_off=days_off, days_worked=days_worked
    )


@tenant_scoped
def sla_target_for(*, category_code: str | None, step: SlaStep | str) -> SlaTarget | None:
    """The category's own target for `step`, else the government's default, else None."""
    targets = SlaTarget.objects.filter(step=step, category_code__isnull=True)
    if category_code:
        targets = SlaTarget.objects.filter(step=step, category_code=category_code) | targets
    return targets.order_by(F("category_code").asc(nulls_last=True)).first()


@tenant_scoped_to("government")
def sla_due(
    *,
    government: Government,
    category_code: str | None,
    step: SlaStep | str,
    start: datetime.datetime,
    calendar: WorkingCalendar | None = None,
) -> datetime.datetime | None:
    """When `step` of a report of `category_code` started at `start` is due, in the
    government's time zone; None when the government sets no target for that step.

    Pass `calendar` (from `working_calendar_for`) to compute many due times without
    reloading it.
    """
    target = sla_target_for(category_code=category_code, step=step)
    if target is None:
        return None
    if calendar is None:
        calendar = working_calendar_for(government=government)
    elif calendar.time_zone != government.time_zone:
        raise WorkingCalendarError(
            f"Kalender berzona {calendar.time_zone} bukan milik {government.name} ({government.time_zone})."
        )
    return calendar.due_at(start=start, working_days=target.working_days, working_minutes=target.working_minutes)


@dataclass(frozen=True)
class CalendarOverview:
    """Everything that decides a government's working time in one year, as an administrator
    reviews it: the weekly hours, the library's national holidays and cuti bersama, the
    government's own days off and substitute working days, and its SLA targets."""

    time_zone: str
    year: int
    office_hours: list[OfficeHours]
    national_days_off: list[tuple[datetime.date, str]]
    days_off: list[DayOff]
    days_worked: list[DayWorked]
    sla_targets: list[SlaTarget]


@tenant_scoped_to("government")
def calendar_overview(*, government: Government, year: int) -> CalendarOverview:
    """The calendar of `government` for `year`, read in its schema (five queries)."""
    return CalendarOverview(
        time_zone=government.time_zone,
        year=year,
        office_hours=list(OfficeHours.objects.order_by("weekday")),
        national_days_off=sorted(library_days_off(year).items()),
        days_off=list(DayOff.objects.filter(date__year=year).order_by("date", "kind")),
        days_worked=list(DayWorked.objects.filter(date__year=year).order_by("date")),
        sla_targets=list(SlaTarget.objects.order_by("step", F("category_code").asc(nulls_first=True))),
    )


@dataclass(frozen=True)
class CalendarDay:
    """One day of a month view: whether the office works it and why not."""

    date: datetime.date
    # "work": an ordinary working day; "worked": a substitute working day; "off": a holiday or
    # a day off; "closed": a weekday without office hours.
    state: str
    note: str


@tenant_scoped_to("government")
def calendar_months(*, government: Government, year: int) -> list[tuple[datetime.date, list[list[CalendarDay | None]]]]:
    """The twelve months of `year` as weeks (Monday first) of days with their state, from the
    government's working calendar (three queries)."""
    calendar = working_calendar_for(government=government)
    months: list[tuple[datetime.date, list[list[CalendarDay | None]]]] = []
    for month in range(1, 13):
        weeks: list[list[CalendarDay | None]] = []
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            row: list[CalendarDay | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                    continue
                holiday = calendar.day_off_name(day)
                if day in calendar.days_worked:
                    state, note = "worked", ""
                elif holiday is not None:
                    state, note = "off", holiday
                elif calendar.is_working_day(day):
                    state, note = "work", ""
                else:
                    state, note = "closed", ""
                row.append(CalendarDay(date=day, state=state, note=note))
            weeks.append(row)
        months.append((datetime.date(year, month, 1), weeks))
    return months
