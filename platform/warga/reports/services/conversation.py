"""Words on a report: the public thread (citizens and officials) and officials' internal
notes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.accounts.models import User
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.models import CommentRole, Report, ReportComment, ReportInternalNote
from warga.reports.selectors import report_get_for_actor
from warga.reports.services._common import _require_may_act
from warga.reports.services.audit import report_audit_write

COMMENT_MAX_LENGTH = 2000


@tenant_scoped
def report_comment_add(*, acting_user: User, report_id: int, body: str, as_official: bool) -> ReportComment:
    """Add a message to a report's thread in the current schema. Citizens write from the
    shared app (the reporter is marked as such), officials from their government's host
    (`as_official`: ActionForbidden unless `report.act` for the report's handling unit)."""
    body = body.strip()
    if not body:
        raise ReportInvalid.single("body", "required", "Tulis isi komentarnya.")
    if len(body) > COMMENT_MAX_LENGTH:
        raise ReportInvalid.single(
            "body", "too_long", f"Komentar paling panjang {COMMENT_MAX_LENGTH} karakter (sekarang {len(body)})."
        )
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        raise ReportNotFound()
    if as_official:
        # Speaking for the government in the thread is acting on the report.
        _require_may_act(acting_user, report)
        role = CommentRole.OFFICIAL
    else:
        role = CommentRole.REPORTER if report.reporter_id == acting_user.pk else CommentRole.CITIZEN
    return ReportComment.objects.create(
        report=report, author_id=acting_user.pk, role=role, body=body, created_at=timezone.now()
    )


INTERNAL_NOTE_MAX_LENGTH = 2000


@tenant_scoped
def report_note_add(*, acting_user: User, tracking_number: str, body: str) -> ReportInternalNote:
    """Add an internal note to a report of the current government: read by its officials only.

    Anyone who may view the report (`report.view`, as `report_get_for_actor` decides: its
    handling unit, or the village it lies in) may write one; leadership included, since a
    note changes nothing in the report. Leaves an audit event on the report's trail that
    says a note was added, without its text (the trail's status entries are public). Raises
    ReportNotFound when the number is not in this schema, ActionForbidden when the actor may
    not view the report, ReportInvalid for an empty or too long note; nothing is written then.
    """
    if not acting_user.is_authenticated or not acting_user.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat menulis catatan.")
    if report_get_for_actor(actor=acting_user, tracking_number=tracking_number) is None:
        raise ReportNotFound()
    body = body.strip()
    if not body:
        raise ReportInvalid.single("body", "required", "Tulis isi catatan internalnya.")
    if len(body) > INTERNAL_NOTE_MAX_LENGTH:
        raise ReportInvalid.single(
            "body",
            "too_long",
            f"Catatan internal paling panjang {INTERNAL_NOTE_MAX_LENGTH} karakter (sekarang {len(body)}).",
        )
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
        if report is None:
            raise ReportNotFound()
        now = timezone.now()
        note = ReportInternalNote.objects.create(report=report, author_id=acting_user.pk, body=body, created_at=now)
        report_audit_write(
            report=report,
            acting_user_id=acting_user.pk,
            note="Catatan internal ditambahkan.",
            at=now,
        )
    return note
