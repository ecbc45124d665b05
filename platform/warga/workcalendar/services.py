"""Writes to the current government's working calendar and SLA targets.

Each change an administrator makes runs in one transaction with an audit event naming who
made it. Due times are computed and stored when a report is routed, so a change here applies
to the next report only: those already routed keep the deadlines they were given.
"""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.errors import FieldError, Invalid, NotFound
from warga.workcalendar.models import (
    DEFAULT_OFFICE_HOURS,
    CalendarAuditEvent,
    DayOff,
    DayOffKind,
    DayWorked,
    OfficeHours,
    SlaStep,
    SlaTarget,
)

# SP4N-LAPOR!: an administrator verifies a report within 3 working days and the agency
# follows it up within 5 working days. No national figure exists for resolution: a
# government sets its own, per category if it likes.
DEFAULT_SLA_WORKING_DAYS = {SlaStep.VERIFY: 3, SlaStep.FOLLOW_UP: 5}
CATEGORY_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class WorkCalendarInputError(Invalid):
    """An entry an administrator can correct; the message says what is wrong, `field` which
    input (the whole entry when none is named)."""

    def __init__(self, message: str, *, field: str = "non_field_errors") -> None:
        self.field = field
        super().__init__(message, fields={field: [FieldError("invalid", message)]})


def _audit(event: str, /, *, acting_user: uuid.UUID | None, **detail: Any) -> None:
    """The calendar's audit trail: every change of these services is recorded through here."""
    CalendarAuditEvent.objects.create(kind=event, actor_id=acting_user, detail=detail, at=timezone.now())


class WorkCalendarEntryNotFound(NotFound):
    """No such day off or working day in this government's calendar."""


@tenant_scoped
@transaction.atomic
def workcalendar_seed_defaults() -> dict[str, int]:
    """Give the government in context the default office hours and SLA targets.

    Provisioning calls it for every new government. Idempotent: office hours are seeded
    only when the government has none (an edited week is never reset), and a default SLA
    target only for a step that has no default yet. Returns how many office-hour days and
    SLA targets exist afterwards.
    """
    if not OfficeHours.objects.exists():
        OfficeHours.objects.bulk_create(
            OfficeHours(weekday=weekday, opens_at=opens, closes_at=closes)
            for weekday, (opens, closes) in DEFAULT_OFFICE_HOURS.items()
        )
    for step, days in DEFAULT_SLA_WORKING_DAYS.items():
        SlaTarget.objects.get_or_create(category_code=None, step=step, defaults={"working_days": days})
    return {"office_hours": OfficeHours.objects.count(), "sla_targets": SlaTarget.objects.count()}


def _check_hours(opens_at: datetime.time, closes_at: datetime.time, *, field: str = "non_field_errors") -> None:
    if closes_at <= opens_at:
        raise WorkCalendarInputError(
            f"Jam tutup ({closes_at:%H:%M}) harus setelah jam buka ({opens_at:%H:%M}). "
            "(Closing time must be after opening time.)",
            field=field,
        )


@tenant_scoped
@transaction.atomic
def office_hours_set(
    *,
    weekday: int,
    opens_at: datetime.time | None,
    closes_at: datetime.time | None,
    acting_user: uuid.UUID | None = None,
) -> None:
    """Open `weekday` (0 = Monday) from `opens_at` to `closes_at`, or close it when both are
    None; a change leaves an audit event with the hours before and after."""
    if not 0 <= weekday <= 6:
        raise WorkCalendarInputError(f"Hari {weekday} tidak dikenal: gunakan 0 (Senin) sampai 6 (Minggu).")
    before = OfficeHours.objects.select_for_update().filter(weekday=weekday).first()
    was = [before.opens_at.isoformat(), before.closes_at.isoformat()] if before is not None else None
    if opens_at is None and closes_at is None:
        if before is not None:
            before.delete()
            _audit("office_hours.set", acting_user=acting_user, weekday=weekday, before=was, after=None)
        return
    if opens_at is None or closes_at is None:
        raise WorkCalendarInputError("Isi jam buka dan jam tutup, atau kosongkan keduanya untuk hari libur.")
    _check_hours(opens_at, closes_at)
    OfficeHours.objects.update_or_create(weekday=weekday, defaults={"opens_at": opens_at, "closes_at": closes_at})
    now = [opens_at.isoformat(), closes_at.isoformat()]
    if now != was:
        _audit("office_hours.set", acting_user=acting_user, weekday=weekday, before=was, after=now)


# Kinds an administrator records by hand: national holidays and cuti bersama come from the
# `holidays` library, and a new decree the library lacks is recorded as a decree.
DAY_OFF_KINDS_EDITABLE = (DayOffKind.DECREE, DayOffKind.LOCAL_HOLIDAY)


@tenant_scoped
def day_off_add(
    *,
    date: datetime.date,
    name: str,
    kind: DayOffKind | str,
    source: str = "",
    acting_user: uuid.UUID | None = None,
) -> DayOff:
    """Record a day off the library lacks (a new decree, a local holiday), with an audit event."""
    if kind not in DayOffKind.values:
        raise WorkCalendarInputError(
            f"Jenis hari libur {kind!r} tidak dikenal: pilih {', '.join(DayOffKind.values)}.", field="date"
        )
    if not name.strip():
        raise WorkCalendarInputError("Nama hari libur wajib diisi. (A day off needs a name.)", field="date")
    try:
        with transaction.atomic():
            day_off = DayOff.objects.create(date=date, name=name.strip(), kind=kind, source=source.strip())
            _audit(
                "day_off.added",
                acting_user=acting_user,
                id=day_off.pk,
                date=date.isoformat(),
                name=day_off.name,
                kind=str(kind),
                source=day_off.source,
            )
            return day_off
    except IntegrityError:
        raise WorkCalendarInputError(
            f"Hari libur jenis {kind} pada {date:%Y-%m-%d} sudah tercatat. (Already recorded.)",
            field="date",
        ) from None


