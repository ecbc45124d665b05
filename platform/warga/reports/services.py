"""Writes to reports in the current government's schema.

Every function here runs inside one government's schema (the caller enters it with
`tenants.context.government_context`) and refuses to run in public. Every change to a
report takes the acting user, runs in one transaction with the row locked, and leaves an
audit event and an outbox event for the national read model.
"""

from __future__ import annotations

import logging
import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F, Func, IntegerField, Value
from django.utils import timezone

from tenants.context import current_schema, in_public_schema, tenant_connection
from tenants.models import Government
from tenants.tasks import send_on_commit
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.errors import Defect, WrongScope
from warga.intake.models import ReportIndex
from warga.notifications.models import EventKind
from warga.notifications.services import notifications_report_status_changed, notifications_send
from warga.organization.models import Unit, UnitKind
from warga.organization.selectors import field_officers_of, today_in
from warga.outbox.services import outbox_write as _outbox_write
from warga.reports.errors import FieldError, InvalidTransition, ReportInvalid, ReportNotFound
from warga.reports.lifecycle import NOTE_REQUIRED, OPEN_STATUSES, Status, allowed_next, is_allowed
from warga.reports.models import (
    CommentRole,
    ExternalForward,
    FollowReason,
    PhotoKind,
    PhotoState,
    Priority,
    Privacy,
    Report,
    ReportAssignment,
    ReportComment,
    ReportEvent,
    ReportFollower,
    ReportForward,
    ReportInternalNote,
    ReportPhoto,
    ReportSupport,
    ResponseTemplate,
    TrackingCounter,
)
from warga.reports.photos import (
    CheckedPhoto,
    ProcessedPhoto,
    Readable,
    photo_process,
    photo_thumbnail,
    photos_process,
)
from warga.reports.selectors import photos_waiting_for_their_task, report_get_for_actor, report_handling_unit_id
from warga.reports.tasks import photo_process_task
from warga.routing.services import (
    report_dispute_escalate,
    report_route,
    report_routing_forget,
    report_routing_unit_handover,
    routing_handling_unit_follow,
    routing_report_open_set,
)
from warga.taxonomy.selectors import category_get
from warga.webhooks.services import webhook_for_unit, webhook_forward_record

NATIONAL_OWNER_CODE = "NAS"
NOTE_MAX_LENGTH = 2000


def _require_schema_of(government: Government | None = None) -> None:
    if in_public_schema() or (government is not None and current_schema() != government.schema_name):
        expected = government.schema_name if government is not None else "a government's schema"
        raise WrongScope(f"Report services run inside {expected}, not in {current_schema()!r}.")


logger = logging.getLogger(__name__)


def owner_code(*, government: Government) -> str:
    """The tracking-number prefix: the Kemendagri code, or NAS for the national triage desk."""
    return government.code or NATIONAL_OWNER_CODE


def tracking_number_next(*, government: Government, year: int) -> str:
    """Allocate the next tracking number of `year` in the current schema: `32.73-2026-000123`.

    Must run inside the caller's transaction: the counter row stays locked until it commits,
    which serialises concurrent submissions to one government and leaves no gap when one of
    them rolls back.
    """
    _require_schema_of(government)
    if not connection.in_atomic_block:
        raise Defect("tracking_number_next must run inside the submitting transaction.")
    table = TrackingCounter._meta.db_table
    with connection.cursor() as cursor:
        # One statement: the year's first report creates the row, later ones lock and count.
        cursor.execute(
            f"INSERT INTO {table} AS counter (year, last_value) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last_value = counter.last_value + 1 RETURNING last_value",
            [year],
        )
        (value,) = cursor.fetchone()
    return f"{owner_code(government=government)}-{year}-{value:06d}"


@dataclass(frozen=True)
class NewReport:
    """What intake has validated and resolved, ready to be written into the owner's schema."""

    type: str
    category_code: str
    description: str
    latitude: float
    longitude: float
    province_code: str
    regency_code: str
    district_code: str
    village_code: str
    privacy: str
    # The category questions' answers as `warga.taxonomy.questions.validate_answers` cleaned them.
    answers: dict[str, object] = field(default_factory=dict)


def _outbox_payload(report: Report, *, photo_count: int) -> dict[str, object]:
    # Codes and statuses only: no description, coordinates or identity leave the schema.
    return {
        "tracking_number": report.tracking_number,
        "type": report.type,
        "category_code": report.category_code,
        "province_code": report.province_code,
        "regency_code": report.regency_code,
        "district_code": report.district_code,
        "village_code": report.village_code,
        "privacy": report.privacy,
        "status": report.status,
        "priority": report.priority,
        "photos": photo_count,
        "created_at": report.created_at.isoformat(),
    }


@dataclass(frozen=True)
class StoredPhoto:
    photo: ProcessedPhoto | CheckedPhoto
    path: str


# Originals waiting for the photo task: a prefix no view ever serves from (a photo is served
# only when its row says ready, and then from its clean copy under `reports/`).
QUARANTINE_PREFIX = "quarantine"


def photo_files_store(*, government: Government, photos: Sequence[ProcessedPhoto | CheckedPhoto]) -> list[StoredPhoto]:
    """Write photos under the government's own prefix, before the report's transaction; the
    caller discards them with `photo_files_discard` if it rolls back. Checked originals (with
    their metadata) go to quarantine, processed photos to where they are served from."""
    stored: list[StoredPhoto] = []
    name = ""
    try:
        for photo in photos:
            if isinstance(photo, CheckedPhoto):
                name = f"{QUARANTINE_PREFIX}/{government.schema_name}/{uuid.uuid4().hex}"
            else:
                name = f"reports/{government.schema_name}/{uuid.uuid4().hex}.jpg"
            stored.append(StoredPhoto(photo=photo, path=default_storage.save(name, ContentFile(photo.content))))
            name = ""
    except BaseException:
        # A write that failed half way (a full disk) leaves its partial file under `name`:
        # unique (a fresh uuid), so it is this call's own to remove.
        photo_files_discard(paths=[s.path for s in stored] + ([name] if name else []))
        raise
    return stored


