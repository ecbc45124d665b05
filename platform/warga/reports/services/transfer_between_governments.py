"""Moving a report from one government's schema into another's: the one crossing.

`report_transfer` is an official's "bukan wewenang" (not this government's authority);
`report_move` is the move itself, also used by the national triage desk for its assignments
and for a government taking an offered report. In one transaction the report is read and
locked in the old schema (`report_export_for_transfer`), recreated with its history in the
new owner's (`report_import_from_transfer`), removed from the old one with a forwarding
record (`report_remove_after_transfer`), and the public index points to the new owner.
Nothing else copies a report's rows between schemas.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tenants.scope import any_scope, tenant_scoped, tenant_scoped_to
from tenants.selectors import government_national
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.errors import Defect
from warga.intake.models import ReportIndex
from warga.reports.errors import FieldError, InvalidTransition, ReportInvalid, ReportNotFound
from warga.reports.lifecycle import Status, allowed_next, is_allowed
from warga.reports.models import (
    ExternalForward,
    PhotoState,
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
from warga.reports.selectors import report_handling_unit_id, reports_by_ids
from warga.reports.services._common import NATIONAL_OWNER_CODE
from warga.reports.services._outbox import _outbox_payload, _outbox_write
from warga.reports.services.audit import report_audit_write
from warga.reports.services.photo_storage import QUARANTINE_PREFIX, photo_files_discard, report_photos_queue
from warga.routing.services import report_route, report_routing_forget


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
    report_route(report=report, start=now)
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
    report_routing_forget(report_id=report.pk, to_government_id=to_government_id, now=now)
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


@dataclass(frozen=True)
class TransferOutcome:
    tracking_number: str
    from_government: Government
    to_government: Government
    status: str


@any_scope
def report_transfer(
    *, acting_user: User, tracking_number: str, from_government: Government, to_government_code: str, note: str
) -> TransferOutcome:
    """An official says a report is not `from_government`'s authority ("bukan wewenang") and
    moves it to another government, or to the national triage desk (`to_government_code` "NAS").

    A report of another government (or none) is ReportNotFound; then the actor must be
    allowed to act on the report where it is (`report.act` in warga.access.policy, for its
    handling unit), else ActionForbidden, before the input is looked at. The move itself is
    `report_move`; nothing is written when either refuses.
    """
    entry = ReportIndex.objects.filter(tracking_number=tracking_number, government=from_government).first()
    if entry is None:
        raise ReportNotFound()
    with government_context(from_government):
        report = reports_by_ids(report_ids=[entry.report_id]).first()
        if report is None:
            raise ReportNotFound()
        policy_require(
            actor=acting_user,
            government=from_government,
            action=Action.REPORT_ACT,
            unit_id=report_handling_unit_id(report=report),
        )
    return report_move(
        acting_user=acting_user,
        tracking_number=tracking_number,
        from_government=from_government,
        to_government_code=to_government_code,
        note=note,
    )


@any_scope
def report_move(
    *, acting_user: User, tracking_number: str, from_government: Government, to_government_code: str, note: str
) -> TransferOutcome:
    """Move a report from `from_government` to another government, or to the national triage
    desk (`to_government_code` "NAS"), recording `acting_user` and `note` on both sides.

    Who may is the caller's decision, taken before: `report_transfer` for an official's
    "bukan wewenang" (`report.act`), the triage desk's services for its assignments
    (`triage.act`) and for a government taking an offered report (`offer.decide`, by an
    official who holds no seat at the desk). The one way a report's data crosses between
    schemas. In ONE transaction: the report,
    its history, photos and supports are recreated in the new owner's schema (it keeps its
    tracking number and starts there as `received`), removed from the old one with a
    forwarding record left behind, and the public index points to the new owner. Photo files
    are copied under the new owner's prefix first (removed again if anything fails) and the
    old copies deleted after the commit. A report of another government is ReportNotFound.
    """
    # Another government's report answers 404 before anything else is looked at.
    entry = ReportIndex.objects.filter(tracking_number=tracking_number, government=from_government).first()
    if entry is None:
        raise ReportNotFound()
    note = note.strip()
    errors: dict[str, list[FieldError]] = {}
    if not acting_user.is_authenticated or not acting_user.is_active:
        errors["actor"] = [FieldError("inactive", "Akun yang tidak aktif tidak dapat mengalihkan laporan.")]
    if not note:
        errors["note"] = [FieldError("note_required", "Tuliskan mengapa laporan ini bukan wewenang pemerintah ini.")]
    target = (
        government_national()
        if to_government_code == NATIONAL_OWNER_CODE
        else Government.objects.filter(code=to_government_code).first()
    )
    if target is None or not target.is_ready:
        errors["to_government_code"] = [
            FieldError(
                "unknown_government",
                f"Pemerintah '{to_government_code}' belum terdaftar di Warga atau belum siap. Pilih yang lain, "
                "atau alihkan ke meja triase nasional (NAS).",
            )
        ]
    elif target.pk == from_government.pk:
        errors["to_government_code"] = [FieldError("same_government", "Laporan sudah berada di pemerintah ini.")]
    if errors:
        raise ReportInvalid(errors)
    assert target is not None

    copied: list[str] = []
    photo_paths: list[str] = []
    thumbnail_paths: list[str] = []

    def copy(path: str, name: str) -> str:
        with default_storage.open(path, "rb") as source:
            copied.append(default_storage.save(name, ContentFile(source.read())))
        return copied[-1]

    try:
        with transaction.atomic():
            now = timezone.now()
            with government_context(from_government):
                snapshot = report_export_for_transfer(tracking_number=tracking_number)
                for photo in snapshot.photos:
                    stem = uuid.uuid4().hex
                    # An original still waiting for its task stays in quarantine on the new side.
                    waiting = photo.state == PhotoState.PROCESSING
                    name = f"{QUARANTINE_PREFIX}/{target.schema_name}/{stem}" if waiting else None
                    photo_paths.append(copy(photo.path, name or f"reports/{target.schema_name}/{stem}.jpg"))
                    thumbnail_paths.append(
                        copy(photo.thumbnail_path, f"reports/{target.schema_name}/{stem}-kecil.jpg")
                        if photo.thumbnail_path
                        else ""
                    )
            with government_context(target):
                moved = report_import_from_transfer(
                    government=target,
                    snapshot=snapshot,
                    photo_paths=photo_paths,
                    thumbnail_paths=thumbnail_paths,
                    acting_user_id=acting_user.pk,
                    note=note,
                    from_name=from_government.name,
                    now=now,
                )
            with government_context(from_government):
                report_remove_after_transfer(
                    snapshot=snapshot, to_government_id=target.pk, acting_user_id=acting_user.pk, note=note, now=now
                )
            ReportIndex.objects.filter(pk=entry.pk).update(government=target, report_id=moved.pk, status=moved.status)
            old_paths = [path for photo in snapshot.photos for path in (photo.path, photo.thumbnail_path) if path]
            transaction.on_commit(lambda: photo_files_discard(paths=old_paths))
    except BaseException:
        photo_files_discard(paths=copied)
        raise
    return TransferOutcome(
        tracking_number=tracking_number, from_government=from_government, to_government=target, status=moved.status
    )