@tenant_scoped
@transaction.atomic
def day_off_remove(*, day_off_id: int, acting_user: uuid.UUID | None = None) -> DayOff:
    """Remove a recorded day off (it turns out not to be one), with an audit event."""
    day_off = DayOff.objects.select_for_update().filter(pk=day_off_id).first()
    if day_off is None:
        raise WorkCalendarEntryNotFound(f"Hari libur {day_off_id} tidak ada di kalender ini.")
    _audit(
        "day_off.removed",
        acting_user=acting_user,
        id=day_off.pk,
        date=day_off.date.isoformat(),
        name=day_off.name,
        kind=day_off.kind,
        source=day_off.source,
    )
    day_off.delete()
    return day_off


@tenant_scoped
def day_worked_add(
    *,
    date: datetime.date,
    reason: str,
    source: str = "",
    opens_at: datetime.time | None = None,
    closes_at: datetime.time | None = None,
    acting_user: uuid.UUID | None = None,
) -> DayWorked:
    """Make `date` a working day whatever its weekday or holidays say.

    Without hours it takes that weekday's office hours, or Monday's when the weekday is
    closed (a substitute working day usually follows an ordinary day's hours).
    """
    if not reason.strip():
        raise WorkCalendarInputError("Alasan hari kerja pengganti wajib diisi. (Give a reason.)", field="date")
    if opens_at is None and closes_at is None:
        hours = (
            OfficeHours.objects.filter(weekday=date.weekday()).first() or OfficeHours.objects.filter(weekday=0).first()
        )
        if hours is None:
            raise WorkCalendarInputError(
                f"Hari {date:%Y-%m-%d} tidak punya jam kerja: isi jam buka dan jam tutupnya. "
                "(That weekday has no office hours: give the hours.)",
                field="date",
            )
        opens_at, closes_at = hours.opens_at, hours.closes_at
    if opens_at is None or closes_at is None:
        raise WorkCalendarInputError("Isi jam buka dan jam tutup keduanya. (Give both hours.)", field="date")
    _check_hours(opens_at, closes_at, field="date")
    try:
        with transaction.atomic():
            day = DayWorked.objects.create(
                date=date, reason=reason.strip(), source=source.strip(), opens_at=opens_at, closes_at=closes_at
            )
            _audit(
                "day_worked.added",
                acting_user=acting_user,
                id=day.pk,
                date=date.isoformat(),
                reason=day.reason,
                source=day.source,
                opens_at=opens_at.isoformat(),
                closes_at=closes_at.isoformat(),
            )
            return day
    except IntegrityError:
        raise WorkCalendarInputError(
            f"{date:%Y-%m-%d} sudah tercatat sebagai hari kerja pengganti.", field="date"
        ) from None


@tenant_scoped
@transaction.atomic
def day_worked_remove(*, day_worked_id: int, acting_user: uuid.UUID | None = None) -> DayWorked:
    """Remove a substitute working day, with an audit event."""
    day = DayWorked.objects.select_for_update().filter(pk=day_worked_id).first()
    if day is None:
        raise WorkCalendarEntryNotFound(f"Hari kerja pengganti {day_worked_id} tidak ada di kalender ini.")
    _audit(
        "day_worked.removed",
        acting_user=acting_user,
        id=day.pk,
        date=day.date.isoformat(),
        reason=day.reason,
        source=day.source,
    )
    day.delete()
    return day


@tenant_scoped
@transaction.atomic
def sla_target_set(
    *,
    category_code: str | None,
    step: SlaStep | str,
    working_days: int | None = None,
    working_minutes: int | None = None,
    acting_user: uuid.UUID | None = None,
) -> SlaTarget:
    """Set the target of `step` for `category_code` (None: the government's default), with an
    audit event saying what it was before. Reports already routed keep their due times."""
    if step not in SlaStep.values:
        raise WorkCalendarInputError(f"Tahap {step!r} tidak dikenal: pilih {', '.join(SlaStep.values)}.")
    # A national category or a local subcategory (no list to check against): a code, at least.
    if category_code and not CATEGORY_CODE.fullmatch(category_code):
        raise WorkCalendarInputError(
            f"Kode kategori '{category_code}' tidak sah: gunakan huruf kecil, angka, '_' atau '-' (paling panjang 40). "
            "(Not a category code.)"
        )
    if (working_days is None) == (working_minutes is None):
        raise WorkCalendarInputError(
            "Isi target dalam hari kerja atau menit kerja, salah satu. (Give working days or working minutes.)"
        )
    amount = working_days if working_days is not None else working_minutes
    if amount is None or amount <= 0:
        raise WorkCalendarInputError(f"Target harus lebih dari nol, bukan {amount}. (The target must be positive.)")
    category_code = category_code or None
    before = SlaTarget.objects.select_for_update().filter(category_code=category_code, step=step).first()
    target, _ = SlaTarget.objects.update_or_create(
        category_code=category_code,
        step=step,
        defaults={"working_days": working_days, "working_minutes": working_minutes},
    )
    _audit(
        "sla_target.set",
        acting_user=acting_user,
        category_code=category_code,
        step=str(step),
        before=(
            {"working_days": before.working_days, "working_minutes": before.working_minutes}
            if before is not None
            else None
        ),
        after={"working_days": working_days, "working_minutes": working_minutes},
    )
    return target