def photo_files_discard(*, paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)  # a name that was never written is no error


def report_create(
    *,
    government: Government,
    reporter_id: uuid.UUID,
    data: NewReport,
    tracking_number: str,
    now: datetime,
    priority: str,
    photos: list[StoredPhoto] | None = None,
    queue_photos: bool = False,
) -> Report:
    """Write a submitted report, its photos' rows, its first audit event and its outbox event,
    and route it (with `priority`, its category's default, among the rule conditions). With
    `queue_photos`, the photos' processing is queued for the commit (report_photos_queue).

    Called by intake inside its transaction, in `government`'s schema; validation and
    idempotency are intake's job.
    """
    _require_schema_of(government)
    report = Report.objects.create(
        tracking_number=tracking_number,
        type=data.type,
        category_code=data.category_code,
        description=data.description,
        answers=data.answers,
        latitude=data.latitude,
        longitude=data.longitude,
        province_code=data.province_code,
        regency_code=data.regency_code,
        district_code=data.district_code,
        village_code=data.village_code,
        privacy=data.privacy,
        status=Status.RECEIVED,
        priority=priority,
        reporter_id=reporter_id,
        created_at=now,
        status_changed_at=now,
    )
    created_photos = ReportPhoto.objects.bulk_create(
        ReportPhoto(
            report=report,
            position=position,
            path=stored.path,
            width=stored.photo.width,
            height=stored.photo.height,
            size_bytes=len(stored.photo.content),
            original_format=stored.photo.original_format,
            sha256=stored.photo.sha256,
            perceptual_hash=stored.photo.perceptual_hash,
            created_at=now,
        )
        for position, stored in enumerate(photos or [], start=1)
    )
    ReportEvent.objects.create(report=report, actor_id=reporter_id, from_status="", to_status=Status.RECEIVED, at=now)
    _outbox_write(
        aggregate_type="report",
        aggregate_id=report.pk,
        kind="report.submitted",
        payload=_outbox_payload(report, photo_count=len(photos or [])),
        created_at=now,
    )
    report_route(report=report, new=True)
    if queue_photos:
        report_photos_queue(report=report, photo_ids=[photo.pk for photo in created_photos])
    return report


def index_map_fields(*, report: Report) -> dict[str, object]:
    """The public index's PII-free copy of a report for the public map: no reporter, no
    description, and no location for `rahasia` (the public may not see it at all)."""
    hidden = report.privacy == Privacy.RAHASIA
    return {
        "type": report.type,
        "category_code": report.category_code,
        "privacy": report.privacy,
        "status": report.status,
        "latitude": None if hidden else report.latitude,
        "longitude": None if hidden else report.longitude,
    }


def _index_status_sync(report: Report) -> None:
    # Same transaction as the change: the public map never shows a status the report left.
    # The index table lives in public, which a government's connection also searches.
    ReportIndex.objects.filter(tracking_number=report.tracking_number).update(status=report.status)


def _apply(report: Report, *, actor_id: uuid.UUID, target: Status, note: str, unit_changed: bool = False) -> None:
    """Write a checked status change of a locked report: the row, its audit event, its outbox event."""
    now = timezone.now()
    from_status = report.status
    report.status = target
    report.status_changed_at = now
    report.save(update_fields=["status", "status_changed_at", "updated_at", *(["unit"] if unit_changed else [])])
    ReportEvent.objects.create(
        report=report, actor_id=actor_id, from_status=from_status, to_status=target, note=note, at=now
    )
    _outbox_write(
        aggregate_type="report",
        aggregate_id=report.pk,
        kind="report.status_changed",
        payload={
            "tracking_number": report.tracking_number,
            "from_status": from_status,
            "to_status": target.value,
            "at": now.isoformat(),
        },
        created_at=now,
    )
    _index_status_sync(report)
    if (from_status in OPEN_STATUSES) != (target in OPEN_STATUSES):
        routing_report_open_set(report_id=report.pk, is_open=target in OPEN_STATUSES)
    notifications_report_status_changed(report=report, from_status=from_status, at=now)


def _require_may_act(actor: User, report: Report) -> None:
    """ActionForbidden unless `actor` may act on `report` (`report.act` for its handling unit).
    Asked with the row locked, before anything is written: a refusal changes nothing."""
    policy_require(
        actor=actor,
        government=tenant_connection().tenant,
        action=Action.REPORT_ACT,
        unit_id=report_handling_unit_id(report=report),
    )


def report_transition(
    *, actor: User, tracking_number: str, to_status: str, note: str = "", unit_id: int | None = None
) -> Report:
    """Move a report of the current government to `to_status`, recording who did it and why.

    Raises ReportNotFound when the report is not in this schema, ReportInvalid for a bad
    status name, a missing reason or an unknown unit, and InvalidTransition (with the
    allowed next statuses) when the lifecycle forbids the move, ActionForbidden when the
    actor may not act on the report (`report.act` for its handling unit, decided before the
    lifecycle is looked at). Nothing is written then. Disposing to a unit needs no reach
    over that unit: handing a report on gives no power over it.
    """
    _require_schema_of()
    if not actor.is_authenticated or not actor.is_active:
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
        _require_may_act(actor, report)
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
            routing_handling_unit_follow(report_id=report.pk, unit_id=unit_id)
        _apply(report, actor_id=actor.pk, target=target, note=note, unit_changed=unit_id is not None)
    return report


