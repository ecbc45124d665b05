"""What the routing services share: the audit trail they all write through, and setting a
routing row's deadline."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from tenants.scope import any_scope, tenant_scoped
from warga.routing.models import ReportRouting, RoutingAuditEvent


@tenant_scoped
def routing_event_record(
    *,
    kind: str,
    at: datetime.datetime,
    detail: dict[str, Any],
    acting_user: uuid.UUID | None = None,
    report_id: int | None = None,
    rule_set_version: int | None = None,
) -> None:
    """Record one routing event (`kind`: rule_set.saved, report.escalated, ...) in the
    government's schema, in the caller's transaction: who acted (None: the system), the
    report and rule set version it concerns, and what happened."""
    RoutingAuditEvent.objects.create(
        kind=kind,
        actor_id=acting_user,
        report_id=report_id,
        rule_set_version=rule_set_version,
        detail=detail,
        at=at,
    )


@any_scope
def deadline_set(routing: ReportRouting, due_at: datetime.datetime | None, *, report_open: bool) -> None:
    """Set the running step's deadline, and its running copy (only while the report is open)."""
    routing.current_due_at = due_at
    routing.running_due_at = due_at if report_open else None
