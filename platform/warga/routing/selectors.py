"""Reads of the current government's routing rules, and the routing decision itself.

`routing_plan` is the one place that decides: the simulator shows its answer and
`report_route` stores it, so the two cannot disagree.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.context import current_schema, in_public_schema, tenant_connection
from tenants.models import Government
from warga.errors import Conflict, Invalid, WrongScope
from warga.organization.models import Membership, Position, PositionKind, Unit, UnitKind
from warga.organization.selectors import membership_active_q
from warga.reports.lifecycle import OPEN_STATUSES
from warga.reports.models import PRIORITY_RANK, Priority, Report
from warga.reports.words import DESCRIPTION_WORDS, description_words_query
from warga.routing.configuration import RoutingConfiguration, routing_configuration
from warga.routing.models import ReportRouting, RoutingAuditEvent, Rule, RuleSet, Target
from warga.taxonomy.selectors import categories_active, category_get


class RoutingNotConfigured(Conflict):
    """The government has no active rule set (its defaults were never seeded)."""

    code = "not_configured"
    default_message = _("This government's routing rules are not set up yet.")


def current_government() -> Government:
    if in_public_schema():
        raise WrongScope("Routing runs inside a government's schema, not public.")
    government = getattr(tenant_connection(), "tenant", None)
    if not isinstance(government, Government) or government.schema_name != current_schema():
        raise WrongScope(f"No government is in context for schema {current_schema()!r}.")
    return government


def rule_set_active() -> RuleSet | None:
    return RuleSet.objects.filter(is_active=True).first()


def rule_sets_list() -> QuerySet[RuleSet]:
    return RuleSet.objects.order_by("-version")


def rules_of(*, rule_set: RuleSet) -> list[Rule]:
    return list(rule_set.rules.select_related("area_unit", "handling_unit").order_by("order"))


def rule_as_data(rule: Rule) -> dict[str, Any]:
    """A rule without ids of its own: what versions are compared and copied by."""
    return {
        "order": rule.order,
        "name": rule.name,
        "category_codes": list(rule.category_codes),
        "area_prefix": rule.area_prefix,
        "area_unit_id": rule.area_unit_id,
        "report_types": list(rule.report_types),
        "priorities": list(rule.priorities),
        "handling_unit_id": rule.handling_unit_id,
        "notify": list(rule.notify),
        "escalation": list(rule.escalation),
    }


def _mismatch(rule: Rule, *, category_code: str, village_code: str, type: str, priority: str) -> str | None:  # noqa: A002
    """Why `rule` does not apply, or None when it does."""
    if rule.category_codes and category_code not in rule.category_codes:
        return f"kategori {category_code} tidak termasuk {', '.join(rule.category_codes)}"
    if rule.area_prefix and not village_code.startswith(rule.area_prefix):
        return f"wilayah {village_code} di luar awalan {rule.area_prefix}"
    if rule.area_unit is not None and not village_code.startswith(rule.area_unit.region_code or "\0"):
        return f"wilayah {village_code} di luar unit {rule.area_unit.name}"
    if rule.report_types and type not in rule.report_types:
        return f"jenis {type} tidak termasuk {', '.join(rule.report_types)}"
    if rule.priorities and priority not in rule.priorities:
        return f"prioritas {priority or '(tidak ada)'} tidak termasuk {', '.join(rule.priorities)}"
    return None


def _why(rule: Rule) -> str:
    parts = [
        f"kategori {', '.join(rule.category_codes)}" if rule.category_codes else "semua kategori",
        f"wilayah berawalan {rule.area_prefix}" if rule.area_prefix else "",
        f"wilayah unit {rule.area_unit.name}" if rule.area_unit is not None else "",
        f"jenis {', '.join(rule.report_types)}" if rule.report_types else "",
        f"prioritas {', '.join(rule.priorities)}" if rule.priorities else "",
    ]
    return f"Aturan #{rule.order} '{rule.name}' cocok: " + "; ".join(part for part in parts if part) + "."


@dataclass(frozen=True)
class Holder:
    user_id: uuid.UUID
    is_acting: bool


@dataclass(frozen=True)
class NotifiedPosition:
    target: str
    position_id: int
    kind: str
    title: str
    holders: tuple[Holder, ...]


@dataclass(frozen=True)
class EscalationStep:
    target: str
    position_ids: tuple[int, ...]
    titles: tuple[str, ...]
    holders: tuple[Holder, ...]
    due_at: datetime.datetime


@dataclass(frozen=True)
class RoutingPlan:
    rule_set_version: int
    rule: Rule
    reason: str
    skipped: tuple[str, ...]
    handling_unit: Unit | None
    notified: tuple[NotifiedPosition, ...]
    steps: tuple[EscalationStep, ...]
    recipients: tuple[uuid.UUID, ...] = field(default=())
    # Who a citizen's dispute would go to (asked for by the simulator only).
    supervisor: Supervisor | None = None
    # The priority the rules' conditions were checked against.
    priority: str = ""


_HEADS_OF_VILLAGE = (PositionKind.LURAH, PositionKind.KEPALA_DESA)
_HEADS_OF_GOVERNMENT = (PositionKind.GUBERNUR, PositionKind.BUPATI, PositionKind.WALIKOTA)


def _positions_by_target(
    *, configuration: RoutingConfiguration, village_code: str, handling_unit: Unit | None
) -> dict[str, list[Position]]:
    """Every position a target can name for a report in `village_code`, from the cached
    configuration's positions (each with its unit), in id order."""
    district_code = village_code.rsplit(".", 1)[0]
    regency_code = village_code[:5]
    found: dict[str, list[Position]] = {target.value: [] for target in Target}
    near = configuration.positions_near(
        village_code=village_code, handling_unit_id=handling_unit.pk if handling_unit is not None else None
    )
    for position in near:
        unit = position.unit
        if position.kind in _HEADS_OF_VILLAGE and unit.region_code == village_code:
            found[Target.VILLAGE_HEAD].append(position)
        elif position.kind == PositionKind.CAMAT and unit.region_code == district_code:
            found[Target.CAMAT].append(position)
        elif (
            position.kind == PositionKind.WALIKOTA_ADMINISTRASI
            and unit.kind == UnitKind.AREA
            and unit.region_code == regency_code
        ):
            found[Target.AREA_HEAD].append(position)
        elif unit.kind == UnitKind.GOVERNMENT and position.kind in _HEADS_OF_GOVERNMENT:
            found[Target.HEAD_OF_GOVERNMENT].append(position)
        elif unit.kind == UnitKind.GOVERNMENT and position.kind == PositionKind.ADMIN_KOORDINATOR:
            found[Target.ADMIN_KOORDINATOR].append(position)
        elif handling_unit is not None and unit.pk == handling_unit.pk and position.kind == PositionKind.KEPALA_DINAS:
            found[Target.HANDLING_HEAD].append(position)
    return found