def report_priority_set(*, actor: User, report_id: int, priority: str, note: str) -> Report:
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
    _require_schema_of()
    if not actor.is_authenticated or not actor.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat mengubah laporan.")
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise ReportNotFound()
        _require_may_act(actor, report)
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
        ReportEvent.objects.create(
            report=report,
            actor_id=actor.pk,
            from_status=report.status,
            to_status=report.status,
            note=f"Prioritas diubah dari {before.label.lower()} ke {after.label.lower()}: {note}",
            at=timezone.now(),
        )
    return report


def report_support_add(*, supporter: User, report_id: int) -> tuple[int, bool]:
    """Record `supporter`'s "saya juga" on a report of the current schema.

    Returns (support count, whether this call added it). Once per citizen, decided by the
    unique constraint; the count moves with F() so concurrent supports are not lost. Refused
    for the reporter's own report and for reports that are no longer open.
    """
    _require_schema_of()
    with transaction.atomic():
        report = Report.objects.filter(pk=report_id).first()
        if report is None:
            raise ReportNotFound()
        if report.reporter_id == supporter.pk:
            raise ReportInvalid.single(
                "report", "own_report", "Laporan ini laporan Anda sendiri; dukungan hanya untuk laporan warga lain."
            )
        if report.status not in OPEN_STATUSES:
            raise ReportInvalid.single(
                "report", "not_open", "Laporan ini sudah tidak terbuka, sehingga tidak dapat didukung lagi."
            )
        _, created = ReportSupport.objects.get_or_create(
            report=report, user_id=supporter.pk, defaults={"created_at": timezone.now()}
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


def report_rate(*, reporter: User, report_id: int, score: int) -> Report:
    """The reporter rates the resolution of their report, 1 to 5, once, after it is resolved."""
    _require_schema_of()
    if not 1 <= score <= 5:
        raise ReportInvalid.single("score", "out_of_range", "Beri nilai 1 sampai 5.")
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.reporter_id != reporter.pk:
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


COMMENT_MAX_LENGTH = 2000


def report_comment_add(*, author: User, report_id: int, body: str, as_official: bool) -> ReportComment:
    """Add a message to a report's thread in the current schema. Citizens write from the
    shared app (the reporter is marked as such), officials from their government's host
    (`as_official`: ActionForbidden unless `report.act` for the report's handling unit)."""
    _require_schema_of()
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
        _require_may_act(author, report)
        role = CommentRole.OFFICIAL
    else:
        role = CommentRole.REPORTER if report.reporter_id == author.pk else CommentRole.CITIZEN
    return ReportComment.objects.create(
        report=report, author_id=author.pk, role=role, body=body, created_at=timezone.now()
    )


DISPUTE_WINDOW = timedelta(days=7)
WITHDRAW_WINDOW = timedelta(minutes=15)


def report_reporter_action(*, reporter: User, report_id: int, action: str, note: str = "") -> Report:
    """The reporter's own moves on a report of the current schema: `dispute` (reopens a
    resolved or closed report within 7 days of its resolution) or `withdraw` (within 15
    minutes of submitting, before anyone acted on it). Anyone else gets ReportNotFound.
    A dispute also hands the report to the supervisor of its handling unit (routing's
    report_dispute_escalate), in the same transaction."""
    _require_schema_of()
    note = note.strip()
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.reporter_id != reporter.pk:
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
        _apply(report, actor_id=reporter.pk, target=target, note=note)
        if disputed_resolution_id is not None:
            # The resolution being disputed names the escalation, so it happens once per resolution.
            report_dispute_escalate(
                report_id=report.pk, resolution_event_id=disputed_resolution_id, acting_user=reporter.pk, now=now
            )
    return report


# --- Moving a report between governments ----------------------------------------------------
# These run on either side of `warga.intake.services.report_transfer`, the one service through
# which a report's data crosses from one government's schema into another's.


@dataclass(frozen=True)
class ReportSnapshot:
    report: Report
    events: list[ReportEvent]
    photos: list[ReportPhoto]
    supports: list[ReportSupport]
    comments: list[ReportComment]
    followers: list[ReportFollower]


def report_export_for_transfer(*, tracking_number: str) -> ReportSnapshot:
    """Lock a report of the current schema and read everything that moves with it.

    Raises ReportNotFound, or InvalidTransition when its status does not allow a transfer.
    """
    _require_schema_of()
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


def report_import_from_transfer(
    *,
    government: Government,
    snapshot: ReportSnapshot,
    photo_paths: list[str],
    actor_id: uuid.UUID,
    note: str,
    from_name: str,
    now: datetime,
    thumbnail_paths: list[str] | None = None,
) -> Report:
    """Recreate a moved report in the current (new owner's) schema with its whole history,
    then record the transfer and the arrival; the new owner starts from `received` and routes
    it by its own active rules, with due times on its own calendar from `now`."""
    _require_schema_of(government)
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
    ReportEvent.objects.bulk_create(
        [
            ReportEvent(
                report=report,
                actor_id=event.actor_id,
                from_status=event.from_status,
                to_status=event.to_status,
                note=event.note,
                at=event.at,
            )
            for event in snapshot.events
        ]
        + [
            ReportEvent(
                report=report,
                actor_id=actor_id,
                from_status=old.status,
                to_status=Status.TRANSFERRED,
                note=note,
                at=now,
            ),
            ReportEvent(
                report=report,
                actor_id=None,
                from_status=Status.TRANSFERRED,
                to_status=Status.RECEIVED,
                note=f"Diterima dari {from_name}.",
                at=now,
            ),
        ]
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


def report_remove_after_transfer(
    *, snapshot: ReportSnapshot, to_government_id: int, actor_id: uuid.UUID, note: str, now: datetime
) -> None:
    """Remove a report that now lives in another schema and leave a forwarding record.

    Its audit trail was copied to the new owner first, in the same transaction; removing
    the rows here is the one place an audit event is ever deleted (a queryset delete, so
    the model's guard against editing history stays in force everywhere else).
    """
    _require_schema_of()
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
        tracking_number=report.tracking_number, to_government_id=to_government_id, actor_id=actor_id, note=note, at=now
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


# --- Resolution with proof ------------------------------------------------------------------
# Qlue's lesson: officials reused one "after" photo for several reports with only the date
# changed. A resolution therefore needs proof photos taken near the report, after it was
# sent, and not resembling any earlier proof photo of this government.

DEFAULT_PROOF_MAX_DISTANCE_M = 200.0
# Hamming distance (of 64 bits) up to which two difference hashes count as the same picture.
PROOF_REUSE_MAX_BITS = 6
# Clock drift allowed between the official's device and the server.
PROOF_CLOCK_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class ProofInput:
    file: Readable
    captured_at: datetime
    latitude: float
    longitude: float


def _metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


class _HexHammingDistance(Func):
    """Bits that differ between two 64-bit hashes written as 16 hex digits (PostgreSQL 14+)."""

    arg_joiner = ")::bit(64) # ('x' || "
    template = "bit_count(('x' || %(expressions)s)::bit(64))"
    output_field = IntegerField()


def _earlier_proof_like(perceptual_hash: str) -> ReportPhoto | None:
    distance = _HexHammingDistance(F("perceptual_hash"), Value(perceptual_hash))
    return (
        ReportPhoto.objects.filter(kind=PhotoKind.PROOF)
        .annotate(hamming=distance)
        .filter(hamming__lte=PROOF_REUSE_MAX_BITS)
        .select_related("report")
        .order_by("hamming", "id")
        .first()
    )


def report_resolve(*, actor: User, tracking_number: str, proofs: list[ProofInput], note: str = "") -> Report:
    """Declare a report of the current government resolved, with proof photos.

    Each proof must be a real photo (as for citizens' photos), taken within the configured
    distance of the report (WARGA_PROOF_MAX_DISTANCE_M, default 200 m), after the report was
    sent and not in the future, and must not resemble any earlier proof photo of this
    government. Every refusal says which photo and why; nothing is written then. The actor
    must be allowed to act on the report (`report.act` for its handling unit), else
    ActionForbidden.
    """
    _require_schema_of()
    if not actor.is_authenticated or not actor.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat mengubah laporan.")
    if not proofs:
        raise ReportInvalid.single(
            "proofs", "required", "Lampirkan minimal satu foto bukti penanganan beserta waktu dan lokasinya."
        )
    # Refused before the photos are decoded (the costly part); asked again under the lock,
    # where the handling unit cannot change any more.
    unlocked = Report.objects.filter(tracking_number=tracking_number).first()
    if unlocked is None:
        raise ReportNotFound()
    _require_may_act(actor, unlocked)
    processed, photo_errors = photos_process(files=[proof.file for proof in proofs])
    if photo_errors:
        raise ReportInvalid({"proofs": photo_errors})
    note = note.strip()
    max_distance = float(getattr(settings, "WARGA_PROOF_MAX_DISTANCE_M", DEFAULT_PROOF_MAX_DISTANCE_M))
    stored: list[StoredPhoto] = []
    try:
        with transaction.atomic():
            report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
            if report is None:
                raise ReportNotFound()
            _require_may_act(actor, report)
            if not is_allowed(report.status, Status.RESOLVED):
                raise InvalidTransition(
                    current=report.status,
                    requested=Status.RESOLVED,
                    allowed=[s.value for s in allowed_next(report.status)],
                )
            now = timezone.now()
            errors: list[FieldError] = []
            for position, (proof, photo) in enumerate(zip(proofs, processed, strict=True), start=1):
                label = f"Foto bukti ke-{position}"
                distance = _metres_between(report.latitude, report.longitude, proof.latitude, proof.longitude)
                if distance > max_distance:
                    errors.append(
                        FieldError(
                            "proof_too_far",
                            f"{label} diambil {distance:.0f} m dari lokasi laporan; paling jauh {max_distance:.0f} m.",
                        )
                    )
                if proof.captured_at < report.created_at:
                    errors.append(
                        FieldError("proof_before_report", f"{label} diambil sebelum laporan dikirim, jadi bukan bukti.")
                    )
                elif proof.captured_at > now + PROOF_CLOCK_TOLERANCE:
                    errors.append(
                        FieldError("proof_in_future", f"{label} bertanggal di masa depan: periksa jam perangkat.")
                    )
                earlier = _earlier_proof_like(photo.perceptual_hash)
                if earlier is not None:
                    errors.append(
                        FieldError(
                            "proof_reused",
                            f"{label} sama dengan foto bukti laporan {earlier.report.tracking_number}. "
                            "Ambil foto baru di lokasi.",
                        )
                    )
            if errors:
                raise ReportInvalid({"proofs": errors})
            stored = photo_files_store(government=tenant_connection().tenant, photos=processed)
            first_position = (
                ReportPhoto.objects.filter(report=report)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
                or 0
            ) + 1
            ReportPhoto.objects.bulk_create(
                ReportPhoto(
                    report=report,
                    kind=PhotoKind.PROOF,
                    position=first_position + index,
                    path=item.path,
                    width=item.photo.width,
                    height=item.photo.height,
                    size_bytes=len(item.photo.content),
                    original_format=item.photo.original_format,
                    sha256=item.photo.sha256,
                    perceptual_hash=item.photo.perceptual_hash,
                    # Processed in the request: the reuse check needs the hash before deciding.
                    state=PhotoState.READY,
                    captured_at=proof.captured_at,
                    captured_latitude=proof.latitude,
                    captured_longitude=proof.longitude,
                    created_at=now,
                )
                for index, (item, proof) in enumerate(zip(stored, proofs, strict=True))
            )
            _apply(report, actor_id=actor.pk, target=Status.RESOLVED, note=note)
    except BaseException:
        photo_files_discard(paths=[item.path for item in stored])
        raise
    return report


# --- Citizens' photos after the commit ------------------------------------------------------


def report_photos_queue(*, report: Report, photo_ids: Sequence[int] | None = None) -> int:
    """Queue the photo task for each of the report's photos still waiting in quarantine, once
    the current transaction commits, in the current schema. Returns how many were queued.
    `photo_ids`: the photos the caller has just written (all waiting), so none is read back."""
    _require_schema_of()
    if photo_ids is not None:
        waiting = list(photo_ids)
    else:
        waiting = list(
            ReportPhoto.objects.filter(report=report, state=PhotoState.PROCESSING).values_list("id", flat=True)
        )
    for photo_id in waiting:
        send_on_commit(photo_process_task, kwargs={"photo_id": photo_id})
    return len(waiting)


def report_photos_resend_waiting(*, older_than: timedelta, limit: int = 1000) -> int:
    """Queue the photo task again for photos of the current schema still in processing longer
    than `older_than`: their task was lost with a broker that was down. The task is idempotent
    (a finished photo is left as it is), so one still in the queue does no harm."""
    _require_schema_of()
    waiting = list(
        photos_waiting_for_their_task(older_than=older_than).order_by("id").values_list("id", flat=True)[:limit]
    )
    for photo_id in waiting:
        send_on_commit(photo_process_task, kwargs={"photo_id": photo_id})
    return len(waiting)


def report_photo_finish(*, photo_id: int) -> str:
    """Make a quarantined photo of the current schema clean and servable; returns its state.

    Decodes the original, applies its orientation, scales it down, drops every piece of
    metadata, makes the thumbnail and the perceptual hash, stores both under the
    government's prefix and marks the row ready; the original is deleted after the commit.
    A picture that cannot be decoded after all is marked rejected (never served). Idempotent:
    a photo already finished (or gone with a transfer) is left as it is and its new files
    discarded. Storage errors propagate, for the task to retry.
    """
    _require_schema_of()
    photo = ReportPhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        return "gone"
    if photo.state != PhotoState.PROCESSING:
        return str(photo.state)
    quarantined = photo.path
    with default_storage.open(quarantined, "rb") as source:
        outcome = photo_process(data=source.read(), position=photo.position)
    written: list[str] = []
    try:
        if not isinstance(outcome, FieldError):
            # Named after the original, so a run killed after writing them leaves no orphans:
            # the redelivered run writes the same names over them (processing is deterministic).
            stem = f"reports/{current_schema()}/{PurePosixPath(quarantined).name}"
            thumbnail = photo_thumbnail(content=outcome.content)
            for name, content in ((f"{stem}.jpg", outcome.content), (f"{stem}-kecil.jpg", thumbnail)):
                default_storage.delete(name)
                written.append(default_storage.save(name, ContentFile(content)))
        with transaction.atomic():
            locked = ReportPhoto.objects.select_for_update().filter(pk=photo_id).first()
            if locked is None or locked.state != PhotoState.PROCESSING or locked.path != quarantined:
                # Another run finished first; its files may carry the same names as these.
                kept = {locked.path, locked.thumbnail_path} if locked is not None else set()
                photo_files_discard(paths=[path for path in written if path not in kept])
                return "gone" if locked is None else str(locked.state)
            if isinstance(outcome, FieldError):
                locked.state = PhotoState.REJECTED
                locked.save(update_fields=["state"])
            else:
                locked.path, locked.thumbnail_path = written
                locked.width, locked.height = outcome.width, outcome.height
                locked.size_bytes = len(outcome.content)
                locked.sha256 = outcome.sha256
                locked.perceptual_hash = outcome.perceptual_hash
                locked.state = PhotoState.READY
                locked.save(
                    update_fields=[
                        "path",
                        "thumbnail_path",
                        "width",
                        "height",
                        "size_bytes",
                        "sha256",
                        "perceptual_hash",
                        "state",
                    ]
                )
            transaction.on_commit(lambda: photo_files_discard(paths=[quarantined]))
    except BaseException:
        photo_files_discard(paths=written)
        raise
    return str(locked.state)


# --- Merging a duplicate --------------------------------------------------------------------
# Qlue's lesson: the same problem arrives many times. A duplicate is closed as merged into
# the report it repeats; whoever sent or supported the duplicate follows the survivor and is
# told when it is resolved (see selectors.report_followers).


@dataclass(frozen=True)
class MergeOutcome:
    duplicate: Report
    into: Report
    followers_added: int


def report_merge(*, actor: User, duplicate_tracking_number: str, into_tracking_number: str, note: str) -> MergeOutcome:
    """Merge a duplicate report of the current government into another open report of the
    same government, in one transaction.

    The duplicate moves to `merged` (audit and outbox events, the public index follows) and
    remembers the survivor; the survivor gets an audit event and an outbox event naming the
    duplicate, and the duplicate's reporter, supporters and earlier followers as followers.
    Raises ReportNotFound when the duplicate is not in this schema; ReportInvalid for a
    missing reason, the same number twice, a survivor not in this government (a report of
    another government must be transferred here first) or no longer open; InvalidTransition
    when the duplicate's status does not allow merging; ActionForbidden unless the actor may
    act on both reports (`report.act` for each one's handling unit). Nothing is written then.
    """
    _require_schema_of()
    if not actor.is_authenticated or not actor.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat mengubah laporan.")
    note = note.strip()
    if not note:
        raise ReportInvalid.single("note", "note_required", "Tuliskan mengapa laporan ini sama dengan laporan tujuan.")
    if len(note) > NOTE_MAX_LENGTH:
        raise ReportInvalid.single(
            "note", "too_long", f"Catatan paling panjang {NOTE_MAX_LENGTH} karakter (sekarang {len(note)})."
        )
    if duplicate_tracking_number == into_tracking_number:
        raise ReportInvalid.single(
            "into_tracking_number", "same_report", "Laporan tidak dapat digabungkan ke dirinya sendiri."
        )
    with transaction.atomic():
        # Both rows locked, always in id order, so two opposite merges cannot deadlock.
        locked = {
            report.tracking_number: report
            for report in Report.objects.select_for_update()
            .filter(tracking_number__in=[duplicate_tracking_number, into_tracking_number])
            .order_by("id")
        }
        duplicate = locked.get(duplicate_tracking_number)
        if duplicate is None:
            raise ReportNotFound()
        into = locked.get(into_tracking_number)
        if into is None:
            # Worded so that it neither confirms nor denies the number elsewhere.
            raise ReportInvalid.single(
                "into_tracking_number",
                "not_in_this_government",
                f"Laporan {into_tracking_number} tidak ada di pemerintah ini. Penggabungan hanya untuk laporan "
                "dalam satu pemerintah; laporan pemerintah lain dialihkan (bukan wewenang) lebih dulu.",
            )
        # Merging closes one report and changes the other's followers: both must be the actor's.
        _require_may_act(actor, duplicate)
        _require_may_act(actor, into)
        if not is_allowed(duplicate.status, Status.MERGED):
            raise InvalidTransition(
                current=duplicate.status,
                requested=Status.MERGED,
                allowed=[s.value for s in allowed_next(duplicate.status)],
            )
        if into.status not in OPEN_STATUSES or into.status == Status.TRANSFERRED:
            raise ReportInvalid.single(
                "into_tracking_number",
                "not_open",
                f"Laporan {into.tracking_number} sudah tidak terbuka ({into.status}); gabungkan ke laporan yang "
                "masih ditangani.",
            )
        now = timezone.now()
        people: list[tuple[uuid.UUID, str]] = [(duplicate.reporter_id, FollowReason.MERGED_REPORTER)]
        people += [
            (user_id, FollowReason.MERGED_SUPPORTER)
            for user_id in ReportSupport.objects.filter(report=duplicate).values_list("user_id", flat=True)
        ]
        people += list(ReportFollower.objects.filter(report=duplicate).values_list("user_id", "reason"))
        already = {
            into.reporter_id,
            *ReportSupport.objects.filter(report=into).values_list("user_id", flat=True),
            *ReportFollower.objects.filter(report=into).values_list("user_id", flat=True),
        }
        new_followers: dict[uuid.UUID, str] = {}
        for user_id, reason in people:
            if user_id not in already and user_id not in new_followers:
                new_followers[user_id] = reason
        ReportFollower.objects.bulk_create(
            ReportFollower(
                report=into,
                user_id=user_id,
                reason=reason,
                from_tracking_number=duplicate.tracking_number,
                created_at=now,
            )
            for user_id, reason in new_followers.items()
        )
        duplicate.merged_into = into.tracking_number
        duplicate.save(update_fields=["merged_into", "updated_at"])
        _apply(duplicate, actor_id=actor.pk, target=Status.MERGED, note=f"Digabung ke {into.tracking_number}: {note}")
        # The survivor's status does not change; its trail still says what joined it.
        ReportEvent.objects.create(
            report=into,
            actor_id=actor.pk,
            from_status=into.status,
            to_status=into.status,
            note=f"Laporan {duplicate.tracking_number} digabungkan ke laporan ini: {note}",
            at=now,
        )
        _outbox_write(
            aggregate_type="report",
            aggregate_id=into.pk,
            kind="report.merged_in",
            payload={
                "tracking_number": into.tracking_number,
                "duplicate_tracking_number": duplicate.tracking_number,
                "followers_added": len(new_followers),
                "at": now.isoformat(),
            },
            created_at=now,
        )
    return MergeOutcome(duplicate=duplicate, into=into, followers_added=len(new_followers))


# --- Officials' own work on a report: internal notes and field assignments -------------------

INTERNAL_NOTE_MAX_LENGTH = 2000


def report_note_add(*, actor: User, tracking_number: str, body: str) -> ReportInternalNote:
    """Add an internal note to a report of the current government: read by its officials only.

    Anyone who may view the report (`report.view`, as `report_get_for_actor` decides: its
    handling unit, or the village it lies in) may write one; leadership included, since a
    note changes nothing in the report. Leaves an audit event on the report's trail that
    says a note was added, without its text (the trail's status entries are public). Raises
    ReportNotFound when the number is not in this schema, ActionForbidden when the actor may
    not view the report, ReportInvalid for an empty or too long note; nothing is written then.
    """
    _require_schema_of()
    if not actor.is_authenticated or not actor.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat menulis catatan.")
    if report_get_for_actor(actor=actor, tracking_number=tracking_number) is None:
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
        note = ReportInternalNote.objects.create(report=report, author_id=actor.pk, body=body, created_at=now)
        ReportEvent.objects.create(
            report=report,
            actor_id=actor.pk,
            from_status=report.status,
            to_status=report.status,
            note="Catatan internal ditambahkan.",
            at=now,
        )
    return note


# A report is assigned once it has a handling unit and is being worked on.
ASSIGNABLE_STATUSES = frozenset({Status.VERIFIED, Status.IN_PROGRESS, Status.REOPENED})


def report_assign(*, actor: User, tracking_number: str, assignee_id: uuid.UUID, note: str = "") -> ReportAssignment:
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
    _require_schema_of()
    if not actor.is_authenticated or not actor.is_active:
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
        _require_may_act(actor, report)
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
            report=report, assignee_id=assignee_id, assigned_by_id=actor.pk, note=note, created_at=now
        )
        trail = f"Ditugaskan kepada {'Plt. ' if officer.is_acting else ''}{officer.title}" + (
            f": {note}" if note else "."
        )
        if report.status == Status.VERIFIED:
            _apply(report, actor_id=actor.pk, target=Status.IN_PROGRESS, note=trail)
        else:
            ReportEvent.objects.create(
                report=report, actor_id=actor.pk, from_status=report.status, to_status=report.status, note=trail, at=now
            )
        notifications_send(
            recipient_ids=[assignee_id],
            report_id=report.pk,
            kind=EventKind.REPORT_ASSIGNED,
            context={
                "tracking_number": report.tracking_number,
                "category_code": report.category_code,
                "village_code": report.village_code,
                "assigned_by": actor.full_name or actor.email,
                "note": note,
            },
            dedup_key=f"assigned:{assignment.pk}",
        )
    return assignment


# A report already being worked may move to another unit of the same government.
UNIT_TRANSFERABLE_STATUSES = frozenset({Status.VERIFIED, Status.IN_PROGRESS, Status.REOPENED})


def report_unit_transfer(*, actor: User, tracking_number: str, unit_id: int, note: str) -> Report:
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
    _require_schema_of()
    if not actor.is_authenticated or not actor.is_active:
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
        _require_may_act(actor, report)
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
        event = ReportEvent.objects.create(
            report=report, actor_id=actor.pk, from_status=report.status, to_status=report.status, note=trail, at=now
        )
        handover = report_routing_unit_handover(
            report=report, from_unit_id=from_unit_id, to_unit=unit, acting_user=actor.pk, now=now
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
                "transferred_by": actor.full_name or actor.email,
                "note": note,
            },
            dedup_key=f"unit-transfer:{event.pk}",
        )
    return report


