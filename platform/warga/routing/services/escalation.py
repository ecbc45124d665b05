"""Escalating overdue reports along their chains."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.notifications.models import EventKind
from warga.notifications.services import notifications_send
from warga.reports.lifecycle import OPEN_STATUSES
from warga.reports.models import Report
from warga.routing.models import ReportRouting
from warga.routing.selectors import current_government, holders_of
from warga.routing.services._common import deadline_set, routing_event_record


@dataclass(frozen=True)
class EscalationRun:
    escalated: int
    chains_ended: int


@tenant_scoped
def escalations_run(*, now: datetime.datetime | None = None, batch: int = 200) -> EscalationRun:
    """Escalate every open report of the current government whose running step is overdue.

    Each report is handled in its own short transaction under a row lock taken with SKIP
    LOCKED, so two runs (or a run after a worker died mid-way) share the work instead of
    repeating it: a report escalates once per overdue step, with one audit event and one
    notification per recipient (deduplicated by step). Returns what was done.
    """
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
        deadline_set(routing, None, report_open=True)
        routing.save(update_fields=["current_due_at", "running_due_at"])
        routing_event_record(
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
    deadline_set(routing, datetime.datetime.fromisoformat(step["due_at"]), report_open=True)
    routing.position_ids = sorted(set(routing.position_ids) | set(step["position_ids"]))
    routing.save(update_fields=["current_step", "current_due_at", "running_due_at", "position_ids"])
    today = now.astimezone(ZoneInfo(current_government().time_zone)).date()
    holders = holders_of(position_ids=list(step["position_ids"]), on=today)
    recipients = [h.user_id for ps in holders.values() for h in ps]
    routing_event_record(
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
