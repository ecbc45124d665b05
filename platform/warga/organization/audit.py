"""The admin's audit log: the append-only trails of reports, routing, the organisation and the
working calendar of the current government, read as one list (newest first) with filters.

Each trail keeps its own table (written by its own services); this module only reads them, a
page at a time, so the list stays cheap however long the history grows."""

from __future__ import annotations

import datetime
import json
import uuid
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


def _window(queryset: QuerySet[Any], field: str, audit: AuditFilter, actors: list[uuid.UUID] | None) -> QuerySet[Any]:
    if audit.since is not None:
        queryset = queryset.filter(**{f"{field}__gte": audit.since})
    if audit.until is not None:
        queryset = queryset.filter(**{f"{field}__lt": audit.until})
    if actors is not None:
        queryset = queryset.filter(actor_id__in=actors)
    return queryset.order_by(f"-{field}", "-id")


def audit_entries(*, audit: AuditFilter, limit: int = 100) -> list[AuditEntry]:
    """The newest `limit` entries (at most AUDIT_PAGE_MAX) matching `audit`, newest first:
    at most `limit` rows read from each trail, merged."""
    limit = max(1, min(limit, AUDIT_PAGE_MAX))
    actors: list[uuid.UUID] | None = None
    if audit.actor_email:
        actors = list(User.objects.filter(email__icontains=audit.actor_email.strip()).values_list("pk", flat=True))
    kind = audit.kind.strip()
    entries: list[AuditEntry] = []
    rows: list[tuple[str, datetime.datetime, uuid.UUID | None, str, str, str]] = []
    if "report" in audit.sources:
        reports = _window(ReportEvent.objects.select_related("report"), "at", audit, actors)
        if kind:
            reports = reports.filter(Q(to_status__icontains=kind) | Q(report__tracking_number__icontains=kind))
        for event in reports[:limit]:
            change = f"{event.from_status or '—'} → {event.to_status}"
            rows.append(("report", event.at, event.actor_id, change, event.report.tracking_number, event.note))
    if "routing" in audit.sources:
        routing = _window(RoutingAuditEvent.objects.all(), "at", audit, actors)
        if kind:
            routing = routing.filter(kind__icontains=kind)
        for event in routing[:limit]:
            subject = f"v{event.rule_set_version}" if event.rule_set_version else ""
            rows.append(("routing", event.at, event.actor_id, event.kind, subject, _compact(event.detail)))
    if "organization" in audit.sources:
        organization = _window(OrganizationEvent.objects.all(), "created_at", audit, actors)
        if kind:
            organization = organization.filter(action__icontains=kind)
        for event in organization[:limit]:
            rows.append(
                (
                    "organization",
                    event.created_at,
                    event.actor_id,
                    event.action,
                    str(event.object_id),
                    _compact(event.data),
                )
            )
    if "calendar" in audit.sources:
        calendar = _window(CalendarAuditEvent.objects.all(), "at", audit, actors)
        if kind:
            calendar = calendar.filter(kind__icontains=kind)
        for event in calendar[:limit]:
            rows.append(("calendar", event.at, event.actor_id, event.kind, "", _compact(event.detail)))
    rows.sort(key=lambda row: row[1], reverse=True)
    rows = rows[:limit]
    names = {user.pk: user.email for user in User.objects.filter(pk__in={row[2] for row in rows if row[2] is not None})}
    for source, at, actor_id, what, subject, detail in rows:
        actor = names.get(actor_id, "") if actor_id is not None else "sistem"
        entries.append(
            AuditEntry(source=source, at=at, actor_id=actor_id, actor=actor, kind=what, subject=subject, detail=detail)
        )
    return entries


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