# --- Response templates -------------------------------------------------------------------------

TEMPLATE_TITLE_MAX = 120
TEMPLATE_BODY_MAX = COMMENT_MAX_LENGTH
TEMPLATE_PLACEHOLDERS = ("nomor", "unit", "tanggal")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _template_errors(*, title: str, body: str, category_code: str) -> dict[str, list[FieldError]]:
    errors: dict[str, list[FieldError]] = {}
    if not title:
        errors["title"] = [FieldError("required", "Tulis judul templat.")]
    elif len(title) > TEMPLATE_TITLE_MAX:
        errors["title"] = [FieldError("too_long", f"Judul paling panjang {TEMPLATE_TITLE_MAX} karakter.")]
    if not body:
        errors["body"] = [FieldError("required", "Tulis isi templat.")]
    elif len(body) > TEMPLATE_BODY_MAX:
        errors["body"] = [FieldError("too_long", f"Isi templat paling panjang {TEMPLATE_BODY_MAX} karakter.")]
    else:
        unknown = sorted({name for name in _PLACEHOLDER.findall(body) if name not in TEMPLATE_PLACEHOLDERS})
        if unknown:
            errors["body"] = [
                FieldError(
                    "unknown_placeholder",
                    f"Isian {', '.join('{' + n + '}' for n in unknown)} tidak dikenal. Yang tersedia: "
                    + ", ".join("{" + n + "}" for n in TEMPLATE_PLACEHOLDERS)
                    + ".",
                )
            ]
    if category_code and category_get(code=category_code) is None:
        errors["category_code"] = [
            FieldError("unknown_category", f"Kategori '{category_code}' tidak ada dalam taksonomi nasional.")
        ]
    return errors