def holders_of(*, position_ids: list[int], on: datetime.date) -> dict[int, tuple[Holder, ...]]:
    """Current holders (memberships active on `on`) of each position, in one query."""
    found: dict[int, list[Holder]] = {pk: [] for pk in position_ids}
    memberships = Membership.objects.filter(membership_active_q(on=on), position_id__in=position_ids).order_by(
        "position_id", "is_acting", "user_id"
    )
    for membership in memberships:
        found[membership.position_id].append(Holder(user_id=membership.user_id, is_acting=membership.is_acting))
    return {pk: tuple(holders) for pk, holders in found.items()}


# The seat that heads each kind of unit. A unit's supervisor is the head of its parent unit:
# kelurahan/desa -> camat, kecamatan -> wali kota/bupati (or, in DKI Jakarta, the wali kota
# administrasi of its area), dinas/badan -> the head of government. A region that wants
# another supervisor changes its unit tree (the parent), not this table.
HEADS_OF_UNIT: dict[str, tuple[str, ...]] = {
    UnitKind.GOVERNMENT: _HEADS_OF_GOVERNMENT,
    UnitKind.AREA: (PositionKind.WALIKOTA_ADMINISTRASI,),
    UnitKind.KECAMATAN: (PositionKind.CAMAT,),
    UnitKind.KELURAHAN: (PositionKind.LURAH,),
    UnitKind.DESA: (PositionKind.KEPALA_DESA,),
    UnitKind.AGENCY: (PositionKind.KEPALA_DINAS,),
    UnitKind.EXTERNAL: (),
}


@dataclass(frozen=True)
class Supervisor:
    """Who answers for a handling unit when a citizen disputes its resolution.

    `unit` is the unit whose head it is; `skipped` names the levels passed over on the way up
    because nobody held their head seat on the day asked about.
    """

    unit: Unit
    position_ids: tuple[int, ...]
    titles: tuple[str, ...]
    holders: tuple[Holder, ...]
    skipped: tuple[str, ...]


