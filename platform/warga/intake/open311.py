"""Reads for Open311 GeoReport v2 (docs/decisions/0056): services, service requests, status updates.

Open311's reads are public, so they show exactly what the public report page shows: a
`rahasia` report and a withdrawn one exist only for their own reporter (here: the API key
that filed them), and no answer ever names a reporter. Lists are decided from the public
report index (one query, whichever host asks), then each owning schema is read once for the
reports' text. Status changes are read from one government's schema: nothing here walks
every schema.

Our detailed status becomes Open311's `open`/`closed`; the detail goes to `status_notes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tenants.selectors import governments_ready
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.reporters import index_entry_is_reporters, index_rows_of
from warga.intake.selectors import hidden_from_public, village_codes_near_point
from warga.regions.selectors import villages_by_codes
from warga.reports.lifecycle import OPEN_STATUSES, Status
from warga.reports.models import Privacy, Report
from warga.reports.selectors import report_status_changes, reports_by_ids
from warga.taxonomy.models import Category, Handling
from warga.taxonomy.questions import Question, questions_by_category, questions_for
from warga.taxonomy.selectors import categories_active, category_get, category_names
from warga.web.ratelimit import Limit, rate_limit_consume

# The specification's defaults: the most recent 90 days, at most 1000 requests per answer.
DEFAULT_WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
OPEN, CLOSED = "open", "closed"


def open311_status(status: str) -> str:
    """Open311's two states: every status that still waits for the government is `open`."""
    return OPEN if status in OPEN_STATUSES else CLOSED


def open311_status_notes(status: str) -> str:
    """Our detailed status in words, with its code: `Sedang ditangani (in_progress)`."""
    return f"{Status(status).label} ({status})"


# --- Services ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    group: str
    has_questions: bool


def _service(category: Category, language: str, *, has_questions: bool) -> Service:
    name = category.name_en if language == "en" else category.name_id
    handling = Handling(category.handling).label
    return Service(
        code=category.code,
        name=name,
        description=f"{name}. {handling}.",
        group=handling,
        has_questions=has_questions,
    )


def open311_services(*, language: str = "id") -> list[Service]:
    """Every category that accepts reports (emergencies are referred to 112, not queued), with
    whether it asks questions (`metadata` in Open311). Two queries."""
    asking = questions_by_category()
    return [
        _service(category, language, has_questions=bool(asking.get(category.code)))
        for category in categories_active()
        if category.accepts_reports
    ]


@dataclass(frozen=True)
class ServiceDefinition:
    code: str
    questions: list[Question]


def open311_service_definition(*, code: str) -> ServiceDefinition | None:
    category = category_get(code=code)
    if category is None or not category.accepts_reports:
        return None
    return ServiceDefinition(code=category.code, questions=questions_for(category.code))


# --- Service requests --------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRequest:
    service_request_id: str
    status: str
    status_notes: str
    service_code: str
    service_name: str
    description: str
    agency_responsible: str
    requested_datetime: datetime
    updated_datetime: datetime
    address: str
    address_id: str
    lat: float
    long: float


