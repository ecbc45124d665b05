"""Reads of reports in the current government's schema (never across schemas)."""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import QuerySet
from django.utils import timezone

from tenants.context import tenant_connection
from tenants.scope import any_scope, tenant_scoped
from warga.access.policy import Action, ActionForbidden, policy_decide
from warga.accounts.models import User
from warga.geo import metres_between
from warga.organization.selectors import unit_id_for_region
from warga.reports.lifecycle import OPEN_STATUSES, Status
from warga.reports.models import (
    ExternalForward,
    PhotoState,
    Privacy,
    Report,
    ReportAssignment,
    ReportComment,
    ReportEvent,
    ReportFollower,
    ReportInternalNote,
    ReportPhoto,
    ReportSupport,
    ResponseTemplate,
)
from warga.reports.ports import routing


@tenant_scoped
def report_handling_unit_id(*, report: Report) -> int | None:
    """The unit answerable for a report of the current schema: the one it was verified
    (disposed) to, else the one routing chose; None when neither names a unit (the
    government as a whole). Who may see and act on the report is decided for this unit."""
    return report.unit_id or routing().report_routed_unit_id(report_id=report.pk)


@tenant_scoped
def report_get_for_actor(*, actor: User, tracking_number: str) -> Report | None:
    """The report with this number in the current government's schema, for an official who
    may view it (`report.view` in warga.access.policy) for its handling unit or, failing
    that, for the village it lies in: routing always tells the village's lurah/kepala desa
    and the district's camat, and someone who is told of a report must be able to read it.
    Acting on it is decided for the handling unit only (`report.act`, in the services).

    None when no report has that number here (another government's number included), so
    that "elsewhere" and "nowhere" answer alike, and for a `rahasia` report the actor may not
    view; ActionForbidden (with the policy's reason) when another report is here but the
    actor may not view it.
    """
    report = Report.objects.filter(tracking_number=tracking_number).first()
    if report is None:
        return None
    government = tenant_connection().tenant
    handling_unit_id = report_handling_unit_id(report=report)
    decision = policy_decide(actor=actor, government=government, action=Action.REPORT_VIEW, unit_id=handling_unit_id)
    if not decision.allowed and decision.reason == "outside_unit":
        place_unit_id = unit_id_for_region(code=report.village_code)
        if place_unit_id is not None and place_unit_id != handling_unit_id:
            decision = policy_decide(
                actor=actor, government=government, action=Action.REPORT_VIEW, unit_id=place_unit_id
            )
    if not decision.allowed:
        if report.privacy == Privacy.RAHASIA:
            # A rahasia number answers like an unknown one to everyone who may not see it.
            return None
        raise ActionForbidden(action=Action.REPORT_VIEW, decision=decision)
    return report


@tenant_scoped
def report_get_by_id(*, report_id: int) -> Report | None:
    return Report.objects.filter(pk=report_id).first()


@tenant_scoped
def report_events(*, report: Report) -> QuerySet[ReportEvent]:
    return ReportEvent.objects.filter(report=report).order_by("at", "id")


@tenant_scoped
def report_photos(*, report: Report) -> QuerySet[ReportPhoto]:
    return ReportPhoto.objects.filter(report=report).order_by("position")


@tenant_scoped
def report_supported_by(*, report: Report, user_id: uuid.UUID) -> bool:
    """Whether this citizen already said "saya juga" to the report (of the current schema)."""
    return ReportSupport.objects.filter(report=report, user_id=user_id).exists()


@tenant_scoped
def report_photo_for_actor(*, actor: User, tracking_number: str, photo_id: int) -> ReportPhoto | None:
    report = report_get_for_actor(actor=actor, tracking_number=tracking_number)
    if report is None:
        return None
    return report_photos(report=report).filter(pk=photo_id).first()


@tenant_scoped
def report_comments(*, report: Report) -> QuerySet[ReportComment]:
    return ReportComment.objects.filter(report=report).order_by("created_at", "id")


@tenant_scoped
def reports_by_ids(*, report_ids: list[int]) -> QuerySet[Report]:
    return Report.objects.filter(pk__in=report_ids)


@any_scope
def reporter_visible_to_officials(*, report: Report) -> bool:
    """Whether officials see who sent the report with it: only for `publik`. `anonim` hides the
    reporter from them; a `rahasia` reporter is revealed only on request, one report at a time,
    to the seat kind the government designated (`identity.reveal`, warga.privacy)."""
    return report.privacy == Privacy.PUBLIK


@dataclass(frozen=True)
class OfficialEvent:
    actor_id: uuid.UUID | None
    from_status: str
    to_status: str
    note: str
    at: datetime


@tenant_scoped
def report_timeline_for_official(*, report: Report) -> list[OfficialEvent]:
    """The audit trail as officials see it: the reporter's own actions carry no actor id
    when the reporter's identity is hidden from them."""
    hide = not reporter_visible_to_officials(report=report)
    return [
        OfficialEvent(
            actor_id=None if hide and event.actor_id == report.reporter_id else event.actor_id,
            from_status=event.from_status,
            to_status=event.to_status,
            note=event.note,
            at=event.at,
        )
        for event in report_events(report=report)
    ]


_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class NearbyReport:
    tracking_number: str
    category_code: str
    status: str
    description: str
    support_count: int
    created_at: datetime
    distance_m: float
    similarity: float


