"""The routing decision itself.

`routing_plan` is the one place that decides: the simulator shows its answer and
`report_route` stores it, so the two cannot disagree."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from tenants.scope import any_scope, tenant_scoped
from warga.organization.models import Position, PositionKind, Unit, UnitKind
from warga.reports.models import Priority
from warga.routing.configuration import RoutingConfiguration, routing_configuration
from warga.routing.errors import RoutingNotConfigured
from warga.routing.models import ReportRouting, Rule, RuleSet, Target
from warga.routing.selectors._common import current_government
from warga.routing.selectors.holders import HEADS_OF_GOVERNMENT, Holder, Supervisor, supervisor_of
from warga.routing.selectors.rules import rules_of
from warga.taxonomy.selectors import category_get


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
        elif unit.kind == UnitKind.GOVERNMENT and position.kind in HEADS_OF_GOVERNMENT:
            found[Target.HEAD_OF_GOVERNMENT].append(position)
        elif unit.kind == UnitKind.GOVERNMENT and position.kind == PositionKind.ADMIN_KOORDINATOR:
            found[Target.ADMIN_KOORDINATOR].append(position)
        elif handling_unit is not None and unit.pk == handling_unit.pk and position.kind == PositionKind.KEPALA_DINAS:
            found[Target.HANDLING_HEAD].append(position)
    return found


@tenant_scoped
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


@tenant_scoped
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


@tenant_scoped
def report_routed_unit_id(*, report_id: int) -> int | None:
    """The handling unit routing chose for a report of the current schema (None: the
    government itself, or not routed)."""
    return ReportRouting.objects.filter(report_id=report_id).values_list("handling_unit_id", flat=True).first()


@tenant_scoped
def report_running_deadline(*, report_id: int) -> datetime.datetime | None:
    """When the current step of a report of the current schema is due, while it is open and its
    chain still runs; None otherwise (what the public page shows as its deadline)."""
    return ReportRouting.objects.filter(report_id=report_id).values_list("running_due_at", flat=True).first()


@tenant_scoped
def report_routing_get(*, report_id: int) -> ReportRouting | None:
    """What routing decided for a report of the current schema (rule, handling unit, the
    escalation chain with each step's deadline), or None when it was never routed."""
    return ReportRouting.objects.filter(report_id=report_id).select_related("handling_unit").first()


@any_scope  # builds a query; beat's dispatcher runs it in every schema at once
def routings_overdue(*, now: datetime.datetime | None = None) -> QuerySet[ReportRouting]:
    """Routings whose running step is overdue (`running_due_at` is kept only while the report
    is open). Beat's probe for `routing.escalate_overdue` across every schema
    (settings.WARGA_FAN_OUT_PROBES): one table, the `routing_running_due` partial index; a
    superset of what `escalations_run` takes, which also checks the report's status."""
    return ReportRouting.objects.filter(running_due_at__lte=now or timezone.now())
