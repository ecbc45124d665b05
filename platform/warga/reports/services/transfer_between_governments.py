"""Moving a report from one government's schema into another's: the report's three halves of
the one crossing. In the move's transaction the report is read and locked in the old schema
(`report_export_for_transfer`), recreated with its history in the new owner's
(`report_import_from_transfer`), and removed from the old one with a forwarding record
(`report_remove_after_transfer`). The move itself, which also points the public index to the
new owner, is `warga.intake.services.report_move` (and `report_transfer`, an official's
"bukan wewenang"); nothing else copies a report's rows between schemas.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from tenants.models import Government
from tenants.scope import tenant_scoped, tenant_scoped_to
from warga.errors import Defect
from warga.reports.errors import InvalidTransition, ReportNotFound
from warga.reports.lifecycle import Status, allowed_next, is_allowed
from warga.reports.models import (
    ExternalForward,
    Report,
    ReportAssignment,
    ReportComment,
    ReportEvent,
    ReportFollower,
    ReportForward,
    ReportInternalNote,
    ReportPhoto,
    ReportSupport,
)
from warga.reports.ports import routing
from warga.reports.services._outbox import _outbox_payload, _outbox_write
from warga.reports.services.audit import report_audit_write
from warga.reports.services.photo_storage import report_photos_queue


@dataclass(frozen=True)
class ReportSnapshot:
    report: Report
    events: list[ReportEvent]
    photos: list[ReportPhoto]
    supports: list[ReportSupport]
    comments: list[ReportComment]
    followers: list[ReportFollower]


@tenant_scoped
def report_export_for_transfer(*, tracking_number: str) -> ReportSnapshot:
    """Lock a report of the current schema and read everything that moves with it.

    Raises ReportNotFound, or InvalidTransition when its status does not allow a transfer.
    """
    if not connection.in_atomic_block:
        raise Defect("report_export_for_transfer must run inside the transfer's transaction.")
    report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
    if report is None:
        raise ReportNotFound()
    if not is_allowed(report.status, Status.TRANSFERRED):
        raise InvalidTransition(
            current=report.status, requested=Status.TRANSFERRED, allowed=[s.value for s in allowed_next(report.status)]
        )
    return ReportSnapshot(
        report=report,
        events=list(ReportEvent.objects.filter(report=report).order_by("at", "id")),
        photos=list(ReportPhoto.objects.filter(report=report).order_by("position")),
        supports=list(ReportSupport.objects.filter(report=report)),
        comments=list(ReportComment.objects.filter(report=report).order_by("created_at", "id")),
        followers=list(ReportFollower.objects.filter(report=report).order_by("id")),
    )


@tenant_scoped_to("government")
def report_import_from_transfer(
    *,
    government: Government,
    snapshot: ReportSnapshot,
    photo_paths: list[str],
    acting_user_id: uuid.UUID,
    note: str,
    from_name: str,
    now: datetime,
    thumbnail_paths: list[str] | None = None,
) -> Report:
    """Recreate a moved report in the current (new owner's) schema with its whole history,
    then record the transfer and the arrival; the new owner starts from `received` and routes
    it by its own active rules, with due times on its own calendar from `now`."""
    old = snapshot.report
    report = Report.objects.create(
        tracking_number=old.tracking_number,
        type=old.type,
        category_code=old.category_code,
        description=old.description,
        answers=old.answers,
        latitude=old.latitude,
        longitude=old.longitude,
        province_code=old.province_code,
        regency_code=old.regency_code,
        district_code=old.district_code,
        village_code=old.village_code,
        privacy=old.privacy,
        status=Status.RECEIVED,
        # Officials' judgement of urgency travels with the problem; the new owner may change it.
        priority=old.priority,
        reporter_id=old.reporter_id,
        support_count=old.support_count,
        rating=old.rating,
        rated_at=old.rated_at,
        created_at=old.created_at,
        status_changed_at=now,
    )
    # The whole trail travels: the new owner's officials and the reporter see what was done.
    for event in snapshot.events:
        report_audit_write(
            report=report,
            acting_user_id=event.actor_id,
            from_status=event.from_status,
            to_status=event.to_status,
            note=event.note,
            at=event.at,
        )
    report_audit_write(
        report=report,
        acting_user_id=acting_user_id,
        from_status=old.status,
        to_status=Status.TRANSFERRED,
        note=note,
        at=now,
    )
    report_audit_write(
        report=report,
        acting_user_id=None,
        from_status=Status.TRANSFERRED,
        to_status=Status.RECEIVED,
        note=f"Diterima dari {from_name}.",
        at=now,
    )
    ReportPhoto.objects.bulk_create(
        ReportPhoto(
            report=report,
            position=photo.position,
            path=path,
            width=photo.width,
            height=photo.height,
            size_bytes=photo.size_bytes,
            original_format=photo.original_format,
            sha256=photo.sha256,
            perceptual_hash=photo.perceptual_hash,
            kind=photo.kind,
            state=photo.state,
            thumbnail_path=thumbnail,
            captured_at=photo.captured_at,
            captured_latitude=photo.captured_latitude,
            captured_longitude=photo.captured_longitude,
            created_at=photo.created_at,
        )
        for photo, path, thumbnail in zip(
            snapshot.photos, photo_paths, thumbnail_paths or [""] * len(snapshot.photos), strict=True
        )
    )
    # A photo still waiting for its task moved with its original: it is processed here now
    # (the old government's task finds its row gone and stops).
    report_photos_queue(report=report)
    ReportSupport.objects.bulk_create(
        ReportSupport(report=report, user_id=support.user_id, created_at=support.created_at)
        for support in snapshot.supports
    )
    ReportComment.objects.bulk_create(
        ReportComment(
            report=report,
            author_id=comment.author_id,
            role=comment.role,
            body=comment.body,
            created_at=comment.created_at,
        )
        for comment in snapshot.comments
    )
    ReportFollower.objects.bulk_create(
        ReportFollower(
            report=report,
            user_id=follower.user_id,
            reason=follower.reason,
            from_tracking_number=follower.from_tracking_number,
            created_at=follower.created_at,
        )
        for follower in snapshot.followers
    )
    # Coming back to a government it once left: the old forwarding note no longer applies.
    ReportForward.objects.filter(tracking_number=report.tracking_number).delete()
    _outbox_write(
        aggregate_type="report",
        aggregate_id=report.pk,
        kind="report.transferred_in",
        # Supports move with the report: the new owner's first fact carries their count.
        payload=_outbox_payload(report, photo_count=len(snapshot.photos)) | {"support_count": report.support_count},
        created_at=now,
    )
    # The new owner's own rules decide who handles it, and its clocks start at the arrival.
    routing().report_route(report=report, start=now)
    return report


@tenant_scoped
def report_remove_after_transfer(
    *, snapshot: ReportSnapshot, to_government_id: int, acting_user_id: uuid.UUID, note: str, now: datetime
) -> None:
    """Remove a report that now lives in another schema and leave a forwarding record.

    Its audit trail was copied to the new owner first, in the same transaction; removing
    the rows here is the one place an audit event is ever deleted (a queryset delete, so
    the model's guard against editing history stays in force everywhere else).
    """
    report = snapshot.report
    # Internal notes, field assignments and forwards are this government's own work: they do
    # not travel (the copied trail still says what was done).
    ReportInternalNote.objects.filter(report=report).delete()
    ExternalForward.objects.filter(report=report).delete()
    ReportAssignment.objects.filter(report=report).delete()
    ReportSupport.objects.filter(report=report).delete()
    ReportFollower.objects.filter(report=report).delete()
    ReportComment.objects.filter(report=report).delete()
    ReportPhoto.objects.filter(report=report).delete()
    ReportEvent.objects.filter(report=report).delete()
    Report.objects.filter(pk=report.pk).delete()
    # Its pending escalation steps leave with it: nobody here is chased for it any more.
    routing().report_routing_forget(report_id=report.pk, to_government_id=to_government_id, now=now)
    ReportForward.objects.create(
        tracking_number=report.tracking_number,
        to_government_id=to_government_id,
        actor_id=acting_user_id,
        note=note,
        at=now,
    )
    _outbox_write(
        aggregate_type="report",
        aggregate_id=report.pk,
        kind="report.transferred_out",
        payload={
            "tracking_number": report.tracking_number,
            "to_government_id": to_government_id,
            "at": now.isoformat(),
        },
        created_at=now,
    )
