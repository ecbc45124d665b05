"""The officials' inbox: the reports a person's seats handle or must know about, with their deadlines."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.errors import Invalid
from warga.organization.models import Membership, Position, Unit, UnitKind
from warga.organization.selectors import membership_active_q
from warga.reports.lifecycle import OPEN_STATUSES
from warga.reports.models import PRIORITY_RANK, Report
from warga.reports.words import DESCRIPTION_WORDS, description_words_query
from warga.routing.models import ReportRouting
from warga.routing.selectors._common import current_government


class SlaState(models.TextChoices):
    ON_TIME = "on_time", "Tepat waktu"
    DUE_SOON = "due_soon", "Segera jatuh tempo"
    OVERDUE = "overdue", "Terlambat"
    # Ended reports (resolved, closed, withdrawn ...) and chains that ran out have no clock.
    NO_DEADLINE = "no_deadline", "Tanpa tenggat berjalan"


# Urgent first: the stored values do not sort that way, so the rank is computed in the query.
_PRIORITY_RANK = Case(
    *(When(priority=priority, then=Value(rank)) for priority, rank in PRIORITY_RANK.items()),
    default=Value(len(PRIORITY_RANK)),
    output_field=models.IntegerField(),
)
INBOX_ORDERINGS: dict[str, tuple[Any, ...]] = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "due": (F("due_at").asc(nulls_last=True), "-created_at", "-id"),
    # Within one priority, the nearest deadline first.
    "priority": (_PRIORITY_RANK.asc(), F("due_at").asc(nulls_last=True), "-created_at", "-id"),
}
DUE_SOON = datetime.timedelta(hours=24)


# The inbox counts matching reports up to this many; past it, the total is a lower bound
# (`total_exact` False). Counting a head of government's million reports exactly costs seconds.
INBOX_COUNT_CAP = 10_000


@dataclass(frozen=True, kw_only=True)
class InboxFilters:
    """Which of the person's reports the inbox keeps; a field left None keeps them all. The
    inbox's list and its counts per SLA state take the same filters (the counts set
    `sla_state` aside: they are what it would select).

    `unit_id` keeps the reports that unit handles (disposed to it, or routed to it and not
    disposed elsewhere); `created_from`/`created_to` bound the day sent (inclusive, in the
    government's time zone); `search` matches any part of a tracking number when it is shaped
    like one (letters or digits, then digits, dots and dashes), otherwise reports whose
    description holds every word, each as a whole word or the start of one, any case
    (`warga.reports.words`)."""

    status: str | None = None
    category_code: str | None = None
    # The start of a village code (province, regency, district or village).
    area_prefix: str | None = None
    sla_state: str | None = None
    priority: str | None = None
    unit_id: int | None = None
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None
    search: str | None = None


@dataclass(frozen=True)
class InboxPage:
    reports: Sequence[Report]
    # Reports matching the filters, counted up to INBOX_COUNT_CAP; past it, a lower bound.
    total: int
    limit: int
    offset: int
    total_exact: bool = True


@tenant_scoped
def positions_held(*, user_id: uuid.UUID, on: datetime.date) -> list[tuple[int, int]]:
    """(position id, unit id) of every position the person holds on `on` here."""
    return list(
        Position.objects.filter(memberships__in=Membership.objects.filter(membership_active_q(on=on), user_id=user_id))
        .order_by()
        .distinct()
        .values_list("id", "unit_id")
    )


@tenant_scoped
def inbox_for_official(
    *,
    user_id: uuid.UUID,
    filters: InboxFilters = InboxFilters(),
    ordering: str = "newest",
    limit: int = 20,
    offset: int = 0,
    now: datetime.datetime | None = None,
) -> InboxPage:
    """Reports the person's current positions handle (their unit is the handling unit) or must
    know about (notified, or reached by escalation), with each report's running deadline
    (`due_at`) and SLA state (`sla_state`) annotated; ordering `priority` puts urgent reports
    first, then high, then normal. Three queries whatever the page size: positions held, the
    count, the page; ordering `due` reads the page in two steps (its ids in deadline order,
    then the reports), and one or two more once the page runs past the running deadlines.

    A report disposed (verified) to one of the person's units is theirs too, whatever routing
    chose. `filters` (InboxFilters) says which of them to keep.
    """
    if ordering not in INBOX_ORDERINGS:
        raise Invalid.on_field("ordering", f"Urutan '{ordering}' tidak dikenal: pilih {', '.join(INBOX_ORDERINGS)}.")
    now = now or timezone.now()
    found = _inbox_reports(user_id=user_id, filters=filters, now=now)
    if found is None:
        return InboxPage(reports=[], total=0, limit=limit, offset=offset)
    reports, routings = found
    if filters.sla_state:
        reports = _sla_state_filter(reports, routings, sla_state=filters.sla_state, now=now)
    # The count stops at the cap (one more row tells whether it was reached).
    counted = reports.order_by()[: INBOX_COUNT_CAP + 1].count()
    if ordering == "due":
        page = _page_by_deadline(reports, routings, offset=offset, limit=limit)
    else:
        page = list(reports.order_by(*INBOX_ORDERINGS[ordering])[offset : offset + limit])
    return InboxPage(
        reports=page,
        total=min(counted, INBOX_COUNT_CAP),
        limit=limit,
        offset=offset,
        total_exact=counted <= INBOX_COUNT_CAP,
    )


@tenant_scoped
def inbox_counts_by_sla_state(
    *, user_id: uuid.UUID, filters: InboxFilters = InboxFilters(), now: datetime.datetime | None = None
) -> dict[str, int]:
    """How many of the inbox's reports (under the same filters, `sla_state` aside) are overdue,
    due soon and on time: the counts above the inbox's list. Each counted up to
    INBOX_COUNT_CAP; one query per state, on the running-deadline index."""
    now = now or timezone.now()
    found = _inbox_reports(user_id=user_id, filters=filters, now=now)
    states = (SlaState.OVERDUE, SlaState.DUE_SOON, SlaState.ON_TIME)
    if found is None:
        return dict.fromkeys(states, 0)
    reports, routings = found
    return {
        state: _sla_state_filter(reports, routings, sla_state=state, now=now).order_by()[:INBOX_COUNT_CAP].count()
        for state in states
    }


_TRACKING_NUMBER_LIKE = re.compile(r"^[0-9A-Za-z]{2,3}[0-9.\-]*$")


def _inbox_reports(
    *, user_id: uuid.UUID, filters: InboxFilters, now: datetime.datetime
) -> tuple[QuerySet[Report], QuerySet[ReportRouting]] | None:
    """The person's reports under every filter but the SLA state (annotated with `due_at` and
    `sla_state`), and the routing rows that reach them; None when they hold no seat today."""
    government = current_government()
    zone = ZoneInfo(government.time_zone)
    held = positions_held(user_id=user_id, on=now.astimezone(zone).date())
    if not held:
        return None
    position_ids = [position_id for position_id, _ in held]
    unit_ids = [unit_id for _, unit_id in held]
    # A report disposed to one of the person's units has it as its routing row's handling unit
    # (routing_handling_unit_follow): one semi-join on the routing rows finds every report,
    # where "or disposed to the unit" on the reports themselves made the planner probe the
    # whole list of routing rows for every report (minutes at 1,000,000; docs/decisions/0076).
    routings = ReportRouting.objects.filter(Q(position_ids__overlap=position_ids) | Q(handling_unit_id__in=unit_ids))
    due = ReportRouting.objects.filter(report_id=OuterRef("pk")).values("current_due_at")[:1]
    reports = (
        Report.objects.filter(pk__in=routings.values("report_id"))
        # A deadline runs only while the report is open: an ended report is never overdue.
        .annotate(
            due_at=Case(
                When(status__in=OPEN_STATUSES, then=Subquery(due)),
                default=Value(None),
                output_field=models.DateTimeField(),
            )
        )
        .annotate(
            sla_state=Case(
                When(due_at__isnull=True, then=Value(SlaState.NO_DEADLINE.value)),
                When(due_at__lt=now, then=Value(SlaState.OVERDUE.value)),
                When(due_at__lt=now + DUE_SOON, then=Value(SlaState.DUE_SOON.value)),
                default=Value(SlaState.ON_TIME.value),
                output_field=models.CharField(),
            )
        )
    )
    if filters.status:
        reports = reports.filter(status=filters.status)
    if filters.category_code:
        reports = reports.filter(category_code=filters.category_code)
    if filters.area_prefix:
        reports = reports.filter(village_code__startswith=filters.area_prefix)
    if filters.priority:
        reports = reports.filter(priority=filters.priority)
    if (unit_id := filters.unit_id) is not None:
        reports = reports.filter(Q(unit_id=unit_id) | Q(unit__isnull=True, routing__handling_unit_id=unit_id))
    if filters.created_from is not None:
        start = datetime.datetime.combine(filters.created_from, datetime.time.min, tzinfo=zone)
        reports = reports.filter(created_at__gte=start)
    if filters.created_to is not None:
        day_after = filters.created_to + datetime.timedelta(days=1)
        reports = reports.filter(created_at__lt=datetime.datetime.combine(day_after, datetime.time.min, tzinfo=zone))
    words = " ".join((filters.search or "").split())
    if words:
        # Something shaped like (part of) a tracking number is looked up among tracking numbers
        # only, through their trigram index; "or in a description" would make the planner read
        # every report instead (docs/decisions/0076).
        if _TRACKING_NUMBER_LIKE.match(words):
            reports = reports.filter(tracking_number__icontains=words)
        elif query := description_words_query(words):
            reports = reports.annotate(description_words=DESCRIPTION_WORDS).filter(description_words=query)
        else:
            reports = reports.none()
    return reports, routings


def _page_by_deadline(
    reports: QuerySet[Report], routings: QuerySet[ReportRouting], *, offset: int, limit: int
) -> list[Report]:
    """One page in `due` order (INBOX_ORDERINGS), read in two parts so that the first follows
    the index of running deadlines instead of sorting every report the person can see: the
    reports with a running deadline, nearest first, read from their routing rows; then, once
    those run out, the others, newest first. Sorting the reports themselves by `due_at` took
    0.46 s for a head of government at 1,000,000 reports (docs/performance.md)."""
    running = routings.filter(running_due_at__isnull=False, report__in=reports.values("pk")).order_by(
        "running_due_at", "-report__created_at", "-report_id"
    )
    ids = list(running.values_list("report_id", flat=True)[offset : offset + limit])
    if len(ids) < limit:
        # Past the last running deadline: how many there are tells where the others start.
        with_deadline = offset + len(ids) if ids else running.count()
        others = reports.exclude(pk__in=running.values("report_id")).order_by("-created_at", "-id")
        start = max(offset - with_deadline, 0)
        ids.extend(others.values_list("pk", flat=True)[start : start + limit - len(ids)])
    found = reports.in_bulk(ids)
    return [found[pk] for pk in ids]


_Reports = TypeVar("_Reports", bound=QuerySet[Any])


def _sla_state_filter(
    reports: _Reports, routings: QuerySet[ReportRouting], *, sla_state: str, now: datetime.datetime
) -> _Reports:
    """Reports in one SLA state, the same answer as filtering on the `sla_state` annotation, but
    decided on the routing row's running deadline (`running_due_at`, set only while the report
    is open), which has an index of its own, while the annotation can only be computed report
    by report: seconds at a million reports (docs/decisions/0019)."""
    if sla_state == SlaState.NO_DEADLINE:
        chain_ran_out = routings.filter(current_due_at__isnull=True).values("report_id")
        return reports.filter(~Q(status__in=OPEN_STATUSES) | Q(pk__in=chain_ran_out))
    deadlines = {
        SlaState.OVERDUE: Q(running_due_at__lt=now),
        SlaState.DUE_SOON: Q(running_due_at__gte=now, running_due_at__lt=now + DUE_SOON),
        SlaState.ON_TIME: Q(running_due_at__gte=now + DUE_SOON),
    }
    running = routings.filter(deadlines[SlaState(sla_state)]).values("report_id")
    return reports.filter(status__in=OPEN_STATUSES, pk__in=running)


@tenant_scoped
def handling_unit_names(*, reports: Sequence[Report]) -> dict[int, str]:
    """The name of each report's handling unit (the unit it was disposed to, else the one
    routing chose); reports the government handles as a whole are left out. Two queries
    whatever the number of reports: what the inbox's rows show."""
    routed = dict(
        ReportRouting.objects.filter(report_id__in=[r.pk for r in reports if r.unit_id is None]).values_list(
            "report_id", "handling_unit_id"
        )
    )
    unit_of = {r.pk: r.unit_id or routed.get(r.pk) for r in reports}
    names = dict(Unit.objects.filter(pk__in={u for u in unit_of.values() if u}).values_list("pk", "name"))
    return {report_id: names[unit_id] for report_id, unit_id in unit_of.items() if unit_id in names}


@tenant_scoped
def inbox_unit_choices(*, user_id: uuid.UUID) -> list[Unit]:
    """Units worth filtering the inbox by: the person's own seats' units, and the government's
    agencies, external organisations, areas and kecamatan (kelurahan are reached through the
    area filter of the API instead: hundreds of them)."""
    government = current_government()
    held = positions_held(user_id=user_id, on=timezone.now().astimezone(ZoneInfo(government.time_zone)).date())
    kinds = (UnitKind.AGENCY, UnitKind.EXTERNAL, UnitKind.AREA, UnitKind.KECAMATAN)
    return list(
        Unit.objects.filter(Q(kind__in=kinds) | Q(pk__in=[unit_id for _, unit_id in held])).order_by("kind", "name")
    )
