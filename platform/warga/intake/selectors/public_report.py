"""One report as the public, or its own reporter, sees it on the shared app: looked up
through the index in the one schema that owns it, never naming a reporter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tenants.context import government_context
from tenants.scope import any_scope, public_scoped
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.reporters import index_entry_is_reporters
from warga.organization.selectors import unit_name
from warga.reports.lifecycle import OPEN_STATUSES, Status, is_allowed
from warga.reports.models import Privacy, Report, ReportPhoto
from warga.reports.selectors import (
    report_comments,
    report_events,
    report_handling_unit_id,
    report_photos,
    report_supported_by,
    reports_by_ids,
)
from warga.reports.services import DISPUTE_WINDOW, WITHDRAW_WINDOW
from warga.routing.selectors import report_running_deadline


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    at: datetime


@dataclass(frozen=True)
class PublicComment:
    role: str
    body: str
    at: datetime


@dataclass(frozen=True)
class PublicPhoto:
    id: int
    # processing: shown as "foto sedang diproses" until the task has made it clean.
    state: str


@dataclass(frozen=True)
class PublicReport:
    """A report as the public may see it: never the reporter's identity."""

    tracking_number: str
    government_code: str | None
    government_name: str
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
    status: str
    support_count: int
    created_at: datetime
    timeline: tuple[TimelineEntry, ...]
    photo_ids: tuple[int, ...]
    comments: tuple[PublicComment, ...]
    is_mine: bool
    photos: tuple[PublicPhoto, ...] = ()
    # The report this one was merged into, when officials found it a duplicate.
    merged_into: str = ""
    # The unit answerable for it ("" for the government as a whole) and the running deadline.
    unit_name: str = ""
    due_at: datetime | None = None
    # For the reporter only (None/False for everyone else): the rating given and what they may
    # still do, each within its window (the services decide again when asked).
    rating: int | None = None
    may_withdraw: bool = False
    withdraw_until: datetime | None = None
    may_rate: bool = False
    may_dispute: bool = False
    dispute_until: datetime | None = None
    # Whether the signed-in viewer already said "saya juga" to it (False when signed out).
    supported_by_viewer: bool = False


@any_scope
def hidden_from_public(*, privacy: str, status: str) -> bool:
    """A `rahasia` report, and a report its reporter withdrew, are for their reporter's eyes
    only: to anyone else their number answers exactly like a number never used."""
    return privacy == Privacy.RAHASIA or status == Status.WITHDRAWN


def _public_entry(*, tracking_number: str, viewer: User | AnonymousUser) -> tuple[ReportIndex, bool] | None:
    """The index row of a number the viewer may see, and whether it is theirs. Decided from
    the index alone, before the owner's schema is entered: a hidden number costs the same one
    query as an unknown one."""
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    if entry is None:
        return None
    is_mine = index_entry_is_reporters(entry=entry, user=viewer)
    if hidden_from_public(privacy=entry.privacy, status=entry.status) and not is_mine:
        return None
    return entry, is_mine


@public_scoped
def report_lookup_public(*, tracking_number: str, viewer: User | AnonymousUser) -> PublicReport | None:
    """The report with this tracking number for the public lookup, or None.

    A `rahasia` or withdrawn report is hidden from everyone but its reporter, exactly as if
    it did not exist (the answer must not confirm that the number is in use).
    """
    found = _public_entry(tracking_number=tracking_number, viewer=viewer)
    if found is None:
        return None
    entry, is_mine = found
    with government_context(entry.government):
        report = reports_by_ids(report_ids=[entry.report_id]).first()
        if report is None:
            return None
        if hidden_from_public(privacy=report.privacy, status=report.status) and not is_mine:
            return None
        timeline = tuple(
            TimelineEntry(status=event.to_status, at=event.at)
            for event in report_events(report=report).only("to_status", "at")
        )
        photos = tuple(
            PublicPhoto(id=photo_id, state=state)
            for photo_id, state in report_photos(report=report).values_list("id", "state")
        )
        photo_ids = tuple(photo.id for photo in photos)
        comments = tuple(
            PublicComment(role=comment.role, body=comment.body, at=comment.created_at)
            for comment in report_comments(report=report)
        )
        handling_unit_id = report_handling_unit_id(report=report)
        handling_unit = unit_name(unit_id=handling_unit_id) if handling_unit_id is not None else ""
        due_at = report_running_deadline(report_id=report.pk) if report.status in OPEN_STATUSES else None
        supported = viewer.is_authenticated and not is_mine and report_supported_by(report=report, user_id=viewer.pk)
    reporter_moves = _reporter_moves(report, timeline) if is_mine else {}
    return PublicReport(
        tracking_number=report.tracking_number,
        government_code=entry.government.code,
        government_name=entry.government.name,
        type=report.type,
        category_code=report.category_code,
        description=report.description,
        latitude=report.latitude,
        longitude=report.longitude,
        province_code=report.province_code,
        regency_code=report.regency_code,
        district_code=report.district_code,
        village_code=report.village_code,
        privacy=report.privacy,
        status=report.status,
        support_count=report.support_count,
        created_at=report.created_at,
        timeline=timeline,
        photo_ids=photo_ids,
        comments=comments,
        is_mine=is_mine,
        photos=photos,
        merged_into=report.merged_into,
        unit_name=handling_unit,
        due_at=due_at,
        rating=report.rating if is_mine else None,
        supported_by_viewer=supported,
        **reporter_moves,
    )


def _reporter_moves(report: Report, timeline: tuple[TimelineEntry, ...]) -> dict[str, Any]:
    """What the reporter may still do on their report now, and until when."""
    now = timezone.now()
    withdraw_until = report.created_at + WITHDRAW_WINDOW
    resolved_at = max((entry.at for entry in timeline if entry.status == Status.RESOLVED), default=None)
    dispute_until = resolved_at + DISPUTE_WINDOW if resolved_at is not None else None
    return {
        "may_withdraw": is_allowed(report.status, Status.WITHDRAWN, by_reporter=True) and now <= withdraw_until,
        "withdraw_until": withdraw_until,
        "may_rate": report.status in (Status.RESOLVED, Status.CLOSED) and report.rating is None,
        "may_dispute": is_allowed(report.status, Status.REOPENED, by_reporter=True)
        and dispute_until is not None
        and now <= dispute_until,
        "dispute_until": dispute_until,
    }


@public_scoped
def report_photo_public(*, tracking_number: str, photo_id: int, viewer: User | AnonymousUser) -> ReportPhoto | None:
    """A photo of a report the viewer may see in the public lookup (same rule), else None."""
    found = _public_entry(tracking_number=tracking_number, viewer=viewer)
    if found is None:
        return None
    entry, is_mine = found
    with government_context(entry.government):
        report = reports_by_ids(report_ids=[entry.report_id]).first()
        if report is None or (hidden_from_public(privacy=report.privacy, status=report.status) and not is_mine):
            return None
        return report_photos(report=report).filter(pk=photo_id).first()