@tenant_scoped
def reports_open_nearby(
    *,
    category_code: str,
    latitude: float,
    longitude: float,
    text: str,
    radius_m: float = 150.0,
    min_similarity: float = 0.2,
    limit: int = 5,
) -> list[NearbyReport]:
    """Open reports of a category within `radius_m` whose description resembles `text`
    (pg_trgm), most similar first: the "support this instead" offer before submitting.

    A bounding box narrows the rows on the (latitude, longitude) index; the exact distance is
    computed on the few left. `rahasia` reports are never offered: the public may not see them.
    """
    d_lat = radius_m / _METRES_PER_DEGREE
    d_lon = radius_m / (_METRES_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    candidates = (
        Report.objects.filter(
            category_code=category_code,
            status__in=OPEN_STATUSES,
            latitude__range=(latitude - d_lat, latitude + d_lat),
            longitude__range=(longitude - d_lon, longitude + d_lon),
        )
        .exclude(privacy=Privacy.RAHASIA)
        .annotate(similarity=TrigramSimilarity("description", text))
        .filter(similarity__gte=min_similarity)
        .order_by("-similarity", "-created_at")[: limit * 4]
    )
    found = []
    for report in candidates:
        distance = metres_between(latitude, longitude, report.latitude, report.longitude)
        if distance <= radius_m:
            found.append(
                NearbyReport(
                    tracking_number=report.tracking_number,
                    category_code=report.category_code,
                    status=report.status,
                    description=report.description,
                    support_count=report.support_count,
                    created_at=report.created_at,
                    distance_m=round(distance, 1),
                    similarity=round(float(report.similarity), 3),
                )
            )
    return found[:limit]


@dataclass(frozen=True)
class Follower:
    user_id: uuid.UUID
    # reporter, supporter, or why they follow (merged_reporter, merged_supporter).
    reason: str


@tenant_scoped
def report_followers(*, report_id: int) -> list[Follower]:
    """Everyone to tell when a report of the current schema is resolved: its reporter, its
    supporters ("saya juga"), and the reporters and supporters of duplicates merged into it.
    Each person once, the closest reason first. Empty for a report not in this schema.

    Three queries whatever the number of people. Privacy is the sender's business: the
    reporter of an `anonim` report is told, but never named to anyone else.
    """
    reporter_id = Report.objects.filter(pk=report_id).values_list("reporter_id", flat=True).first()
    if reporter_id is None:
        return []
    found: dict[uuid.UUID, str] = {reporter_id: "reporter"}
    for user_id in ReportSupport.objects.filter(report_id=report_id).order_by("id").values_list("user_id", flat=True):
        found.setdefault(user_id, "supporter")
    for user_id, reason in (
        ReportFollower.objects.filter(report_id=report_id).order_by("id").values_list("user_id", "reason")
    ):
        found.setdefault(user_id, reason)
    return [Follower(user_id=user_id, reason=reason) for user_id, reason in found.items()]


@tenant_scoped
def report_internal_notes(*, report: Report) -> QuerySet[ReportInternalNote]:
    """A report's internal notes, oldest first: for officials of its government who may view
    it (the caller found the report through `report_get_for_actor`)."""
    return ReportInternalNote.objects.filter(report=report).order_by("created_at", "id")


@tenant_scoped
def report_assignment_current(*, report: Report) -> ReportAssignment | None:
    return ReportAssignment.objects.filter(report=report, ended_at__isnull=True).first()


@tenant_scoped
def response_templates_for(*, category_code: str | None = None) -> QuerySet[ResponseTemplate]:
    """The active response templates of the current government: for `category_code`, those of
    that category and those for every category; without it, all of them."""
    templates = ResponseTemplate.objects.filter(is_active=True)
    if category_code is not None:
        templates = templates.filter(category_code__in=["", category_code])
    return templates.order_by("category_code", "title", "id")


@any_scope
def response_template_render(*, template: ResponseTemplate, report: Report, unit_name: str, on: date) -> str:
    """The template's body for `report`: `{nomor}`, `{unit}` and `{tanggal}` filled in."""
    values = {"nomor": report.tracking_number, "unit": unit_name, "tanggal": on.strftime("%d-%m-%Y")}
    return re.sub(r"\{(nomor|unit|tanggal)\}", lambda match: values[match.group(1)], template.body)


@tenant_scoped
def report_external_forwards(*, report: Report) -> QuerySet[ExternalForward]:
    return ExternalForward.objects.filter(report=report).select_related("unit").order_by("sent_at", "id")


@tenant_scoped
def report_status_changes(
    *, since: datetime, until: datetime, limit: int, public_only: bool = False
) -> list[ReportEvent]:
    """The status changes of the current schema's reports made in [since, until), oldest first,
    with their report; submissions themselves are not changes. At most `limit` (one query).
    `public_only` leaves out rahasia reports and reports their reporter withdrew."""
    events = ReportEvent.objects.select_related("report").filter(at__gte=since, at__lt=until).exclude(from_status="")
    if public_only:
        events = events.exclude(report__privacy=Privacy.RAHASIA).exclude(report__status=Status.WITHDRAWN)
    return list(events.order_by("at", "id")[:limit])


@any_scope  # builds a query; beat's dispatcher runs it in every schema at once
def photos_waiting_for_their_task(*, older_than: timedelta | None = None) -> QuerySet[ReportPhoto]:
    """Photos still in processing longer than `older_than` (the resend interval by default):
    their task was lost. Also beat's probe for `reports.photos_resend_waiting` across every
    schema (settings.WARGA_FAN_OUT_PROBES): one table, the `report_photo_waiting` partial index."""
    if older_than is None:
        older_than = timedelta(seconds=settings.WARGA_RESEND_WAITING_SECONDS)
    return ReportPhoto.objects.filter(state=PhotoState.PROCESSING, created_at__lt=timezone.now() - older_than)
