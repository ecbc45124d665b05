"""A submitted report written into its owner's schema: its tracking number, its rows, its
first audit and outbox events, and its routing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from tenants.models import Government
from tenants.scope import any_scope, tenant_scoped_to
from warga.errors import Defect
from warga.reports.lifecycle import Status
from warga.reports.models import Privacy, Report, ReportPhoto, TrackingCounter
from warga.reports.ports import routing
from warga.reports.services._common import NATIONAL_OWNER_CODE
from warga.reports.services._outbox import _outbox_payload, _outbox_write
from warga.reports.services.audit import report_audit_write
from warga.reports.services.photo_storage import StoredPhoto, report_photos_queue


@any_scope
def owner_code(*, government: Government) -> str:
    """The tracking-number prefix: the Kemendagri code, or NAS for the national triage desk."""
    return government.code or NATIONAL_OWNER_CODE


@tenant_scoped_to("government")
def tracking_number_next(*, government: Government, year: int) -> str:
    """Allocate the next tracking number of `year` in the current schema: `32.73-2026-000123`.

    Must run inside the caller's transaction: the counter row stays locked until it commits,
    which serialises concurrent submissions to one government and leaves no gap when one of
    them rolls back.
    """
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


@tenant_scoped_to("government")
def report_create(
    *,
    government: Government,
    acting_user_id: uuid.UUID,
    data: NewReport,
    tracking_number: str,
    now: datetime,
    priority: str,
    photos: list[StoredPhoto] | None = None,
    queue_photos: bool = False,
) -> Report:
    """Write a report submitted by `acting_user_id` (its reporter), its photos' rows, its first
    audit event and its outbox event, and route it (with `priority`, its category's default, among the rule conditions). With
    `queue_photos`, the photos' processing is queued for the commit (report_photos_queue).

    Called by intake inside its transaction, in `government`'s schema; validation and
    idempotency are intake's job.
    """
    # Read once for the whole transaction: the webhooks to queue, the routing, the channels
    # of the people it notifies (one statement while nothing changed, docs/decisions/0140).
    configuration = routing().routing_configuration(government=government)
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
        reporter_id=acting_user_id,
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
    report_audit_write(report=report, acting_user_id=acting_user_id, from_status="", to_status=Status.RECEIVED, at=now)
    _outbox_write(
        aggregate_type="report",
        aggregate_id=report.pk,
        kind="report.submitted",
        payload=_outbox_payload(report, photo_count=len(photos or [])),
        created_at=now,
        webhook_subscriptions=configuration.webhook_subscriptions,
    )
    routing().report_route(report=report, new=True, configuration=configuration)
    if queue_photos:
        report_photos_queue(report=report, photo_ids=[photo.pk for photo in created_photos])
    return report


@any_scope
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
