"""Writes of the current government's routing: defaults, rule versions, routing, escalation."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from tenants.context import in_public_schema
from warga.errors import FieldError, Invalid, WrongScope
from warga.notifications.models import EventKind
from warga.notifications.services import NotificationEvent, notifications_send, notifications_send_many
from warga.organization.models import Position, PositionKind, Unit, UnitKind
from warga.reports.lifecycle import OPEN_STATUSES
from warga.reports.models import Report
from warga.routing.configuration import routing_configuration
from warga.routing.defaults import (
    AGENCY_ESCALATION,
    AGENCY_NOTIFY,
    DEFAULT_AGENCIES,
    FALLBACK_ESCALATION,
    FALLBACK_NOTIFY,
)
from warga.routing.models import ReportRouting, RoutingAuditEvent, Rule, RuleSet, Target
from warga.routing.selectors import (
    HEADS_OF_UNIT,
    current_government,
    holders_of,
    routing_plan,
    rule_as_data,
    rule_set_active,
    rules_of,
    supervisor_of,
)
from warga.taxonomy.models import Category, Handling
from warga.workcalendar.models import SlaStep
from warga.workcalendar.selectors import sla_target_for, working_calendar_for

logger = logging.getLogger(__name__)


class RoutingInvalid(Invalid):
    """A rule set that cannot be saved; `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message, fields={field: [FieldError("invalid", message)]})


def _require_tenant(action: str) -> None:
    if in_public_schema():
        raise WrongScope(f"{action} must run inside a government's schema, not public.")


# --- defaults ----------------------------------------------------------------------------------


def agencies_seed_defaults() -> dict[str, Unit]:
    """The default dinas/badan/Satpol PP under the government, each with a kepala dinas seat.

    Idempotent: an agency is found by kind and name; one that exists keeps its rows. Returns
    the agencies by name.
    """
    _require_tenant("agencies_seed_defaults")
    root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
    existing = {u.name: u for u in Unit.objects.filter(kind=UnitKind.AGENCY, name__in=DEFAULT_AGENCIES)}
    Unit.objects.bulk_create(
        Unit(parent=root, kind=UnitKind.AGENCY, name=name) for name in DEFAULT_AGENCIES if name not in existing
    )
    agencies = {u.name: u for u in Unit.objects.filter(kind=UnitKind.AGENCY, name__in=DEFAULT_AGENCIES)}
    seated = set(
        Position.objects.filter(unit__in=agencies.values(), kind=PositionKind.KEPALA_DINAS).values_list(
            "unit_id", flat=True
        )
    )
    Position.objects.bulk_create(
        Position(unit=unit, kind=PositionKind.KEPALA_DINAS, title=f"Kepala {name}")
        for name, unit in agencies.items()
        if unit.pk not in seated
    )
    return agencies


def _default_rules(agencies: dict[str, Unit]) -> list[dict[str, Any]]:
    complaint_codes = set(
        Category.objects.filter(is_active=True, handling=Handling.COMPLAINT).values_list("code", flat=True)
    )
    rules: list[dict[str, Any]] = []
    for name, codes in DEFAULT_AGENCIES.items():
        handled = [code for code in codes if code in complaint_codes]
        if handled:
            rules.append(
                {
                    "name": f"{', '.join(handled)} -> {name}",
                    "category_codes": handled,
                    "handling_unit_id": agencies[name].pk,
                    "notify": list(AGENCY_NOTIFY),
                    "escalation": AGENCY_ESCALATION,
                }
            )
    rules.append(
        {
            "name": "Lainnya -> admin koordinator",
            "handling_unit_id": None,
            "notify": list(FALLBACK_NOTIFY),
            "escalation": FALLBACK_ESCALATION,
        }
    )
    return rules


@transaction.atomic
def routing_seed_defaults() -> dict[str, int]:
    """Provisioning's one call: default agencies, then the first rule set built from the
    taxonomy and those agencies (category -> agency; the village's head and the camat always
    informed; a catch-all for the coordinator). Idempotent: a government that has any rule
    set keeps it. Returns the number of agencies and of rules in the active set."""
    _require_tenant("routing_seed_defaults")
    agencies = agencies_seed_defaults()
    if not RuleSet.objects.exists():
        rule_set_save(actor_id=None, rules=_default_rules(agencies), note="Aturan bawaan")
    active = rule_set_active()
    return {"agencies": len(agencies), "rules": active.rules.count() if active else 0}


# --- rule versions -------------------------------------------------------------------------------


_RULE_FIELDS = {
    "name",
    "category_codes",
    "area_prefix",
    "area_unit_id",
    "report_types",
    "priorities",
    "handling_unit_id",
    "notify",
    "escalation",
}


def _clean_rules(rules: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check every rule and return them normalised, ordered 10, 20, ... as given."""
    if not rules:
        raise RoutingInvalid("rules", "Aturan tidak boleh kosong: sertakan minimal satu aturan tanpa syarat.")
    from warga.reports.models import Priority, ReportType

    known_categories = set(Category.objects.values_list("code", flat=True))
    unit_ids = {r[k] for r in rules for k in ("handling_unit_id", "area_unit_id") if isinstance(r.get(k), int)}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    cleaned: list[dict[str, Any]] = []
    for index, rule in enumerate(rules, start=1):
        where = f"rules[{index - 1}]"
        unknown = set(rule) - _RULE_FIELDS - {"order"}
        if unknown:
            raise RoutingInvalid(where, f"Aturan #{index}: isian tidak dikenal: {', '.join(sorted(unknown))}.")
        name = str(rule.get("name", "")).strip()
        if not name:
            raise RoutingInvalid(f"{where}.name", f"Aturan #{index} perlu nama.")
        categories = list(rule.get("category_codes") or [])
        if missing := sorted(set(categories) - known_categories):
            raise RoutingInvalid(f"{where}.category_codes", f"Kategori tidak dikenal: {', '.join(missing)}.")
        types = list(rule.get("report_types") or [])
        if bad := sorted(set(types) - set(ReportType.values)):
            raise RoutingInvalid(
                f"{where}.report_types",
                f"Jenis laporan tidak dikenal: {', '.join(bad)} (pilih {', '.join(ReportType.values)}).",
            )
        priorities = list(rule.get("priorities") or [])
        if bad := sorted(set(priorities) - set(Priority.values)):
            raise RoutingInvalid(
                f"{where}.priorities",
                f"Prioritas tidak dikenal: {', '.join(bad)} (pilih {', '.join(Priority.values)}).",
            )
        for key in ("handling_unit_id", "area_unit_id"):
            if rule.get(key) is not None and rule[key] not in units:
                raise RoutingInvalid(f"{where}.{key}", f"Unit {rule[key]} tidak ada di pemerintah daerah ini.")
        handling = units.get(rule.get("handling_unit_id"))  # type: ignore[arg-type]
        if handling is not None and handling.ended_on is not None:
            raise RoutingInvalid(
                f"{where}.handling_unit_id",
                f"Aturan #{index}: unit {handling.name} sudah diakhiri ({handling.ended_on:%Y-%m-%d}); pilih unit lain.",
            )
        area_unit_id = rule.get("area_unit_id")
        if area_unit_id is not None and not units[area_unit_id].region_code:
            raise RoutingInvalid(
                f"{where}.area_unit_id",
                f"Unit {units[area_unit_id].name} bukan wilayah: pilih kecamatan atau kelurahan/desa.",
            )
        notify = list(rule.get("notify") or [])
        if bad := sorted(set(notify) - set(Target.values)):
            raise RoutingInvalid(
                f"{where}.notify", f"Penerima tidak dikenal: {', '.join(bad)} (pilih {', '.join(Target.values)})."
            )
        escalation: list[dict[str, Any]] = []
        for number, step in enumerate(rule.get("escalation") or [], start=1):
            days, minutes = step.get("working_days"), step.get("working_minutes")
            if step.get("target") not in Target.values or (days is None) == (minutes is None):
                raise RoutingInvalid(
                    f"{where}.escalation",
                    f"Langkah eskalasi {number}: beri target ({', '.join(Target.values)}) dan tepat satu dari "
                    "working_days atau working_minutes.",
                )
            amount = days if days is not None else minutes
            if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
                raise RoutingInvalid(
                    f"{where}.escalation", f"Langkah eskalasi {number}: waktu harus bilangan bulat positif."
                )
            escalation.append(
                {"target": step["target"], "working_days" if days is not None else "working_minutes": amount}
            )
        cleaned.append(
            {
                "order": index * 10,
                "name": name,
                "category_codes": categories,
                "area_prefix": str(rule.get("area_prefix") or "").strip(),
                "area_unit_id": area_unit_id,
                "report_types": types,
                "priorities": priorities,
                "handling_unit_id": rule.get("handling_unit_id"),
                "notify": notify,
                "escalation": escalation,
            }
        )
    return cleaned


def _diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    """Rule-by-rule difference, keyed by order: what a reviewer of the audit log reads."""
    old = {r["order"]: r for r in before}
    new = {r["order"]: r for r in after}
    changed = []
    for order in sorted(old.keys() & new.keys()):
        fields = {
            k: {"before": old[order][k], "after": new[order][k]} for k in new[order] if old[order][k] != new[order][k]
        }
        if fields:
            changed.append({"order": order, "fields": fields})
    return {
        "added": [new[o] for o in sorted(new.keys() - old.keys())],
        "removed": [old[o] for o in sorted(old.keys() - new.keys())],
        "changed": changed,
    }


@transaction.atomic
def rule_set_save(
    *, actor_id: uuid.UUID | None, rules: Sequence[dict[str, Any]], note: str = "", restored_from: int | None = None
) -> RuleSet:
    """Write `rules` as the next version and make it the active one, recording the diff
    against the version it replaces as an audit event. Reports already routed keep the
    version they were routed under; the next report uses this one.

    Raises RoutingInvalid (nothing written) when a rule is malformed.
    """
    _require_tenant("rule_set_save")
    cleaned = _clean_rules(rules)
    # Serialise concurrent editors: the second one builds on the first one's version.
    previous = RuleSet.objects.select_for_update().filter(is_active=True).first()
    before = [rule_as_data(rule) for rule in rules_of(rule_set=previous)] if previous else []
    version = (RuleSet.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    now = timezone.now()
    if previous is not None:
        RuleSet.objects.filter(pk=previous.pk).update(is_active=False)
    rule_set = RuleSet.objects.create(
        version=version,
        is_active=True,
        note=note[:500],
        restored_from=restored_from,
        created_by_id=actor_id,
        created_at=now,
    )
    Rule.objects.bulk_create(Rule(rule_set=rule_set, **rule) for rule in cleaned)
    RoutingAuditEvent.objects.create(
        kind="rule_set.restored" if restored_from else "rule_set.saved",
        actor_id=actor_id,
        rule_set_version=version,
        detail={
            "previous_version": previous.version if previous else None,
            "restored_from": restored_from,
            "note": note,
            "diff": _diff(before, cleaned),
        },
        at=now,
    )
    return rule_set


def rule_set_restore(*, actor_id: uuid.UUID, version: int, note: str = "") -> RuleSet:
    """Make an earlier version's rules current again, as a new version (history only grows)."""
    _require_tenant("rule_set_restore")
    earlier = RuleSet.objects.filter(version=version).first()
    if earlier is None:
        raise RoutingInvalid("version", f"Versi aturan {version} tidak ada.")
    rules = [{k: v for k, v in rule_as_data(rule).items() if k != "order"} for rule in rules_of(rule_set=earlier)]
    return rule_set_save(
        actor_id=actor_id, rules=rules, note=note or f"Pemulihan versi {version}", restored_from=version
    )


# --- routing a report ------------------------------------------------------------------------------


def report_route(*, report: Report, start: datetime.datetime | None = None, new: bool = False) -> ReportRouting | None:
    """Route a report just written in the current government's schema: store the handling
    unit, the rule and version that decided it and the escalation plan, and notify the
    holders of the positions to inform and the reporter. Runs in the caller's transaction
    (intake's, or the transfer's in the receiving government), so a report is never left
    unrouted; routing twice returns the first result.

    Due times count from `start`: the report's arrival here, which for a transferred report
    is the transfer, not its first submission elsewhere (default: the report's creation).
    `new`: the caller wrote the report in this very transaction, so it cannot have been
    routed yet (one statement less per submission; the unique report id still guards it).
    """
    _require_tenant("report_route")
    if not new:
        existing = ReportRouting.objects.filter(report_id=report.pk).first()
        if existing is not None:
            return existing
    configuration = routing_configuration(government=current_government())
    if configuration.rule_set is None:
        # A government provisioned before routing existed: the report still lands (it never
        # dead-ends) and the coordinator disposes it by hand; the log says what to fix.
        logger.error("report %s not routed: %s has no active routing rules", report.pk, current_government().name)
        return None
    plan = routing_plan(
        category_code=report.category_code,
        village_code=report.village_code,
        type=report.type,
        priority=report.priority,
        start=start or report.created_at,
        configuration=configuration,
    )
    first_due = plan.steps[0].due_at if plan.steps else None
    routing = ReportRouting.objects.create(
        report_id=report.pk,
        rule_set_version=plan.rule_set_version,
        rule=plan.rule,
        reason=plan.reason[:500],
        handling_unit=plan.handling_unit,
        notified_position_ids=[n.position_id for n in plan.notified],
        position_ids=sorted(
            {n.position_id for n in plan.notified} | set(plan.steps[0].position_ids if plan.steps else ())
        ),
        steps=[
            {"target": s.target, "position_ids": list(s.position_ids), "due_at": s.due_at.isoformat()}
            for s in plan.steps
        ],
        current_step=0,
        current_due_at=first_due,
        running_due_at=first_due if report.status in OPEN_STATUSES else None,
        routed_at=timezone.now(),
    )
    unit_name = plan.handling_unit.name if plan.handling_unit else current_government().name
    context = {
        "tracking_number": report.tracking_number,
        "category_code": report.category_code,
        "village_code": report.village_code,
        "handling_unit": unit_name,
        "due_at": first_due.strftime("%d-%m-%Y %H:%M %Z") if first_due else "",
    }
    events = [
        NotificationEvent(
            recipient_ids=plan.recipients,
            report_id=report.pk,
            kind=EventKind.REPORT_ROUTED,
            context=context,
            dedup_key=f"routed:{report.pk}",
        ),
        NotificationEvent(
            recipient_ids=[report.reporter_id],
            report_id=report.pk,
            kind=EventKind.REPORT_RECEIVED,
            context=context,
            dedup_key=f"received:{report.pk}",
        ),
    ]
    # A report just written cannot have been notified yet; one delivery task for both events.
    notifications_send_many(events=events, first_time=new)
    return routing


# --- escalation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationRun:
    escalated: int
    chains_ended: int


def escalations_run(*, now: datetime.datetime | None = None, batch: int = 200) -> EscalationRun:
    """Escalate every open report of the current government whose running step is overdue.

    Each report is handled in its own short transaction under a row lock taken with SKIP
    LOCKED, so two runs (or a run after a worker died mid-way) share the work instead of
    repeating it: a report escalates once per overdue step, with one audit event and one
    notification per recipient (deduplicated by step). Returns what was done.
    """
    _require_tenant("escalations_run")
    now = now or timezone.now()
    escalated = ended = 0
    while True:
        with transaction.atomic():
            rows = list(
                ReportRouting.objects.select_for_update(skip_locked=True)
                .filter(
                    running_due_at__lte=now,
                    report_id__in=Report.objects.filter(status__in=OPEN_STATUSES).values("pk"),
                )
                .order_by("running_due_at", "id")[:batch]
            )
            if not rows:
                break
            for routing in rows:
                if _escalate(routing, now=now):
                    escalated += 1
                else:
                    ended += 1
        if len(rows) < batch:
            break
    return EscalationRun(escalated=escalated, chains_ended=ended)


def _escalate(routing: ReportRouting, *, now: datetime.datetime) -> bool:
    """Advance one locked routing past its overdue step; False when the chain has run out."""
    from_step = routing.current_step
    next_step = from_step + 1
    report = Report.objects.only("pk", "tracking_number").get(pk=routing.report_id)
    if next_step >= len(routing.steps):
        _deadline_set(routing, None, report_open=True)
        routing.save(update_fields=["current_due_at", "running_due_at"])
        RoutingAuditEvent.objects.create(
            kind="report.escalation_ended",
            report_id=routing.report_id,
            rule_set_version=routing.rule_set_version,
            detail={"step": from_step, "due_at": routing.steps[from_step]["due_at"] if routing.steps else None},
            at=now,
        )
        return False
    step = routing.steps[next_step]
    routing.current_step = next_step
    # Only open reports escalate (escalations_run).
    _deadline_set(routing, datetime.datetime.fromisoformat(step["due_at"]), report_open=True)
    routing.position_ids = sorted(set(routing.position_ids) | set(step["position_ids"]))
    routing.save(update_fields=["current_step", "current_due_at", "running_due_at", "position_ids"])
    today = now.astimezone(ZoneInfo(current_government().time_zone)).date()
    holders = holders_of(position_ids=list(step["position_ids"]), on=today)
    recipients = [h.user_id for ps in holders.values() for h in ps]
    RoutingAuditEvent.objects.create(
        kind="report.escalated",
        report_id=routing.report_id,
        rule_set_version=routing.rule_set_version,
        detail={
            "from_step": from_step,
            "to_step": next_step,
            "target": step["target"],
            "position_ids": step["position_ids"],
            "recipients": [str(r) for r in recipients],
            "missed_due_at": routing.steps[from_step]["due_at"],
        },
        at=now,
    )
    notifications_send(
        recipient_ids=recipients,
        report_id=routing.report_id,
        kind=EventKind.REPORT_ESCALATED,
        context={"tracking_number": report.tracking_number, "from_step": from_step + 1, "due_at": step["due_at"]},
        dedup_key=f"escalated:{routing.report_id}:{next_step}",
    )
    return True


def _deadline_set(routing: ReportRouting, due_at: datetime.datetime | None, *, report_open: bool) -> None:
    """Set the running step's deadline, and its running copy (only while the report is open)."""
    routing.current_due_at = due_at
    routing.running_due_at = due_at if report_open else None


def routing_report_open_set(*, report_id: int, is_open: bool) -> None:
    """Start or stop the report's deadline, in the transaction of its status change: a deadline
    runs only while the report is open. Reopening starts it again where the chain stood (an
    overdue step then escalates at the next run)."""
    ReportRouting.objects.filter(report_id=report_id).update(running_due_at=F("current_due_at") if is_open else None)


def routing_handling_unit_follow(*, report_id: int, unit_id: int) -> None:
    """Record on the report's routing row the unit it was just disposed (verified) to, in the
    disposal's transaction: the routing row is what the officials' inbox finds a unit's reports
    by (its handling unit, or the seats to tell), so a report disposed to a unit reaches that
    unit's inbox through one index instead of a second condition on every report
    (docs/decisions/0076). The rule and reason routing gave stay as they were."""
    ReportRouting.objects.filter(report_id=report_id).exclude(handling_unit_id=unit_id).update(handling_unit_id=unit_id)


def report_routing_forget(*, report_id: int, to_government_id: int, now: datetime.datetime) -> bool:
    """Drop the routing of a report that has just moved to another government, in the
    transfer's transaction: its pending escalation steps go with it (the receiving government
    routes it by its own rules). The audit trail keeps what was pending. False when the
    report had no routing here."""
    _require_tenant("report_routing_forget")
    routing = ReportRouting.objects.select_for_update().filter(report_id=report_id).first()
    if routing is None:
        return False
    RoutingAuditEvent.objects.create(
        kind="report.transferred_out",
        report_id=report_id,
        rule_set_version=routing.rule_set_version,
        detail={
            "to_government_id": to_government_id,
            "current_step": routing.current_step,
            "pending_due_at": routing.current_due_at.isoformat() if routing.current_due_at else None,
        },
        at=now,
    )
    routing.delete()
    return True


# --- a report moved to another unit of the government -----------------------------------------


@dataclass(frozen=True)
class UnitHandover:
    position_ids: tuple[int, ...]
    recipients: tuple[uuid.UUID, ...]
    running_due_at: datetime.datetime | None


def report_routing_unit_handover(
    *, report: Report, from_unit_id: int | None, to_unit: Unit, actor_id: uuid.UUID, now: datetime.datetime
) -> UnitHandover:
    """Hand the routing of a report being worked over to `to_unit`, another unit of the same
    government, in the transfer's transaction (warga.reports.services.report_unit_transfer).

    The head seats of `to_unit` (HEADS_OF_UNIT) take the steps of the escalation chain that
    named the handling unit's head, from the running step on; the report leaves the inbox of
    the old unit's seats (unless the old unit is the area the report lies in, whose officials
    keep reading it) and enters the new head's. The deadlines stay as they were: the citizen's
    clock does not restart because the government moved the work inside itself
    (docs/decisions/0075). An audit event records both units, the seats and who is told.
    Returns the new head seats and their holders today, to be notified by the caller.
    """
    _require_tenant("report_routing_unit_handover")
    government = current_government()
    heads = list(
        Position.objects.filter(unit=to_unit, kind__in=HEADS_OF_UNIT.get(to_unit.kind, ()))
        .order_by("id")
        .values_list("id", flat=True)
    )
    today = now.astimezone(ZoneInfo(government.time_zone)).date()
    holders = holders_of(position_ids=heads, on=today)
    recipients = tuple(dict.fromkeys(h.user_id for position_id in heads for h in holders.get(position_id, ())))
    routing = ReportRouting.objects.select_for_update().filter(report_id=report.pk).first()
    if routing is not None:
        leaving: set[int] = set()
        old_unit = Unit.objects.filter(pk=from_unit_id).first() if from_unit_id is not None else None
        if old_unit is not None and not (old_unit.region_code and report.village_code.startswith(old_unit.region_code)):
            leaving = set(Position.objects.filter(unit=old_unit).values_list("id", flat=True))
        routing.steps = [
            {**step, "position_ids": list(heads)}
            if number >= routing.current_step and step.get("target") == Target.HANDLING_HEAD
            else step
            for number, step in enumerate(routing.steps)
        ]
        routing.position_ids = sorted((set(routing.position_ids) - leaving) | set(heads))
        routing.handling_unit = to_unit
        routing.save(update_fields=["steps", "position_ids", "handling_unit"])
    RoutingAuditEvent.objects.create(
        kind="report.unit_transferred",
        actor_id=actor_id,
        report_id=report.pk,
        rule_set_version=routing.rule_set_version if routing is not None else None,
        detail={
            "from_unit_id": from_unit_id,
            "to_unit_id": to_unit.pk,
            "position_ids": heads,
            "recipients": [str(r) for r in recipients],
            "running_due_at": routing.running_due_at.isoformat()
            if routing is not None and routing.running_due_at
            else None,
        },
        at=now,
    )
    return UnitHandover(
        position_ids=tuple(heads),
        recipients=recipients,
        running_due_at=routing.running_due_at if routing is not None else None,
    )


# --- a citizen's dispute -----------------------------------------------------------------------

# The step a dispute adds to the chain: not a rule target, the supervisor found for the report.
DISPUTE_TARGET = "supervisor"
# When the government sets no follow-up target, LAPOR!'s: the agency follows up within 5
# working days.
DISPUTE_DEFAULT_WORKING_DAYS = 5


@dataclass(frozen=True)
class DisputeEscalation:
    supervisor_unit_id: int
    position_ids: tuple[int, ...]
    recipients: tuple[uuid.UUID, ...]
    due_at: datetime.datetime
    created: bool


def report_dispute_escalate(
    *, report_id: int, resolution_event_id: int, reporter_id: uuid.UUID, now: datetime.datetime
) -> DisputeEscalation:
    """Hand a disputed report to the supervisor of its handling unit.

    Called by the reports service in the dispute's transaction, with the report locked. The
    handling unit is the one the report was verified to, else the one routing chose (none:
    the government itself). Its supervisor (see supervisor_of) becomes responsible for the
    next step: the step is appended to the report's escalation chain and made the running
    one, due after the government's follow-up target for the category (working time, on its
    calendar, from now); the supervisor's holders are notified on every channel they chose,
    and an audit event records who and until when.

    Idempotent per resolution: a second call for the same `resolution_event_id` changes
    nothing and notifies nobody (returns the first outcome with `created` False).
    """
    _require_tenant("report_dispute_escalate")
    government = current_government()
    earlier = RoutingAuditEvent.objects.filter(
        kind="report.dispute_escalated", report_id=report_id, detail__resolution_event_id=resolution_event_id
    ).first()
    if earlier is not None:
        return DisputeEscalation(
            supervisor_unit_id=earlier.detail["supervisor_unit_id"],
            position_ids=tuple(earlier.detail["position_ids"]),
            recipients=tuple(uuid.UUID(r) for r in earlier.detail["recipients"]),
            due_at=datetime.datetime.fromisoformat(earlier.detail["due_at"]),
            created=False,
        )
    report = Report.objects.only("pk", "tracking_number", "category_code", "unit_id", "status").get(pk=report_id)
    routing = ReportRouting.objects.select_for_update().filter(report_id=report_id).first()
    unit_id = report.unit_id or (routing.handling_unit_id if routing is not None else None)
    handling_unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    calendar = working_calendar_for(government=government)
    supervisor = supervisor_of(handling_unit=handling_unit, on=now.astimezone(calendar.zone).date())
    target = sla_target_for(category_code=report.category_code, step=SlaStep.FOLLOW_UP)
    if target is not None:
        due_at = calendar.due_at(start=now, working_days=target.working_days, working_minutes=target.working_minutes)
    else:
        due_at = calendar.due_at(start=now, working_days=DISPUTE_DEFAULT_WORKING_DAYS)
    recipients = tuple(dict.fromkeys(h.user_id for h in supervisor.holders))
    if routing is not None:
        routing.steps = [
            *routing.steps,
            {
                "target": DISPUTE_TARGET,
                "position_ids": list(supervisor.position_ids),
                "due_at": due_at.isoformat(),
                "resolution_event_id": resolution_event_id,
            },
        ]
        routing.current_step = len(routing.steps) - 1
        _deadline_set(routing, due_at, report_open=report.status in OPEN_STATUSES)
        routing.position_ids = sorted(set(routing.position_ids) | set(supervisor.position_ids))
        routing.save(update_fields=["steps", "current_step", "current_due_at", "running_due_at", "position_ids"])
    else:
        # Routed before rules existed: nobody's inbox lists it by position, but the
        # supervisor is still told and the trail still says so.
        logger.error("disputed report %s has no routing in %s", report_id, government.schema_name)
    RoutingAuditEvent.objects.create(
        kind="report.dispute_escalated",
        actor_id=reporter_id,
        report_id=report_id,
        rule_set_version=routing.rule_set_version if routing is not None else None,
        detail={
            "resolution_event_id": resolution_event_id,
            "handling_unit_id": unit_id,
            "supervisor_unit_id": supervisor.unit.pk,
            "position_ids": list(supervisor.position_ids),
            "titles": list(supervisor.titles),
            "skipped": list(supervisor.skipped),
            "recipients": [str(r) for r in recipients],
            "due_at": due_at.isoformat(),
            "step": routing.current_step if routing is not None else None,
        },
        at=now,
    )
    notifications_send(
        recipient_ids=recipients,
        report_id=report_id,
        kind=EventKind.DISPUTE_ESCALATED,
        context={
            "tracking_number": report.tracking_number,
            "category_code": report.category_code,
            "handling_unit": handling_unit.name if handling_unit is not None else government.name,
            "supervisor": ", ".join(supervisor.titles),
            "due_at": due_at.strftime("%d-%m-%Y %H:%M %Z"),
        },
        dedup_key=f"dispute:{report_id}:{resolution_event_id}",
    )
    return DisputeEscalation(
        supervisor_unit_id=supervisor.unit.pk,
        position_ids=supervisor.position_ids,
        recipients=recipients,
        due_at=due_at,
        created=True,
    )


def _active_locked() -> RuleSet | None:
    """The active version, locked: an editor building on it serialises with the next one."""
    return RuleSet.objects.select_for_update().filter(is_active=True).first()


def _category_only(rule: dict[str, Any]) -> bool:
    """A rule that chooses by category alone: what the category -> unit mapping is made of."""
    return bool(rule["category_codes"]) and not (
        rule["area_prefix"] or rule["area_unit_id"] or rule["report_types"] or rule["priorities"]
    )


@transaction.atomic
def rule_set_map_category(*, actor_id: uuid.UUID, category_code: str, unit_id: int | None) -> RuleSet:
    """Send reports of `category_code` to `unit_id` (None: the admin koordinator disposes
    them), as a new version of the rules: the category leaves every category-only rule (a rule
    left with no category is dropped, since an empty list would match everything) and one rule
    "category -> unit" takes the place of the first rule it left, else goes just before the
    first rule without a category. Rules with other conditions (an area, a type, a priority)
    stay as they are. Raises RoutingInvalid for an unknown category or unit."""
    _require_tenant("rule_set_map_category")
    category = Category.objects.filter(code=category_code).first()
    if category is None:
        raise RoutingInvalid("category_code", f"Kategori {category_code} tidak dikenal. (Unknown category.)")
    unit = None
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id, ended_on__isnull=True).first()
        if unit is None:
            raise RoutingInvalid("handling_unit_id", f"Unit {unit_id} tidak ada di pemerintah daerah ini.")
    active = _active_locked()
    current = [rule_as_data(rule) for rule in rules_of(rule_set=active)] if active else []
    rules: list[dict[str, Any]] = []
    place: int | None = None
    for rule in current:
        rule = {k: v for k, v in rule.items() if k != "order"}
        if _category_only(rule) and category_code in rule["category_codes"]:
            place = len(rules) if place is None else place
            rule["category_codes"] = [code for code in rule["category_codes"] if code != category_code]
            if not rule["category_codes"]:
                continue
        rules.append(rule)
    if place is None:
        place = next((i for i, rule in enumerate(rules) if not rule["category_codes"]), len(rules))
    agency = unit is not None and unit.kind != UnitKind.GOVERNMENT
    rules.insert(
        place,
        {
            "name": f"{category.name_id} → {unit.name if unit is not None else 'admin koordinator'}",
            "category_codes": [category_code],
            "handling_unit_id": unit.pk if agency and unit is not None else None,
            "notify": list(AGENCY_NOTIFY if agency else FALLBACK_NOTIFY),
            "escalation": [dict(step) for step in (AGENCY_ESCALATION if agency else FALLBACK_ESCALATION)],
        },
    )
    return rule_set_save(
        actor_id=actor_id,
        rules=rules,
        note=f"Kategori {category_code} ke {unit.name if unit is not None else 'admin koordinator'}",
    )


@transaction.atomic
def rule_set_edit_rule(*, actor_id: uuid.UUID, order: int, changes: dict[str, Any] | None) -> RuleSet:
    """A new version with the active rule at `order` changed (`changes` over its fields), or
    removed (`changes` None); the other rules stay as they are. Raises RoutingInvalid."""
    _require_tenant("rule_set_edit_rule")
    active = _active_locked()
    if active is None:
        raise RoutingInvalid("order", "Belum ada aturan penerusan aktif. (No active rules.)")
    rules: list[dict[str, Any]] = []
    found = False
    for rule in (rule_as_data(rule) for rule in rules_of(rule_set=active)):
        if rule["order"] == order:
            found = True
            if changes is None:
                continue
            rule = {**rule, **changes}
        rules.append({k: v for k, v in rule.items() if k != "order"})
    if not found:
        raise RoutingInvalid("order", f"Aturan #{order} tidak ada di versi {active.version}.")
    what = "dihapus" if changes is None else "diubah"
    return rule_set_save(actor_id=actor_id, rules=rules, note=f"Aturan #{order} {what}")


@transaction.atomic
def rule_set_add_rule(*, actor_id: uuid.UUID, rule: dict[str, Any]) -> RuleSet:
    """A new version with `rule` added just before the first rule without any condition (the
    catch-all stays last). Raises RoutingInvalid."""
    _require_tenant("rule_set_add_rule")
    active = _active_locked()
    rules = (
        [{k: v for k, v in rule_as_data(r).items() if k != "order"} for r in rules_of(rule_set=active)]
        if active
        else []
    )
    conditions = ("category_codes", "area_prefix", "area_unit_id", "report_types", "priorities")
    place = next((i for i, r in enumerate(rules) if not any(r[c] for c in conditions)), len(rules))
    rules.insert(place, rule)
    return rule_set_save(actor_id=actor_id, rules=rules, note=f"Aturan baru: {rule.get('name', '')}")


RULE_MOVES = ("up", "down")


@transaction.atomic
def rule_set_move_rule(*, actor_id: uuid.UUID, order: int, direction: str) -> RuleSet:
    """A new version with the active rule at `order` swapped with its neighbour above (`up`)
    or below (`down`): the first rule whose conditions hold decides, so order is meaning. The
    other rules stay as they are. Raises RoutingInvalid for an unknown rule or direction, and
    for a move past the first or the last rule (nothing is saved then)."""
    _require_tenant("rule_set_move_rule")
    if direction not in RULE_MOVES:
        raise RoutingInvalid("direction", f"Arah '{direction}' tidak dikenal: pilih up atau down.")
    active = _active_locked()
    if active is None:
        raise RoutingInvalid("order", "Belum ada aturan penerusan aktif. (No active rules.)")
    rules = [rule_as_data(rule) for rule in rules_of(rule_set=active)]
    index = next((i for i, rule in enumerate(rules) if rule["order"] == order), None)
    if index is None:
        raise RoutingInvalid("order", f"Aturan #{order} tidak ada di versi {active.version}.")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rules):
        where, english = ("paling atas", "first") if direction == "up" else ("paling bawah", "last")
        raise RoutingInvalid("order", f"Aturan #{order} sudah {where}. (The rule is already the {english}.)")
    rules[index], rules[other] = rules[other], rules[index]
    moved = "dinaikkan" if direction == "up" else "diturunkan"
    return rule_set_save(
        actor_id=actor_id,
        rules=[{k: v for k, v in rule.items() if k != "order"} for rule in rules],
        note=f"Aturan #{order} '{rules[other]['name']}' {moved}",
    )
