"""An official moves a report through its lifecycle, or changes its priority."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.accounts.models import User
from warga.organization.models import Unit
from warga.reports.errors import InvalidTransition, ReportInvalid, ReportNotFound
from warga.reports.lifecycle import NOTE_REQUIRED, OPEN_STATUSES, Status, allowed_next, is_allowed
from warga.reports.models import Priority, Report
from warga.reports.ports import routing
from warga.reports.services._common import NOTE_MAX_LENGTH, _apply, _require_may_act
from warga.reports.services.audit import report_audit_write


@tenant_scoped
def report_transition(
    *, acting_user: User, tracking_number: str, to_status: str, note: str = "", unit_id: int | None = None
) -> Report:
    """Move a report of the current government to `to_status`, recording who did it and why.

    Raises ReportNotFound when the report is not in this schema, ReportInvalid for a bad
    status name, a missing reason or an unknown unit, and InvalidTransition (with the
    allowed next statuses) when the lifecycle forbids the move, ActionForbidden when the
    actor may not act on the report (`report.act` for its handling unit, decided before the
    lifecycle is looked at). Nothing is written then. Disposing to a unit needs no reach
    over that unit: handing a report on gives no power over it.
    """
    if not acting_user.is_authenticated or not acting_user.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat mengubah laporan.")
    valid = {status.value for status in Status}
    if to_status not in valid:
        raise ReportInvalid.single(
            "to_status",
            "unknown_status",
            f"Status '{to_status}' tidak dikenal. Pilih salah satu: {', '.join(sorted(valid))}.",
        )
    target = Status(to_status)
    note = note.strip()
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
        if report is None:
            raise ReportNotFound()
        _require_may_act(acting_user, report)
        if not is_allowed(report.status, target):
            raise InvalidTransition(
                current=report.status, requested=target, allowed=[s.value for s in allowed_next(report.status)]
            )
        if target == Status.RESOLVED:
            raise ReportInvalid.single(
                "to_status",
                "proof_required",
                "Laporan hanya dapat dinyatakan selesai dengan foto bukti beserta waktu dan lokasi pengambilannya: "
                "gunakan aksi penyelesaian (resolve).",
            )
        if target == Status.MERGED:
            raise ReportInvalid.single(
                "to_status",
                "merge_required",
                "Laporan digabungkan melalui aksi penggabungan (merge) dengan nomor laporan tujuannya.",
            )
        if target in NOTE_REQUIRED and not note:
            raise ReportInvalid.single(
                "note", "note_required", f"Tuliskan alasannya: perubahan ke '{target.value}' wajib disertai catatan."
            )
        if len(note) > NOTE_MAX_LENGTH:
            raise ReportInvalid.single(
                "note", "too_long", f"Catatan paling panjang {NOTE_MAX_LENGTH} karakter (sekarang {len(note)})."
            )
        if unit_id is not None:
            if target != Status.VERIFIED:
                raise ReportInvalid.single(
                    "unit_id", "unit_not_expected", "Unit penanganan hanya ditetapkan saat verifikasi."
                )
            if not Unit.objects.filter(pk=unit_id).exists():
                raise ReportInvalid.single(
                    "unit_id", "unknown_unit", f"Unit {unit_id} tidak ada di pemerintah daerah ini."
                )
            report.unit_id = unit_id
            routing().routing_handling_unit_follow(report_id=report.pk, unit_id=unit_id)
        _apply(report, acting_user_id=acting_user.pk, target=target, note=note, unit_changed=unit_id is not None)
    return report


@tenant_scoped
def report_priority_set(*, acting_user: User, report_id: int, priority: str, note: str) -> Report:
    """Change the priority of an open report of the current government, saying why.

    The actor must be allowed to act on the report (`report.act` in warga.access.policy, for
    its handling unit); the change leaves an audit event naming the old and new priority and
    the reason. Setting the priority it already has writes nothing. Raises ReportNotFound
    when the report is not in this schema, ActionForbidden when the actor may not act on it,
    and ReportInvalid for an unknown priority, a missing or too long reason, or a report
    that is no longer open. Nothing is written then.

    The report is not routed again: routing decided once, on arrival, who owns the report,
    who was told and when each escalation step falls due; re-deciding it now would move work
    already started, restart the clocks and notify people a second time. Whoever wants
    another unit to handle it disposes (verifies) it to that unit or transfers it. Rules
    with a priority condition therefore apply to new reports, through their category's
    default priority.

    No outbox event either: the national read model has no priority to update, and its relay
    only logs and skips kinds it does not know. The report's first fact carries the priority.
    """
    if not acting_user.is_authenticated or not acting_user.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat mengubah laporan.")
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise ReportNotFound()
        _require_may_act(acting_user, report)
        if priority not in Priority.values:
            raise ReportInvalid.single(
                "priority",
                "unknown_priority",
                f"Prioritas '{priority}' tidak dikenal. Pilih salah satu: {', '.join(Priority.values)}.",
            )
        note = note.strip()
        if not note:
            raise ReportInvalid.single("note", "note_required", "Tuliskan alasan perubahan prioritas.")
        if len(note) > NOTE_MAX_LENGTH:
            raise ReportInvalid.single(
                "note", "too_long", f"Catatan paling panjang {NOTE_MAX_LENGTH} karakter (sekarang {len(note)})."
            )
        if report.status not in OPEN_STATUSES:
            raise ReportInvalid.single(
                "report",
                "not_open",
                f"Laporan ini sudah tidak terbuka ({report.status}), sehingga prioritasnya tidak dapat diubah.",
            )
        if report.priority == priority:
            return report
        before = Priority(report.priority)
        after = Priority(priority)
        report.priority = after
        report.save(update_fields=["priority", "updated_at"])
        # The status does not change; the trail still says who changed the priority and why.
        report_audit_write(
            report=report,
            acting_user_id=acting_user.pk,
            note=f"Prioritas diubah dari {before.label.lower()} ke {after.label.lower()}: {note}",
            at=timezone.now(),
        )
    return report
