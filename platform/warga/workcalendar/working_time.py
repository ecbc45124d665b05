"""Working-time arithmetic on one government's calendar, with no database access.

`WorkingCalendar` is built once by `warga.workcalendar.selectors.working_calendar_for` from
the government's rows (loaded in a few queries) and then answers any number of due-time and
elapsed-time questions in memory, so computing SLA clocks for many reports costs no query
per report or per day.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from warga.errors import Defect

# A calendar with no opening in this many consecutive days is broken (every weekday closed),
# not merely long: stop instead of walking the calendar forever.
_MAX_CLOSED_DAYS = 400


class WorkingCalendarError(Defect):
    """A calendar or a question about it that cannot be answered (a naive time, a calendar of
    another time zone, no working day within reach); the message says why."""

    code = "calendar_unanswerable"


@lru_cache(maxsize=64)
def library_days_off(year: int) -> Mapping[datetime.date, str]:
    """Indonesia's national holidays and cuti bersama of `year`, named in Bahasa Indonesia.

    The `holidays` library files cuti bersama (the SKB of the Ministers of Religious
    Affairs, Manpower and Administrative Reform) under its GOVERNMENT category and the
    national holidays under PUBLIC; both are days off for regional government offices.
    Module-level caching is safe: the data is the same for every tenant.
    """
    found = holidays.country_holidays(
        "ID", years=year, categories=(holidays.PUBLIC, holidays.GOVERNMENT), language="id"
    )
    return {day: str(name) for day, name in found.items()}


@dataclass(frozen=True)
class Opening:
    opens: datetime.datetime
    closes: datetime.datetime


@dataclass(frozen=True)
class WorkingCalendar:
    """One government's working calendar.

    weekly_hours: weekday (0 = Monday) -> (opens, closes); a missing weekday is closed.
    days_off: extra days off (the government's DayOff rows) -> name.
    days_worked: days that are worked whatever the weekday or holidays say -> (opens, closes).
    """

    time_zone: str
    weekly_hours: Mapping[int, tuple[datetime.time, datetime.time]]
    days_off: Mapping[datetime.date, str] = field(default_factory=dict)
    days_worked: Mapping[datetime.date, tuple[datetime.time, datetime.time]] = field(default_factory=dict)
    use_library: bool = True

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    # --- days ------------------------------------------------------------------------------

    def day_off_name(self, day: datetime.date) -> str | None:
        """Why `day` is off (a holiday's name), or None when it is not a holiday."""
        if day in self.days_worked:
            return None
        if day in self.days_off:
            return self.days_off[day]
        if self.use_library:
            return library_days_off(day.year).get(day)
        return None

    def opening_on(self, day: datetime.date) -> Opening | None:
        """The office hours of `day` as aware datetimes in the government's zone, or None."""
        if day in self.days_worked:
            hours: tuple[datetime.time, datetime.time] | None = self.days_worked[day]
        elif self.day_off_name(day) is not None:
            hours = None
        else:
            hours = self.weekly_hours.get(day.weekday())
        if hours is None:
            return None
        zone = self.zone
        return Opening(
            opens=datetime.datetime.combine(day, hours[0], tzinfo=zone),
            closes=datetime.datetime.combine(day, hours[1], tzinfo=zone),
        )

    def is_working_day(self, day: datetime.date) -> bool:
        return self.opening_on(day) is not None

    def _next_opening(self, day: datetime.date) -> Opening:
        """The first opening on `day` or after it."""
        for offset in range(_MAX_CLOSED_DAYS):
            opening = self.opening_on(day + datetime.timedelta(days=offset))
            if opening is not None:
                return opening
        raise WorkingCalendarError(
            f"Tidak ada hari kerja dalam {_MAX_CLOSED_DAYS} hari sejak {day:%Y-%m-%d}: periksa jam kerja. "
            f"(No working day within {_MAX_CLOSED_DAYS} days of {day:%Y-%m-%d}: check the office hours.)"
        )

    def _local(self, moment: datetime.datetime, name: str) -> datetime.datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise WorkingCalendarError(
                f"{name} harus berzona waktu (aware), bukan {moment.isoformat()}. "
                f"({name} must be a time-zone-aware datetime.)"
            )
        return moment.astimezone(self.zone)

    def clock_start(self, start: datetime.datetime) -> datetime.datetime:
        """When an SLA clock started at `start` actually begins to run: `start` itself during
        office hours, otherwise the next opening."""
        local = self._local(start, "start")
        opening = self._next_opening(local.date())
        if local >= opening.closes:
            opening = self._next_opening(opening.opens.date() + datetime.timedelta(days=1))
        return max(local, opening.opens)

    # --- due times -------------------------------------------------------------------------

    def due_at(
        self,
        *,
        start: datetime.datetime,
        working_days: int | None = None,
        working_minutes: int | None = None,
    ) -> datetime.datetime:
        """The moment `working_days` or `working_minutes` of working time after `start`.

        Time outside office hours and on days off does not count; a start outside office
        hours counts from the next opening. N working days end at the same clock time on the
        N-th following working day (capped at that day's closing); a clock that started at an
        opening ends at the previous working day's closing, the same moment in working time.
        The result is in the government's time zone.
        """
        if (working_days is None) == (working_minutes is None):
            raise WorkingCalendarError("Berikan working_days atau working_minutes, tepat satu. (Give exactly one.)")
        begin = self.clock_start(start)
        if working_minutes is not None:
            return self._add_minutes(begin, working_minutes)
        assert working_days is not None
        return self._add_days(begin, working_days)

    def _add_minutes(self, begin: datetime.datetime, minutes: int) -> datetime.datetime:
        if minutes < 0:
            raise WorkingCalendarError(f"working_minutes tidak boleh negatif ({minutes}).")
        remaining = datetime.timedelta(minutes=minutes)
        opening = self._next_opening(begin.date())
        cursor = begin
        while True:
            available = opening.closes - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            opening = self._next_opening(opening.opens.date() + datetime.timedelta(days=1))
            cursor = opening.opens

    def _add_days(self, begin: datetime.datetime, days: int) -> datetime.datetime:
        if days < 0:
            raise WorkingCalendarError(f"working_days tidak boleh negatif ({days}).")
        if days == 0:
            return begin
        previous = self._next_opening(begin.date())
        target = previous
        for _ in range(days):
            previous = target
            target = self._next_opening(target.opens.date() + datetime.timedelta(days=1))
        due = datetime.datetime.combine(target.opens.date(), begin.timetz())
        if due <= target.opens:
            return previous.closes
        return min(due, target.closes)

    # --- elapsed ---------------------------------------------------------------------------

    def working_time_between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Working time from `start` to `end`; negative when `end` is before `start`."""
        local_start = self._local(start, "start")
        local_end = self._local(end, "end")
        if local_end < local_start:
            return -self.working_time_between(end, start)
        total = datetime.timedelta(0)
        day = local_start.date()
        while day <= local_end.date():
            opening = self.opening_on(day)
            if opening is not None:
                overlap = min(opening.closes, local_end) - max(opening.opens, local_start)
                if overlap > datetime.timedelta(0):
                    total += overlap
            day += datetime.timedelta(days=1)
        return total
