"""A report handed on inside the government: moved to another unit, or disputed by its
reporter and handed to the supervisor of its handling unit."""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tenants.scope import tenant_scoped
from warga.notifications.models import EventKind
from warga.notifications.services import notifications_send
from warga.organization.models import Position, Unit
from warga.reports.lifecycle import OPEN_STATUSES
from warga.reports.models import Report
from warga.reports.ports import UnitHandover
from warga.routing.models import ReportRouting, RoutingAuditEvent, Target
from warga.routing.selectors import HEADS_OF_UNIT, current_government, holders_of, supervisor_of
from warga.routing.services._common import deadline_set, routing_event_record
from warga.workcalendar.models import SlaStep
from warga.workcalendar.selectors import sla_target_for, working_calendar_for

logger = logging.getLogger(__name__)


@tenant_scoped
def report_routing_unit_handover(
    *, report: Report, from_unit_id: int | None, to_unit: Unit, acting_user: uuid.UUID, now: datetime.datetime
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
    routing_event_record(
        kind="report.unit_transferred",
        acting_user=acting_user,
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


@tenant_scoped
def report_dispute_escalate(
    *, report_id: int, resolution_event_id: int, acting_user: uuid.UUID, now: datetime.datetime
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
        deadline_set(routing, due_at, report_open=report.status in OPEN_STATUSES)
        routing.position_ids = sorted(set(routing.position_ids) | set(supervisor.position_ids))
        routing.save(update_fields=["steps", "current_step", "current_due_at", "running_due_at", "position_ids"])
    else:
        # Routed before rules existed: nobody's inbox lists it by position, but the
        # supervisor is still told and the trail still says so.
        logger.error("disputed report %s has no routing in %s", report_id, government.schema_name)
    routing_event_record(
        kind="report.dispute_escalated",
        acting_user=acting_user,
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
