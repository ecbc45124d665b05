"""The admin's audit log: the append-only trails of reports, routing, the organisation and the
working calendar of the current government, read as one list (newest first) with filters.

Each trail keeps its own table (written by its own services); this module only reads them, a
page at a time (keyset paging on time, trail and id), so a page stays cheap however long the
history grows, and the export reads every entry page by page. It sits above the four apps it
reads, not inside one of them: the organisation is below reports and routing (decision 0131)."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from warga.accounts.models import User
from warga.organization.models import OrganizationEvent
from warga.reports.models import ReportEvent
from warga.routing.models import RoutingAuditEvent
from warga.workcalendar.models import CalendarAuditEvent

SOURCES = ("report", "routing", "organization", "calendar")
AUDIT_PAGE_MAX = 500


@dataclass(frozen=True)
class AuditEntry:
    source: str
    at: datetime.datetime
    actor_id: uuid.UUID | None
    actor: str
    kind: str
    subject: str
    detail: str


@dataclass(frozen=True)
class AuditFilter:
    sources: tuple[str, ...] = SOURCES
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None
    actor_email: str = ""
    kind: str = ""


@dataclass(frozen=True, order=True)
class AuditCursor:
    """Where a page of the log ends: the last entry's time, its trail (by its place in SOURCES)
    and its id. The log is ordered by these three, newest first, so the next page starts right
    after it however many entries share a time (keyset paging: no offset to count past)."""

    at: datetime.datetime
    source: int
    id: int

    def encode(self) -> str:
        return f"{self.at.isoformat()}_{self.source}_{self.id}"

    @classmethod
    def decode(cls, text: str) -> AuditCursor:
        """The cursor `encode` wrote; ValueError for anything else."""
        at, source, row_id = text.rsplit("_", 2)
        moment = datetime.datetime.fromisoformat(at)
        if moment.tzinfo is None or not 0 <= int(source) < len(SOURCES) or int(row_id) < 0:
            raise ValueError(text)
        return cls(at=moment, source=int(source), id=int(row_id))


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    # Where the next page starts; None on the last page.
    next: AuditCursor | None


def _window(
    queryset: QuerySet[Any],
    field: str,
    audit: AuditFilter,
    actors: list[uuid.UUID] | None,
    *,
    source: str,
    after: AuditCursor | None,
) -> QuerySet[Any]:
    if audit.since is not None:
        queryset = queryset.filter(**{f"{field}__gte": audit.since})
    if audit.until is not None:
        queryset = queryset.filter(**{f"{field}__lt": audit.until})
    if actors is not None:
        queryset = queryset.filter(actor_id__in=actors)
    if after is not None:
        # Strictly after the cursor in (time, trail, id) descending order.
        rank = SOURCES.index(source)
        older = Q(**{f"{field}__lt": after.at})
        if rank < after.source:
            older |= Q(**{field: after.at})
        elif rank == after.source:
            older |= Q(**{field: after.at, "id__lt": after.id})
        queryset = queryset.filter(older)
    return queryset.order_by(f"-{field}", "-id")


Row = tuple[AuditCursor, str, uuid.UUID | None, str, str, str]


def audit_entries_page(*, audit: AuditFilter, limit: int = 100, after: AuditCursor | None = None) -> AuditPage:
    """The next `limit` entries (at most AUDIT_PAGE_MAX) matching `audit` after the cursor
    `after` (None: the newest), newest first, and the cursor of the page after it: at most
    `limit` + 1 rows read from each trail, merged. Ties in time are ordered by trail and id, so
    paging neither repeats nor skips an entry, through any number of them."""
    limit = max(1, min(limit, AUDIT_PAGE_MAX))
    actors: list[uuid.UUID] | None = None
    if audit.actor_email:
        actors = list(User.objects.filter(email__icontains=audit.actor_email.strip()).values_list("pk", flat=True))
    kind = audit.kind.strip()
    rows: list[Row] = []
    wanted = limit + 1

    def key(source: str, at: datetime.datetime, row_id: int) -> AuditCursor:
        return AuditCursor(at=at, source=SOURCES.index(source), id=row_id)

    if "report" in audit.sources:
        reports = _window(
            ReportEvent.objects.select_related("report"), "at", audit, actors, source="report", after=after
        )
        if kind:
            reports = reports.filter(Q(to_status__icontains=kind) | Q(report__tracking_number__icontains=kind))
        for event in reports[:wanted]:
            change = f"{event.from_status or '—'} → {event.to_status}"
            rows.append(
                (
                    key("report", event.at, event.pk),
                    "report",
                    event.actor_id,
                    change,
                    event.report.tracking_number,
                    event.note,
                )
            )
    if "routing" in audit.sources:
        routing = _window(RoutingAuditEvent.objects.all(), "at", audit, actors, source="routing", after=after)
        if kind:
            routing = routing.filter(kind__icontains=kind)
        for event in routing[:wanted]:
            subject = f"v{event.rule_set_version}" if event.rule_set_version else ""
            rows.append(
                (
                    key("routing", event.at, event.pk),
                    "routing",
                    event.actor_id,
                    event.kind,
                    subject,
                    _compact(event.detail),
                )
            )
    if "organization" in audit.sources:
        organization = _window(
            OrganizationEvent.objects.all(), "created_at", audit, actors, source="organization", after=after
        )
        if kind:
            organization = organization.filter(action__icontains=kind)
        for event in organization[:wanted]:
            rows.append(
                (
                    key("organization", event.created_at, event.pk),
                    "organization",
                    event.actor_id,
                    event.action,
                    str(event.object_id),
                    _compact(event.data),
                )
            )
    if "calendar" in audit.sources:
        calendar = _window(CalendarAuditEvent.objects.all(), "at", audit, actors, source="calendar", after=after)
        if kind:
            calendar = calendar.filter(kind__icontains=kind)
        for event in calendar[:wanted]:
            rows.append(
                (
                    key("calendar", event.at, event.pk),
                    "calendar",
                    event.actor_id,
                    event.kind,
                    "",
                    _compact(event.detail),
                )
            )
    rows.sort(key=lambda row: row[0], reverse=True)
    more = len(rows) > limit
    rows = rows[:limit]
    names = {user.pk: user.email for user in User.objects.filter(pk__in={row[2] for row in rows if row[2] is not None})}
    entries = [
        AuditEntry(
            source=source,
            at=cursor.at,
            actor_id=actor_id,
            actor=names.get(actor_id, "") if actor_id is not None else "sistem",
            kind=what,
            subject=subject,
            detail=detail,
        )
        for cursor, source, actor_id, what, subject, detail in rows
    ]
    return AuditPage(entries=entries, next=rows[-1][0] if more and rows else None)


def audit_entries(*, audit: AuditFilter, limit: int = 100) -> list[AuditEntry]:
    """The newest `limit` entries (at most AUDIT_PAGE_MAX) matching `audit`, newest first."""
    return audit_entries_page(audit=audit, limit=limit).entries


def audit_entries_all(*, audit: AuditFilter) -> Iterator[AuditEntry]:
    """Every entry matching `audit`, newest first, read a page (AUDIT_PAGE_MAX) at a time:
    what the CSV export streams, however long the history."""
    after: AuditCursor | None = None
    while True:
        found = audit_entries_page(audit=audit, limit=AUDIT_PAGE_MAX, after=after)
        yield from found.entries
        if found.next is None:
            return
        after = found.next


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