def response_template_save(
    *, actor: User, title: str, body: str, category_code: str = "", template_id: int | None = None
) -> ResponseTemplate:
    """Create (or, with `template_id`, change) a response template of the current government.

    The admin koordinator's (`organization.edit` in warga.access.policy). The body may use the
    placeholders `{nomor}`, `{unit}` and `{tanggal}`; any other `{...}` is refused by name.
    Raises ActionForbidden, ReportInvalid (missing or too long title/body, unknown placeholder
    or category) or ReportNotFound (no such template here); nothing is written then.
    """
    _require_schema_of()
    policy_require(actor=actor, government=tenant_connection().tenant, action=Action.ORGANIZATION_EDIT)
    title, body, category_code = " ".join(title.split()), body.strip(), category_code.strip()
    errors = _template_errors(title=title, body=body, category_code=category_code)
    if errors:
        raise ReportInvalid(errors)
    now = timezone.now()
    with transaction.atomic():
        if template_id is None:
            return ResponseTemplate.objects.create(
                title=title,
                body=body,
                category_code=category_code,
                created_by_id=actor.pk,
                updated_by_id=actor.pk,
                created_at=now,
                updated_at=now,
            )
        template = ResponseTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template is None:
            raise ReportNotFound("Templat balasan itu tidak ada di pemerintah daerah ini.")
        template.title, template.body, template.category_code = title, body, category_code
        template.updated_by_id, template.updated_at = actor.pk, now
        template.save()
        return template