@dataclass(frozen=True)
class RequestQuery:
    """What GET requests asks for. `ids` given: those requests and nothing else matters."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    limit: int = MAX_REQUESTS


def _visible(viewer: User | AnonymousUser) -> Q:
    public = ~Q(privacy=Privacy.RAHASIA) & ~Q(status=Status.WITHDRAWN)
    return public | index_rows_of(viewer.pk) if viewer.is_authenticated else public


def _status_values(statuses: Iterable[str]) -> list[str]:
    wanted = set(statuses)
    return sorted(status.value for status in Status if open311_status(status.value) in wanted)


def _entries(*, government: Government | None, viewer: User | AnonymousUser, query: RequestQuery) -> list[ReportIndex]:
    entries = ReportIndex.objects.select_related("government").filter(_visible(viewer))
    if government is not None:
        entries = entries.filter(government=government)
    if query.ids:
        return list(entries.filter(tracking_number__in=query.ids).order_by("-created_at", "-id")[: len(query.ids)])
    if query.service_codes:
        entries = entries.filter(category_code__in=query.service_codes)
    if query.statuses:
        entries = entries.filter(status__in=_status_values(query.statuses))
    end = query.end or timezone.now()
    start = query.start or end - DEFAULT_WINDOW
    entries = entries.filter(created_at__gte=start, created_at__lte=end)
    return list(entries.order_by("-created_at", "-id")[: min(query.limit, MAX_REQUESTS)])


def open311_requests(
    *, government: Government | None, viewer: User | AnonymousUser, query: RequestQuery, language: str = "id"
) -> list[ServiceRequest]:
    """Service requests for GET requests, newest first: on a government host (`government`)
    only its own, on the public host every government's. One query on the index, one per
    owning schema, one for the places, one for the category names."""
    entries = _entries(government=government, viewer=viewer, query=query)
    by_government: dict[int, list[ReportIndex]] = {}
    for entry in entries:
        by_government.setdefault(entry.government_id, []).append(entry)
    reports: dict[str, tuple[Report, Government]] = {}
    for group in by_government.values():
        owner = group[0].government
        mine = {entry.report_id for entry in group if index_entry_is_reporters(entry=entry, user=viewer)}
        with government_context(owner):
            for report in reports_by_ids(report_ids=[entry.report_id for entry in group]):
                # Decided again on the report itself, as the public page does.
                if report.pk in mine or not hidden_from_public(privacy=report.privacy, status=report.status):
                    reports[report.tracking_number] = (report, owner)
    codes = [report.village_code for report, _ in reports.values()]
    places = {village.code: village.full_path for village in villages_by_codes(codes=codes)}
    names = category_names(codes={report.category_code for report, _ in reports.values()}, language=language)
    found = []
    for entry in entries:
        if entry.tracking_number not in reports:
            continue
        report, owner = reports[entry.tracking_number]
        zone = ZoneInfo(owner.time_zone)
        found.append(
            ServiceRequest(
                service_request_id=report.tracking_number,
                status=open311_status(report.status),
                status_notes=open311_status_notes(report.status),
                service_code=report.category_code,
                service_name=names.get(report.category_code, report.category_code),
                description=report.description,
                agency_responsible=owner.name,
                requested_datetime=report.created_at.astimezone(zone),
                updated_datetime=report.updated_at.astimezone(zone),
                address=places.get(report.village_code, ""),
                address_id=report.village_code,
                lat=report.latitude,
                long=report.longitude,
            )
        )
    return found


def open311_request(
    *, government: Government | None, viewer: User | AnonymousUser, service_request_id: str, language: str = "id"
) -> ServiceRequest | None:
    """One service request, or None: unknown, another government's (on a government host)
    and hidden answer alike."""
    query = RequestQuery(ids=(service_request_id,), limit=1)
    found = open311_requests(government=government, viewer=viewer, query=query, language=language)
    return found[0] if found else None


def open311_token(*, government: Government | None, reporter: User, token: str) -> str | None:
    """The service request a key filed with this token (its idempotency key) on this host, else None."""
    entries = ReportIndex.objects.filter(index_rows_of(reporter.pk), idempotency_key=token)
    if government is not None:
        entries = entries.filter(government=government)
    return entries.values_list("tracking_number", flat=True).first()


# --- Status changes (the servicerequestupdates extension) -----------------------------------


@dataclass(frozen=True)
class RequestUpdate:
    update_id: str
    service_request_id: str
    status: str
    status_notes: str
    updated_datetime: datetime


def open311_jurisdiction(*, code: str) -> Government | None:
    """A ready government named by Kemendagri code or host slug (`nasional` for the national
    triage desk), for `jurisdiction_id` on the public host."""
    text = code.strip()
    if not text:
        return None
    return governments_ready().filter(Q(code=text) | Q(slug=text)).first()


def open311_updates(*, government: Government, start: datetime, end: datetime) -> list[RequestUpdate]:
    """Status changes of `government`'s reports in [start, end), oldest first, at most
    MAX_REQUESTS; never of a rahasia or withdrawn report."""
    zone = ZoneInfo(government.time_zone)
    with government_context(government):
        events = report_status_changes(since=start, until=end, limit=MAX_REQUESTS, public_only=True)
    return [
        RequestUpdate(
            update_id=str(event.pk),
            service_request_id=event.report.tracking_number,
            status=open311_status(event.to_status),
            status_notes=open311_status_notes(event.to_status),
            updated_datetime=event.at.astimezone(zone),
        )
        for event in events
        if not hidden_from_public(privacy=event.report.privacy, status=event.report.status)
    ]


def open311_village(*, address_id: str, latitude: float, longitude: float) -> str:
    """The kelurahan/desa of a new request: `address_id` when given (its Kemendagri code), else
    the village most reported around the point (warga.intake.selectors), else ""."""
    if address_id:
        return address_id
    near = village_codes_near_point(latitude=latitude, longitude=longitude, limit=1)
    return near[0] if near else ""


def open311_lookup_budget_spend(*, ip_key: str | None, numbers: int) -> int:
    """Spend the public look-up budget (docs/decisions/0030) once per tracking number a read
    names, before any is looked at: Open311 must not be a faster way to walk the numbers than
    the report page. 0 when allowed, else the seconds until the budget frees up. Shared with
    the report page's look-up, in the `shared` cache."""
    limit = Limit(amount=settings.WARGA_LOOKUP_IP_LIMIT, seconds=settings.WARGA_LOOKUP_IP_WINDOW_SECONDS)
    for _ in range(numbers):
        decision = rate_limit_consume(
            action="report_lookup", account_id=None, ip=ip_key, per_account=limit, per_ip=limit
        )
        if not decision.allowed:
            return max(1, decision.retry_after)
    return 0
