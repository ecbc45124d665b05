"""Routing a report, and keeping its routing row in step with the report: open or ended,
disposed to a unit, moved to another government."""

from __future__ import annotations

import datetime
import logging

from django.db.models import F
from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.notifications.models import EventKind
from warga.notifications.services import NotificationEvent, notifications_send_many
from warga.reports.lifecycle import OPEN_STATUSES
from warga.reports.models import Report
from warga.routing.configuration import RoutingConfiguration, routing_configuration
from warga.routing.models import ReportRouting
from warga.routing.selectors import current_government, routing_plan
from warga.routing.services._common import routing_event_record

logger = logging.getLogger(__name__)


@tenant_scoped
def report_route(
    *,
    report: Report,
    start: datetime.datetime | None = None,
    new: bool = False,
    configuration: RoutingConfiguration | None = None,
) -> ReportRouting | None:
    """Route a report just written in the current government's schema: store the handling
    unit, the rule and version that decided it and the escalation plan, and notify the
    holders of the positions to inform and the reporter. Runs in the caller's transaction
    (intake's, or the transfer's in the receiving government), so a report is never left
    unrouted; routing twice returns the first result.

    Due times count from `start`: the report's arrival here, which for a transferred report
    is the transfer, not its first submission elsewhere (default: the report's creation).
    `new`: the caller wrote the report in this very transaction, so it cannot have been
    routed yet (one statement less per submission; the unique report id still guards it).
    `configuration`: the government's routing configuration when the caller already read it
    in this transaction (report_create, which also queues the webhooks from it).
    """
    if not new:
        existing = ReportRouting.objects.filter(report_id=report.pk).first()
        if existing is not None:
            return existing
    if configuration is None:
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
    notifications_send_many(events=events, first_time=new, preferences=configuration.channel_preferences)
    return routing


@tenant_scoped
def routing_report_open_set(*, report_id: int, is_open: bool) -> None:
    """Start or stop the report's deadline, in the transaction of its status change: a deadline
    runs only while the report is open. Reopening starts it again where the chain stood (an
    overdue step then escalates at the next run)."""
    ReportRouting.objects.filter(report_id=report_id).update(running_due_at=F("current_due_at") if is_open else None)


@tenant_scoped
def routing_handling_unit_follow(*, report_id: int, unit_id: int) -> None:
    """Record on the report's routing row the unit it was just disposed (verified) to, in the
    disposal's transaction: the routing row is what the officials' inbox finds a unit's reports
    by (its handling unit, or the seats to tell), so a report disposed to a unit reaches that
    unit's inbox through one index instead of a second condition on every report
    (docs/decisions/0076). The rule and reason routing gave stay as they were."""
    ReportRouting.objects.filter(report_id=report_id).exclude(handling_unit_id=unit_id).update(handling_unit_id=unit_id)


@tenant_scoped
def report_routing_forget(*, report_id: int, to_government_id: int, now: datetime.datetime) -> bool:
    """Drop the routing of a report that has just moved to another government, in the
    transfer's transaction: its pending escalation steps go with it (the receiving government
    routes it by its own rules). The audit trail keeps what was pending. False when the
    report had no routing here."""
    routing = ReportRouting.objects.select_for_update().filter(report_id=report_id).first()
    if routing is None:
        return False
    routing_event_record(
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