def supervisor_of(*, handling_unit: Unit | None, on: datetime.date) -> Supervisor:
    """The supervisor of `handling_unit` (None: the government itself) on `on`.

    The head seat of the handling unit's parent; when nobody holds it that day, the head of
    the next unit up, and so on to the head of government. A report the government handles
    itself (no unit, or the root) goes to the head of government. When even that seat is
    empty, the admin koordinator answers, so a dispute always reaches someone who is there.
    One query per level of the tree (at most four).
    """
    root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
    unit = root
    if handling_unit is not None and handling_unit.parent_id is not None:
        unit = Unit.objects.get(pk=handling_unit.parent_id)
    skipped: list[str] = []
    while True:
        positions = list(Position.objects.filter(unit=unit, kind__in=HEADS_OF_UNIT.get(unit.kind, ())).order_by("id"))
        holders = holders_of(position_ids=[p.pk for p in positions], on=on)
        if any(holders.values()) or unit.parent_id is None:
            break
        skipped.append(unit.name)
        unit = Unit.objects.get(pk=unit.parent_id)
    if not any(holders.values()):
        coordinators = list(Position.objects.filter(unit=root, kind=PositionKind.ADMIN_KOORDINATOR).order_by("id"))
        coordinator_holders = holders_of(position_ids=[p.pk for p in coordinators], on=on)
        if any(coordinator_holders.values()):
            skipped.append(root.name)
            positions, holders = coordinators, coordinator_holders
    return Supervisor(
        unit=unit,
        position_ids=tuple(p.pk for p in positions),
        titles=tuple(p.title for p in positions),
        holders=tuple(h for p in positions for h in holders.get(p.pk, ())),
        skipped=tuple(skipped),
    )


def routing_plan(
    *,
    category_code: str,
    village_code: str,
    type: str,  # noqa: A002 -- the domain word, as on the report
    priority: str = "",
    start: datetime.datetime | None = None,
    rule_set: RuleSet | None = None,
    with_supervisor: bool = False,
    configuration: RoutingConfiguration | None = None,
) -> RoutingPlan:
    """Decide how a report would be routed now under the active rule set (or `rule_set`, another
    version), reading rules, positions, holders and calendar from the per-process routing
    configuration (warga.routing.configuration: one statement while nothing changed).

    The first rule (by order) whose conditions all hold wins; the answer names it, says why
    it matched and why each earlier rule did not, and resolves the positions to notify and
    the escalation chain to today's holders and to due times on the working calendar.
    With `with_supervisor`, it also names who a citizen's dispute of the resolution would
    reach (see supervisor_of). Raises RoutingNotConfigured when no rule set is active or no
    rule matches.
    """
    government = current_government()
    configuration = configuration or routing_configuration(government=government)
    if rule_set is None or (configuration.rule_set is not None and rule_set.pk == configuration.rule_set.pk):
        rule_set, rules = configuration.rule_set, configuration.rules
    else:
        rules = tuple(rules_of(rule_set=rule_set))
    if rule_set is None:
        raise RoutingNotConfigured(
            f"{government.name} belum memiliki aturan penerusan aktif: jalankan routing_seed_defaults(). "
            "(No active routing rules.)"
        )
    skipped: list[str] = []
    matched: Rule | None = None
    for rule in rules:
        why_not = _mismatch(rule, category_code=category_code, village_code=village_code, type=type, priority=priority)
        if why_not is None:
            matched = rule
            break
        skipped.append(f"#{rule.order} {rule.name}: {why_not}")
    if matched is None:
        raise RoutingNotConfigured(
            f"Tidak ada aturan v{rule_set.version} yang cocok untuk {category_code} di {village_code}: "
            "tambahkan aturan tanpa syarat di akhir. (No rule matched; add a catch-all rule.)"
        )
    handling_unit = matched.handling_unit
    by_target = _positions_by_target(
        configuration=configuration, village_code=village_code, handling_unit=handling_unit
    )
    calendar = configuration.working_calendar(government=government)
    start = start or timezone.now()
    today = start.astimezone(calendar.zone).date()
    step_positions = [by_target.get(str(step["target"]), []) for step in matched.escalation]
    wanted = {p.pk for target in matched.notify for p in by_target[target]} | {
        p.pk for ps in step_positions for p in ps
    }
    holders = {
        pk: tuple(Holder(user_id=s.user_id, is_acting=s.is_acting) for s in seats)
        for pk, seats in configuration.holders_on(position_ids=sorted(wanted), day=today).items()
    }
    notified = tuple(
        NotifiedPosition(target=target, position_id=p.pk, kind=p.kind, title=p.title, holders=holders.get(p.pk, ()))
        for target in matched.notify
        for p in by_target[target]
    )
    steps: list[EscalationStep] = []
    due = start
    for step, positions in zip(matched.escalation, step_positions, strict=True):
        due = calendar.due_at(
            start=due, working_days=step.get("working_days"), working_minutes=step.get("working_minutes")
        )
        steps.append(
            EscalationStep(
                target=str(step["target"]),
                position_ids=tuple(p.pk for p in positions),
                titles=tuple(p.title for p in positions),
                holders=tuple(h for p in positions for h in holders.get(p.pk, ())),
                due_at=due,
            )
        )
    recipients = tuple(dict.fromkeys(h.user_id for n in notified for h in n.holders))
    return RoutingPlan(
        rule_set_version=rule_set.version,
        rule=matched,
        reason=_why(matched),
        skipped=tuple(skipped),
        handling_unit=handling_unit,
        notified=notified,
        steps=tuple(steps),
        recipients=recipients,
        supervisor=supervisor_of(handling_unit=handling_unit, on=today) if with_supervisor else None,
        priority=priority,
    )


