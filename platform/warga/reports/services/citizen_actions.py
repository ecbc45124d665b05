"""What a citizen can do to a report, inside the schema that owns it: support it ("saya
juga"), rate its resolution, and, as its reporter, dispute the resolution or withdraw
it. The shared app reaches them through `warga.intake.services.citizen_actions`, which
finds the owning schema first."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.accounts.models import User
from warga.reports.errors import InvalidTransition, ReportInvalid, ReportNotFound
from warga.reports.lifecycle import OPEN_STATUSES, Status, allowed_next, is_allowed
from warga.reports.models import Report, ReportEvent, ReportSupport
from warga.reports.ports import routing
from warga.reports.services._common import NOTE_MAX_LENGTH, _apply
from warga.reports.services._outbox import _outbox_write


@tenant_scoped
def report_support_add(*, acting_user: User, report_id: int) -> tuple[int, bool]:
    """Record `acting_user`'s "saya juga" on a report of the current schema.

    Returns (support count, whether this call added it). Once per citizen, decided by the
    unique constraint; the count moves with F() so concurrent supports are not lost. Refused
    for the reporter's own report and for reports that are no longer open.
    """
    with transaction.atomic():
        report = Report.objects.filter(pk=report_id).first()
        if report is None:
            raise ReportNotFound()
        if report.reporter_id == acting_user.pk:
            raise ReportInvalid.single(
                "report", "own_report", "Laporan ini laporan Anda sendiri; dukungan hanya untuk laporan warga lain."
            )
        if report.status not in OPEN_STATUSES:
            raise ReportInvalid.single(
                "report", "not_open", "Laporan ini sudah tidak terbuka, sehingga tidak dapat didukung lagi."
            )
        _, created = ReportSupport.objects.get_or_create(
            report=report, user_id=acting_user.pk, defaults={"created_at": timezone.now()}
        )
        if created:
            Report.objects.filter(pk=report.pk).update(support_count=F("support_count") + 1)
        count = Report.objects.values_list("support_count", flat=True).get(pk=report.pk)
        if created:
            # The count after this support, for the national read model (which keeps the
            # largest count it has seen, so events relayed out of order do no harm).
            now = timezone.now()
            _outbox_write(
                aggregate_type="report",
                aggregate_id=report.pk,
                kind="report.supported",
                payload={"tracking_number": report.tracking_number, "support_count": count, "at": now.isoformat()},
                created_at=now,
            )
    return count, created


@tenant_scoped
def report_rate(*, acting_user: User, report_id: int, score: int) -> Report:
    """The reporter rates the resolution of their report, 1 to 5, once, after it is resolved."""
    if not 1 <= score <= 5:
        raise ReportInvalid.single("score", "out_of_range", "Beri nilai 1 sampai 5.")
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.reporter_id != acting_user.pk:
            raise ReportNotFound()
        if report.status not in (Status.RESOLVED, Status.CLOSED):
            raise ReportInvalid.single(
                "report", "not_resolved", "Penanganan baru dapat dinilai setelah laporan dinyatakan selesai."
            )
        if report.rating is not None:
            raise ReportInvalid.single("report", "already_rated", f"Laporan ini sudah Anda nilai ({report.rating}).")
        now = timezone.now()
        report.rating = score
        report.rated_at = now
        report.save(update_fields=["rating", "rated_at", "updated_at"])
        _outbox_write(
            aggregate_type="report",
            aggregate_id=report.pk,
            kind="report.rated",
            payload={"tracking_number": report.tracking_number, "rating": score, "at": now.isoformat()},
            created_at=now,
        )
    return report


DISPUTE_WINDOW = timedelta(days=7)
WITHDRAW_WINDOW = timedelta(minutes=15)


@tenant_scoped
def report_reporter_action(*, acting_user: User, report_id: int, action: str, note: str = "") -> Report:
    """The reporter's own moves on a report of the current schema: `dispute` (reopens a
    resolved or closed report within 7 days of its resolution) or `withdraw` (within 15
    minutes of submitting, before anyone acted on it). Anyone else gets ReportNotFound.
    A dispute also hands the report to the supervisor of its handling unit (routing's
    report_dispute_escalate), in the same transaction."""
    note = note.strip()
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.reporter_id != acting_user.pk:
            raise ReportNotFound()
        target = {"dispute": Status.REOPENED, "withdraw": Status.WITHDRAWN}[action]
        if not is_allowed(report.status, target, by_reporter=True):
            raise InvalidTransition(
                current=report.status,
                requested=target,
                allowed=[s.value for s in allowed_next(report.status, by_reporter=True)],
            )
        now = timezone.now()
        disputed_resolution_id: int | None = None
        if action == "dispute":
            if not note:
                raise ReportInvalid.single("note", "note_required", "Tuliskan mengapa penanganannya belum selesai.")
            if len(note) > NOTE_MAX_LENGTH:
                raise ReportInvalid.single(
                    "note", "too_long", f"Catatan paling panjang {NOTE_MAX_LENGTH} karakter (sekarang {len(note)})."
                )
            resolution = (
                ReportEvent.objects.filter(report=report, to_status=Status.RESOLVED)
                .order_by("-at", "-id")
                .values_list("id", "at")
                .first()
            )
            if resolution is None or now - resolution[1] > DISPUTE_WINDOW:
                raise ReportInvalid.single(
                    "report",
                    "dispute_window_closed",
                    "Sanggahan hanya dapat diajukan dalam 7 hari setelah laporan dinyatakan selesai. Kirim laporan baru "
                    "bila masalahnya muncul lagi.",
                )
            disputed_resolution_id = resolution[0]
        elif now - report.created_at > WITHDRAW_WINDOW:
            raise ReportInvalid.single(
                "report",
                "withdraw_window_closed",
                "Laporan hanya dapat dicabut dalam 15 menit setelah dikirim.",
            )
        _apply(report, acting_user_id=acting_user.pk, target=target, note=note)
        if disputed_resolution_id is not None:
            # The resolution being disputed names the escalation, so it happens once per resolution.
            routing().report_dispute_escalate(
                report_id=report.pk, resolution_event_id=disputed_resolution_id, acting_user=acting_user.pk, now=now
            )
    return report
