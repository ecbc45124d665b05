"""A government's working-day calendar and SLA targets (tenant scope).

Days off are the national holidays and cuti bersama from the `holidays` library, plus the
rows of `DayOff` (decrees the library does not know yet, local holidays), minus the rows of
`DayWorked` (substitute working days, or a library date the government does work). SLA
clocks count only office hours on working days, in the government's time zone.

`SlaTarget.category_code` is a plain reference to the national taxonomy or a local
subcategory code (no constraint), so a tenant may set targets for its own subcategories.
"""

from __future__ import annotations

import datetime

from django.db import models

from warga.append_only import AppendOnlyModel

# Keppres 68/1995 (Hari Kerja di Lingkungan Lembaga Pemerintah), the five-day week most
# regional governments still follow: Monday-Thursday 07:30-16:00, Friday 07:30-16:30 (the
# longer Friday makes up for the longer Friday prayer break); Saturday and Sunday closed.
# Perpres 21/2023 only fixes 37.5 hours a week and lets each agency set its hours, which is
# why they are rows a government can edit rather than constants. Rest breaks are not
# deducted: SLA clocks run across the whole office day.
DEFAULT_OPENS_AT = datetime.time(7, 30)
DEFAULT_CLOSES_AT = datetime.time(16, 0)
DEFAULT_FRIDAY_CLOSES_AT = datetime.time(16, 30)
DEFAULT_OFFICE_HOURS: dict[int, tuple[datetime.time, datetime.time]] = {
    0: (DEFAULT_OPENS_AT, DEFAULT_CLOSES_AT),
    1: (DEFAULT_OPENS_AT, DEFAULT_CLOSES_AT),
    2: (DEFAULT_OPENS_AT, DEFAULT_CLOSES_AT),
    3: (DEFAULT_OPENS_AT, DEFAULT_CLOSES_AT),
    4: (DEFAULT_OPENS_AT, DEFAULT_FRIDAY_CLOSES_AT),
}


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering, so no translation is needed when computing.
    MONDAY = 0, "Senin"
    TUESDAY = 1, "Selasa"
    WEDNESDAY = 2, "Rabu"
    THURSDAY = 3, "Kamis"
    FRIDAY = 4, "Jumat"
    SATURDAY = 5, "Sabtu"
    SUNDAY = 6, "Minggu"


class OfficeHours(models.Model):
    """Opening hours of one weekday; a weekday without a row is closed."""

    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, unique=True)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        db_table = "workcalendar_office_hours"
        ordering = ["weekday"]
        verbose_name = "jam kerja"
        verbose_name_plural = "jam kerja"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="office_hours_closes_after_opening"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="office_hours_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class DayOffKind(models.TextChoices):
    NATIONAL_HOLIDAY = "national_holiday", "Hari libur nasional"
    CUTI_BERSAMA = "cuti_bersama", "Cuti bersama"
    LOCAL_HOLIDAY = "local_holiday", "Hari libur daerah"
    DECREE = "decree", "Libur berdasarkan keputusan"


class DayOff(models.Model):
    """A day off the library does not know: a new decree, a local holiday."""

    date = models.DateField(db_index=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=DayOffKind.choices)
    source = models.CharField(
        max_length=300, blank=True, help_text="The decree or announcement it comes from, e.g. 'SKB 3 Menteri ...'."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "workcalendar_day_off"
        ordering = ["date", "kind"]
        verbose_name = "hari libur"
        verbose_name_plural = "hari libur"
        constraints = [models.UniqueConstraint(fields=["date", "kind"], name="day_off_date_kind_unique")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class DayWorked(models.Model):
    """A working day despite the weekly hours or a holiday (a substitute working day).

    It carries its own hours, because the weekday it falls on may have none.
    """

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)
    opens_at = models.TimeField(default=DEFAULT_OPENS_AT)
    closes_at = models.TimeField(default=DEFAULT_CLOSES_AT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "workcalendar_day_worked"
        ordering = ["date"]
        verbose_name = "hari kerja pengganti"
        verbose_name_plural = "hari kerja pengganti"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="day_worked_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class SlaStep(models.TextChoices):
    VERIFY = "verify", "Verifikasi"
    FOLLOW_UP = "follow_up", "Tindak lanjut"
    RESOLVE = "resolve", "Penyelesaian"


class SlaTarget(models.Model):
    """How much working time a step may take, for one category or (category empty) by default."""

    # NULL, not "", marks the default: "" would look like a category code that was left out.
    category_code = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    step = models.CharField(max_length=16, choices=SlaStep.choices)
    working_days = models.PositiveIntegerField(null=True, blank=True)
    working_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        db_table = "workcalendar_sla_target"
        ordering = ["step", "category_code"]
        verbose_name = "target layanan"
        verbose_name_plural = "target layanan"
        constraints = [
            # One default (category NULL) per step too: NULLs must collide here.
            models.UniqueConstraint(
                fields=["category_code", "step"], nulls_distinct=False, name="sla_target_category_step_unique"
            ),
            models.CheckConstraint(
                condition=(models.Q(working_days__gt=0) & models.Q(working_minutes__isnull=True))
                | (models.Q(working_minutes__gt=0) & models.Q(working_days__isnull=True)),
                name="sla_target_days_or_minutes",
            ),
        ]

    def __str__(self) -> str:
        amount = f"{self.working_days} hari kerja" if self.working_days else f"{self.working_minutes} menit kerja"
        return f"{self.get_step_display()} {self.category_code or '(bawaan)'}: {amount}"


class CalendarAuditEvent(AppendOnlyModel):
    """One change to the calendar or the SLA targets, who made it and what it was: written
    once, never changed."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=32)
    # The account lives in public: a plain id. Null for provisioning's defaults.
    actor_id = models.UUIDField(null=True, blank=True)
    detail = models.JSONField(default=dict)
    at = models.DateTimeField()

    class Meta:
        db_table = "workcalendar_audit_event"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d %H:%M}"