def routing_simulate(
    *,
    category_code: str,
    village_code: str,
    type: str,  # noqa: A002
    priority: str | None = None,
    start: datetime.datetime | None = None,
) -> RoutingPlan:
    """The dry run: what `report_route` would do for such a report now, and who a dispute of
    its resolution would reach. Writes nothing.

    Without `priority`, the one a new report of the category gets (its default in the
    taxonomy; normal for a code the taxonomy does not know), as intake would set it.
    """
    if not priority:
        category = category_get(code=category_code)
        priority = category.default_priority if category is not None else Priority.NORMAL
    return routing_plan(
        category_code=category_code,
        village_code=village_code,
        type=type,
        priority=priority,
        start=start,
        with_supervisor=True,
    )


def report_routed_unit_id(*, report_id: int) -> int | None:
    """The handling unit routing chose for a report of the current schema (None: the
    government itself, or not routed)."""
    return ReportRouting.objects.filter(report_id=report_id).values_list("handling_unit_id", flat=True).first()


def report_running_deadline(*, report_id: int) -> datetime.datetime | None:
    """When the current step of a report of the current schema is due, while it is open and its
    chain still runs; None otherwise (what the public page shows as its deadline)."""
    return ReportRouting.objects.filter(report_id=report_id).values_list("running_due_at", flat=True).first()


# --- the officials' inbox --------------------------------------------------------------------------


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


@dataclass(frozen=True)
class InboxPage:
    reports: Sequence[Report]
    # Reports matching the filters, counted up to INBOX_COUNT_CAP; past it, a lower bound.
    total: int
    limit: int
    offset: int
    total_exact: bool = True


def positions_held(*, user_id: uuid.UUID, on: datetime.date) -> list[tuple[int, int]]:
    """(position id, unit id) of every position the person holds on `on` here."""
    return list(
        Position.objects.filter(memberships__in=Membership.objects.filter(membership_active_q(on=on), user_id=user_id))
        .order_by()
        .distinct()
        .values_list("id", "unit_id")
    )


