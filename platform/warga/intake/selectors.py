"""Cross-tenant reads for the shared citizen app, always through the public report index.

Each read goes from the index to the one schema that owns a report; nothing here walks
every schema. What leaves these functions for the public never names a reporter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser

from tenants.context import government_context
from tenants.models import Government, Level
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.regions.models import Village
from warga.reports.models import Privacy, ReportPhoto
from warga.reports.selectors import (
    NearbyReport,
    report_comments,
    report_events,
    report_photos,
    reports_by_ids,
    reports_open_nearby,
)


def owner_for_village(*, regency_code: str, province_code: str) -> Government | None:
    """The government that owns reports from a village: its regency/city when ready, else its
    province when ready, else the national triage desk (None when even that is not ready)."""
    candidates = {
        government.code: government
        for government in Government.objects.filter(code__in=[regency_code, province_code], is_ready=True)
    }
    owner = candidates.get(regency_code) or candidates.get(province_code)
    if owner is not None:
        return owner
    return Government.objects.filter(level=Level.NATIONAL, is_ready=True).first()


def index_for_idempotency_key(*, reporter: User, idempotency_key: str) -> ReportIndex | None:
    return (
        ReportIndex.objects.select_related("government")
        .filter(reporter=reporter, idempotency_key=idempotency_key)
        .first()
    )


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


def report_lookup_public(*, tracking_number: str, viewer: User | AnonymousUser) -> PublicReport | None:
    """The report with this tracking number for the public lookup, or None.

    A `rahasia` report is hidden from everyone but its reporter, exactly as if it did not
    exist (the answer must not confirm that the number is in use).
    """
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    if entry is None:
        return None
    is_mine = bool(viewer.is_authenticated and entry.reporter_id == viewer.pk)
    with government_context(entry.government):
        report = reports_by_ids(report_ids=[entry.report_id]).first()
        if report is None:
            return None
        if report.privacy == Privacy.RAHASIA and not is_mine:
            return None
        timeline = tuple(
            TimelineEntry(status=event.to_status, at=event.at)
            for event in report_events(report=report).only("to_status", "at")
        )
        photo_ids = tuple(report_photos(report=report).values_list("id", flat=True))
        comments = tuple(
            PublicComment(role=comment.role, body=comment.body, at=comment.created_at)
            for comment in report_comments(report=report)
        )
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
    )


def report_photo_public(*, tracking_number: str, photo_id: int, viewer: User | AnonymousUser) -> ReportPhoto | None:
    """A photo of a report the viewer may see in the public lookup (same rule), else None."""
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    if entry is None:
        return None
    is_mine = bool(viewer.is_authenticated and entry.reporter_id == viewer.pk)
    with government_context(entry.government):
        report = reports_by_ids(report_ids=[entry.report_id]).first()
        if report is None or (report.privacy == Privacy.RAHASIA and not is_mine):
            return None
        return report_photos(report=report).filter(pk=photo_id).first()


@dataclass(frozen=True)
class MyReport:
    tracking_number: str
    government_code: str | None
    government_name: str
    type: str
    category_code: str
    description: str
    privacy: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class MyReportsPage:
    items: tuple[MyReport, ...]
    next_offset: int | None


def reports_of_reporter(*, reporter: User, limit: int = 20, offset: int = 0) -> MyReportsPage:
    """The reporter's own reports across every government, newest first.

    One query on the index, then one per government owning a report on this page.
    """
    rows = list(
        ReportIndex.objects.select_related("government")
        .filter(reporter=reporter)
        .order_by("-created_at", "-id")[offset : offset + limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    by_government: dict[int, list[ReportIndex]] = {}
    for row in rows:
        by_government.setdefault(row.government_id, []).append(row)
    found: dict[tuple[int, int], MyReport] = {}
    for entries in by_government.values():
        government = entries[0].government
        with government_context(government):
            reports = reports_by_ids(report_ids=[entry.report_id for entry in entries]).filter(reporter_id=reporter.pk)
            for report in reports:
                found[(government.pk, report.pk)] = MyReport(
                    tracking_number=report.tracking_number,
                    government_code=government.code,
                    government_name=government.name,
                    type=report.type,
                    category_code=report.category_code,
                    description=report.description,
                    privacy=report.privacy,
                    status=report.status,
                    created_at=report.created_at,
                )
    items = tuple(found[key] for row in rows if (key := (row.government_id, row.report_id)) in found)
    return MyReportsPage(items=items, next_offset=offset + limit if has_more else None)


def reports_similar_before_submit(
    *, village_code: str, category_code: str, latitude: float, longitude: float, description: str
) -> list[NearbyReport]:
    """What the citizen could support instead of submitting: similar open reports nearby,
    looked up in the one schema the new report would land in. Empty when the village is
    unknown or nothing resembles it."""
    village = Village.objects.select_related("district").filter(code=village_code).first()
    if village is None or not description.strip():
        return []
    owner = owner_for_village(regency_code=village.district.regency_id, province_code=village.district.regency_id[:2])
    if owner is None:
        return []
    with government_context(owner):
        return reports_open_nearby(
            category_code=category_code, latitude=latitude, longitude=longitude, text=description.strip()
        )