def response_template_archive(*, actor: User, template_id: int) -> ResponseTemplate:
    """Stop offering a response template (kept for the record). `organization.edit`."""
    _require_schema_of()
    policy_require(actor=actor, government=tenant_connection().tenant, action=Action.ORGANIZATION_EDIT)
    with transaction.atomic():
        template = ResponseTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template is None:
            raise ReportNotFound("Templat balasan itu tidak ada di pemerintah daerah ini.")
        template.is_active = False
        template.updated_by_id, template.updated_at = actor.pk, timezone.now()
        template.save(update_fields=["is_active", "updated_by_id", "updated_at"])
    return template


# --- Forwarding to an external organisation -------------------------------------------------------


def report_forward_external(
    *, actor: User, tracking_number: str, unit_id: int, contact_email: str, note: str
) -> ExternalForward:
    """Forward an open report of the current government to an external organisation (a unit of
    kind `external`: PLN, PDAM, Telkom) at `contact_email`, or through the organisation's
    webhook when it has one (warga.webhooks; the address may then be left empty), saying what
    is asked of it.

    The report stays open with its handling unit; the forward is recorded on the trail, and
    the email and the webhook delivery leave after the commit, with the tracking number,
    category, place and (unless the report is `rahasia`) the description, never the
    reporter. `report.act` for the report's handling unit. Raises ReportNotFound,
    ActionForbidden, ReportInvalid (not open, not an external organisation, bad or missing
    address, no note); nothing is written or sent then.
    """
    _require_schema_of()
    if not actor.is_authenticated or not actor.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat meneruskan laporan.")
    address = contact_email.strip().lower()
    note = note.strip()
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
        if report is None:
            raise ReportNotFound()
        _require_may_act(actor, report)
        errors: dict[str, list[FieldError]] = {}
        if report.status not in OPEN_STATUSES or report.status == Status.TRANSFERRED:
            errors["report"] = [FieldError("not_open", "Hanya laporan yang masih ditangani yang dapat diteruskan.")]
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None or unit.kind != UnitKind.EXTERNAL:
            errors["unit_id"] = [
                FieldError(
                    "not_external",
                    "Pilih organisasi eksternal (PLN, PDAM, ...) yang terdaftar sebagai unit eksternal pemerintah ini.",
                )
            ]
        webhook = webhook_for_unit(unit_id=unit.pk) if unit is not None and unit.kind == UnitKind.EXTERNAL else None
        if address or webhook is None:
            try:
                validate_email(address)
            except ValidationError:
                errors["contact_email"] = [
                    FieldError(
                        "invalid_email",
                        "Alamat email organisasi tidak valid."
                        if address
                        else "Isi alamat email organisasi: organisasi ini tidak memiliki webhook yang aktif.",
                    )
                ]
        if not note:
            errors["note"] = [FieldError("note_required", "Tuliskan apa yang diminta dari organisasi itu.")]
        elif len(note) > NOTE_MAX_LENGTH:
            errors["note"] = [FieldError("too_long", f"Catatan paling panjang {NOTE_MAX_LENGTH} karakter.")]
        if errors:
            raise ReportInvalid(errors)
        assert unit is not None
        now = timezone.now()
        forward = ExternalForward.objects.create(
            report=report, unit=unit, contact_email=address, note=note, sent_by_id=actor.pk, sent_at=now
        )
        ReportEvent.objects.create(
            report=report,
            actor_id=actor.pk,
            from_status=report.status,
            to_status=report.status,
            note=f"Diteruskan ke {unit.name} ({address or 'webhook'}): {note}",
            at=now,
        )
        if webhook is not None:
            webhook_forward_record(
                unit_id=unit.pk,
                data={
                    "tracking_number": report.tracking_number,
                    "forward_id": forward.pk,
                    "organisation": unit.name,
                    "category_code": report.category_code,
                    "latitude": report.latitude,
                    "longitude": report.longitude,
                    "village_code": report.village_code,
                    "description": None if report.privacy == Privacy.RAHASIA else report.description,
                    "request": note,
                },
                at=now,
            )
        if not address:
            return forward
        government = tenant_connection().tenant
        body = (
            f"{government.name} meneruskan laporan warga {report.tracking_number} kepada {unit.name}.\n\n"
            f"Kategori: {report.category_code}\nLokasi: {report.latitude:.6f}, {report.longitude:.6f} "
            f"(kode wilayah {report.village_code})\n"
            + ("" if report.privacy == Privacy.RAHASIA else f"Uraian warga: {report.description}\n")
            + f"\nPermintaan: {note}\n\nMohon balas email ini dengan tindak lanjut Anda, menyebut nomor "
            f"{report.tracking_number}.\n"
        )
        subject = f"[Warga] Laporan {report.tracking_number} diteruskan oleh {government.name}"
        transaction.on_commit(lambda: send_mail(subject, body, None, [address]), robust=True)
    return forward


