"""Who works a report inside its government: a field officer of its handling unit
(`report_assign`), or another unit (`report_unit_transfer`)."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from tenants.context import tenant_connection
from tenants.scope import tenant_scoped
from warga.accounts.models import User
from warga.notifications.models import EventKind
from warga.notifications.services import notifications_send
from warga.organization.models import Unit, UnitKind
from warga.organization.selectors import field_officers_of, today_in
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.lifecycle import Status
from warga.reports.models import Report, ReportAssignment
from warga.reports.ports import routing
from warga.reports.selectors import report_handling_unit_id
from warga.reports.services._common import NOTE_MAX_LENGTH, _apply, _require_may_act
from warga.reports.services.audit import report_audit_write

# A report is assigned once it has a handling unit and is being worked on.
ASSIGNABLE_STATUSES = frozenset({Status.VERIFIED, Status.IN_PROGRESS, Status.REOPENED})


@tenant_scoped
def report_assign(
    *, acting_user: User, tracking_number: str, assignee_id: uuid.UUID, note: str = ""
) -> ReportAssignment:
    """Assign a report of the current government to a petugas lapangan of its handling unit,
    who is notified (in the app and on the channels they chose).

    The actor must be allowed to act on the report (`report.act` for its handling unit). The
    assignee must hold a petugas lapangan seat of that unit today. A verified report moves
    to `in_progress` (the reporter hears of it); otherwise the trail records the assignment
    without a status change. A new assignment ends the current one; assigning the current
    assignee again changes nothing. Raises ReportNotFound, ActionForbidden, ReportInvalid
    (not verified yet, no handling unit, not a field officer of the unit, note too long);
    nothing is written then.
    """
    if not acting_user.is_authenticated or not acting_user.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat menugaskan laporan.")
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ReportInvalid.single(
            "note", "too_long", f"Catatan paling panjang {NOTE_MAX_LENGTH} karakter (sekarang {len(note)})."
        )
    government = tenant_connection().tenant
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
        if report is None:
            raise ReportNotFound()
        _require_may_act(acting_user, report)
        if report.status not in ASSIGNABLE_STATUSES:
            raise ReportInvalid.single(
                "report",
                "not_assignable",
                f"Laporan berstatus '{Status(report.status).label}' belum atau tidak lagi dapat ditugaskan: "
                "verifikasi dan disposisikan dulu ke unit, lalu tugaskan petugas lapangannya.",
            )
        unit_id = report_handling_unit_id(report=report)
        if unit_id is None:
            raise ReportInvalid.single(
                "report", "no_unit", "Laporan ini belum punya unit penanganan: disposisikan dulu ke sebuah unit."
            )
        officers = {o.user_id: o for o in field_officers_of(unit_id=unit_id, on=today_in(government=government))}
        officer = officers.get(assignee_id)
        if officer is None:
            raise ReportInvalid.single(
                "assignee_id",
                "not_field_officer",
                "Orang ini bukan petugas lapangan unit yang menangani laporan ini (hari ini). "
                "Pilih salah satu petugas lapangan unit itu.",
            )
        current = ReportAssignment.objects.filter(report=report, ended_at__isnull=True).first()
        if current is not None and current.assignee_id == assignee_id:
            return current
        now = timezone.now()
        if current is not None:
            current.ended_at = now
            current.save(update_fields=["ended_at"])
        assignment = ReportAssignment.objects.create(
            report=report, assignee_id=assignee_id, assigned_by_id=acting_user.pk, note=note, created_at=now
        )
        trail = f"Ditugaskan kepada {'Plt. ' if officer.is_acting else ''}{officer.title}" + (
            f": {note}" if note else "."
        )
        if report.status == Status.VERIFIED:
            _apply(report, acting_user_id=acting_user.pk, target=Status.IN_PROGRESS, note=trail)
        else:
            report_audit_write(report=report, acting_user_id=acting_user.pk, note=trail, at=now)
        notifications_send(
            recipient_ids=[assignee_id],
            report_id=report.pk,
            kind=EventKind.REPORT_ASSIGNED,
            context={
                "tracking_number": report.tracking_number,
                "category_code": report.category_code,
                "village_code": report.village_code,
                "assigned_by": acting_user.full_name or acting_user.email,
                "note": note,
            },
            dedup_key=f"assigned:{assignment.pk}",
        )
    return assignment


# A report already being worked may move to another unit of the same government.
UNIT_TRANSFERABLE_STATUSES = frozenset({Status.VERIFIED, Status.IN_PROGRESS, Status.REOPENED})


@tenant_scoped
def report_unit_transfer(*, acting_user: User, tracking_number: str, unit_id: int, note: str) -> Report:
    """Move a report being worked (verified, in progress or reopened) to another unit of the
    current government, saying why; the new unit's heads are notified.

    The actor must be allowed to act on the report (`report.act` for its handling unit, in
    warga.access.policy); like disposing, handing a report on needs no reach over the unit it
    goes to. The report keeps its status and its deadlines (the citizen's clock does not
    restart, docs/decisions/0075); the escalation steps that named the old unit's head now
    name the new one's (warga.routing.services.report_routing_unit_handover); a field officer
    of the old unit working on it is relieved (the assignment ends). The trail records both
    units and the reason, and routing's audit log the handover. Raises ReportNotFound (not in
    this schema), ActionForbidden, ReportInvalid (not being worked, no such unit here, an
    ended or external unit, the same unit, a missing or too long reason); nothing is written
    then.
    """
    if not acting_user.is_authenticated or not acting_user.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat memindahkan laporan.")
    note = note.strip()
    if not note:
        raise ReportInvalid.single("note", "note_required", "Tuliskan alasan laporan dipindahkan ke unit lain.")
    if len(note) > NOTE_MAX_LENGTH:
        raise ReportInvalid.single(
            "note", "too_long", f"Catatan paling panjang {NOTE_MAX_LENGTH} karakter (sekarang {len(note)})."
        )
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
        if report is None:
            raise ReportNotFound()
        _require_may_act(acting_user, report)
        if report.status not in UNIT_TRANSFERABLE_STATUSES:
            raise ReportInvalid.single(
                "report",
                "not_transferable",
                f"Laporan berstatus '{Status(report.status).label}' tidak sedang ditangani sebuah unit: "
                "laporan yang baru diterima atau ditunda didisposisikan lewat verifikasi.",
            )
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise ReportInvalid.single("unit_id", "unknown_unit", f"Unit {unit_id} tidak ada di pemerintah daerah ini.")
        if unit.ended_on is not None:
            raise ReportInvalid.single(
                "unit_id", "unit_ended", f"Unit {unit.name} sudah diakhiri ({unit.ended_on:%d-%m-%Y}); pilih unit lain."
            )
        if unit.kind == UnitKind.EXTERNAL:
            raise ReportInvalid.single(
                "unit_id",
                "external_unit",
                f"{unit.name} adalah organisasi luar: teruskan laporan kepadanya, laporan tetap ditangani di sini.",
            )
        from_unit_id = report_handling_unit_id(report=report)
        if unit.pk == from_unit_id:
            raise ReportInvalid.single("unit_id", "same_unit", f"Laporan ini sudah ditangani {unit.name}.")
        from_name = (
            Unit.objects.filter(pk=from_unit_id).values_list("name", flat=True).first() or ""
            if from_unit_id is not None
            else ""
        )
        now = timezone.now()
        relieved = ReportAssignment.objects.filter(report=report, ended_at__isnull=True).update(ended_at=now)
        report.unit = unit
        report.save(update_fields=["unit", "updated_at"])
        trail = f"Dipindahkan dari {from_name or 'pemerintah daerah'} ke {unit.name}: {note}"
        if relieved:
            trail += " (penugasan petugas lapangan unit lama diakhiri)"
        event = report_audit_write(report=report, acting_user_id=acting_user.pk, note=trail, at=now)
        handover = routing().report_routing_unit_handover(
            report=report, from_unit_id=from_unit_id, to_unit=unit, acting_user=acting_user.pk, now=now
        )
        zone = ZoneInfo(tenant_connection().tenant.time_zone)
        notifications_send(
            recipient_ids=handover.recipients,
            report_id=report.pk,
            kind=EventKind.REPORT_UNIT_TRANSFERRED,
            context={
                "tracking_number": report.tracking_number,
                "category_code": report.category_code,
                "village_code": report.village_code,
                "from_unit": from_name,
                "handling_unit": unit.name,
                "due_at": handover.running_due_at.astimezone(zone).strftime("%d-%m-%Y %H:%M %Z")
                if handover.running_due_at
                else "",
                "transferred_by": acting_user.full_name or acting_user.email,
                "note": note,
            },
            dedup_key=f"unit-transfer:{event.pk}",
        )
    return report