def inbox_for_official(
    *,
    user_id: uuid.UUID,
    status: str | None = None,
    category_code: str | None = None,
    area_prefix: str | None = None,
    sla_state: str | None = None,
    priority: str | None = None,
    unit_id: int | None = None,
    created_from: datetime.date | None = None,
    created_to: datetime.date | None = None,
    search: str | None = None,
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
    chose. `unit_id` keeps the reports that unit handles (disposed to it, or routed to it and
    not disposed elsewhere); `created_from`/`created_to` bound the day sent (inclusive, in the
    government's time zone); `search` matches any part of a tracking number when it is shaped
    like one (letters or digits, then digits, dots and dashes), otherwise reports whose
    description holds every word, each as a whole word or the start of one, any case
    (`warga.reports.words`).
    """
    if ordering not in INBOX_ORDERINGS:
        raise Invalid.on_field("ordering", f"Urutan '{ordering}' tidak dikenal: pilih {', '.join(INBOX_ORDERINGS)}.")
    now = now or timezone.now()
    found = _inbox_reports(
        user_id=user_id,
        now=now,
        status=status,
        category_code=category_code,
        area_prefix=area_prefix,
        priority=priority,
        unit_id=unit_id,
        created_from=created_from,
        created_to=created_to,
        search=search,
    )
    if found is None:
        return InboxPage(reports=[], total=0, limit=limit, offset=offset)
    reports, routings = found
    if sla_state:
        reports = _sla_state_filter(reports, routings, sla_state=sla_state, now=now)
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


def inbox_counts_by_sla_state(
    *,
    user_id: uuid.UUID,
    status: str | None = None,
    category_code: str | None = None,
    area_prefix: str | None = None,
    priority: str | None = None,
    unit_id: int | None = None,
    created_from: datetime.date | None = None,
    created_to: datetime.date | None = None,
    search: str | None = None,
    now: datetime.datetime | None = None,
) -> dict[str, int]:
    """How many of the inbox's reports (under the same filters, SLA state aside) are overdue,
    due soon and on time: the counts above the inbox's list. Each counted up to
    INBOX_COUNT_CAP; one query per state, on the running-deadline index."""
    now = now or timezone.now()
    found = _inbox_reports(
        user_id=user_id,
        now=now,
        status=status,
        category_code=category_code,
        area_prefix=area_prefix,
        priority=priority,
        unit_id=unit_id,
        created_from=created_from,
        created_to=created_to,
        search=search,
    )
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
    *,
    user_id: uuid.UUID,
    now: datetime.datetime,
    status: str | None,
    category_code: str | None,
    area_prefix: str | None,
    priority: str | None,
    unit_id: int | None,
    created_from: datetime.date | None,
    created_to: datetime.date | None,
    search: str | None,
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
    if status:
        reports = reports.filter(status=status)
    if category_code:
        reports = reports.filter(category_code=category_code)
    if area_prefix:
        reports = reports.filter(village_code__startswith=area_prefix)
    if priority:
        reports = reports.filter(priority=priority)
    if unit_id is not None:
        reports = reports.filter(Q(unit_id=unit_id) | Q(unit__isnull=True, routing__handling_unit_id=unit_id))
    if created_from is not None:
        start = datetime.datetime.combine(created_from, datetime.time.min, tzinfo=zone)
        reports = reports.filter(created_at__gte=start)
    if created_to is not None:
        end = datetime.datetime.combine(created_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        reports = reports.filter(created_at__lt=end)
    words = " ".join((search or "").split())
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


def report_routing_get(*, report_id: int) -> ReportRouting | None:
    """What routing decided for a report of the current schema (rule, handling unit, the
    escalation chain with each step's deadline), or None when it was never routed."""
    return ReportRouting.objects.filter(report_id=report_id).select_related("handling_unit").first()


# --- for the admin console -----------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryRoute:
    """Where reports of one category go when no area, type or priority condition applies."""

    category_code: str
    category_name: str
    rule: Rule | None
    handling_unit: Unit | None


def category_routes(*, rule_set: RuleSet) -> list[CategoryRoute]:
    """For each active category, the first rule that takes it by category alone (or a rule
    without conditions): the category -> unit mapping as the admin reads it."""
    rules = [
        rule
        for rule in rules_of(rule_set=rule_set)
        if not (rule.area_prefix or rule.area_unit_id or rule.report_types or rule.priorities)
    ]
    routes = []
    for category in categories_active():
        rule = next((r for r in rules if not r.category_codes or category.code in r.category_codes), None)
        routes.append(
            CategoryRoute(
                category_code=category.code,
                category_name=category.name_id,
                rule=rule,
                handling_unit=rule.handling_unit if rule is not None else None,
            )
        )
    return routes


def rule_set_change(*, version: int) -> dict[str, Any] | None:
    """What saving `version` changed (its audit event's detail: previous version, note,
    rule-by-rule diff), or None for a version without one."""
    event = RoutingAuditEvent.objects.filter(
        kind__in=("rule_set.saved", "rule_set.restored"), rule_set_version=version
    ).first()
    return dict(event.detail) if event is not None else None


def rule_set_get(*, version: int) -> RuleSet | None:
    return RuleSet.objects.filter(version=version).first()


def routings_overdue(*, now: datetime.datetime | None = None) -> QuerySet[ReportRouting]:
    """Routings whose running step is overdue (`running_due_at` is kept only while the report
    is open). Beat's probe for `routing.escalate_overdue` across every schema
    (settings.WARGA_FAN_OUT_PROBES): one table, the `routing_running_due` partial index; a
    superset of what `escalations_run` takes, which also checks the report's status."""
    return ReportRouting.objects.filter(running_due_at__lte=now or timezone.now())