def report_forward_answer(*, actor: User, forward_id: int, answer: str) -> ExternalForward:
    """Record the external organisation's answer to a forward of a report of the current
    government (`report.act` for the report's handling unit), on the trail too. Raises
    ReportNotFound, ActionForbidden, ReportInvalid (empty or too long); nothing written then."""
    _require_schema_of()
    answer = answer.strip()
    with transaction.atomic():
        forward = ExternalForward.objects.select_for_update().select_related("unit").filter(pk=forward_id).first()
        if forward is None:
            raise ReportNotFound("Penerusan itu tidak ada di pemerintah daerah ini.")
        report = Report.objects.select_for_update().get(pk=forward.report_id)
        _require_may_act(actor, report)
        if not answer:
            raise ReportInvalid.single("answer", "required", "Tuliskan jawaban organisasi itu.")
        if len(answer) > NOTE_MAX_LENGTH:
            raise ReportInvalid.single("answer", "too_long", f"Jawaban paling panjang {NOTE_MAX_LENGTH} karakter.")
        now = timezone.now()
        forward.answer, forward.answered_by_id, forward.answered_at = answer, actor.pk, now
        forward.save(update_fields=["answer", "answered_by_id", "answered_at"])
        ReportEvent.objects.create(
            report=report,
            actor_id=actor.pk,
            from_status=report.status,
            to_status=report.status,
            note=f"Jawaban {forward.unit.name}: {answer}",
            at=now,
        )
    return forward
