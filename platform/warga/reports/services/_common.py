"""What every report service shares: the policy check on a locked report, and the status
change's writes."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from tenants.context import tenant_connection
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.notifications.models import EventKind
from warga.notifications.services import notifications_send
from warga.reports.lifecycle import OPEN_STATUSES, Status
from warga.reports.models import Report
from warga.reports.ports import index, routing
from warga.reports.selectors import report_handling_unit_id
from warga.reports.services._outbox import _outbox_write
from warga.reports.services.audit import report_audit_write

NATIONAL_OWNER_CODE = "NAS"
NOTE_MAX_LENGTH = 2000


def _reporter_tell(report: Report, *, from_status: str, at: datetime.datetime) -> None:
    # Every state change is told to the reporter (issue 5), in the change's transaction.
    notifications_send(
        recipient_ids=[report.reporter_id],
        report_id=report.pk,
        kind=EventKind.REPORT_STATUS_CHANGED,
        context={"tracking_number": report.tracking_number, "from_status": from_status, "to_status": report.status},
        dedup_key=f"status:{report.pk}:{report.status}:{at.isoformat()}",
    )


def _apply(report: Report, *, acting_user_id: uuid.UUID, target: Status, note: str, unit_changed: bool = False) -> None:
    """Write a checked status change of a locked report: the row, its audit event, its outbox event."""
    now = timezone.now()
    from_status = report.status
    report.status = target
    report.status_changed_at = now
    report.save(update_fields=["status", "status_changed_at", "updated_at", *(["unit"] if unit_changed else [])])
    report_audit_write(
        report=report, acting_user_id=acting_user_id, from_status=from_status, to_status=target, note=note, at=now
    )
    _outbox_write(
        aggregate_type="report",
        aggregate_id=report.pk,
        kind="report.status_changed",
        payload={
            "tracking_number": report.tracking_number,
            "from_status": from_status,
            "to_status": target.value,
            "at": now.isoformat(),
        },
        created_at=now,
    )
    index().report_index_status_set(tracking_number=report.tracking_number, status=report.status)
    if (from_status in OPEN_STATUSES) != (target in OPEN_STATUSES):
        routing().routing_report_open_set(report_id=report.pk, is_open=target in OPEN_STATUSES)
    _reporter_tell(report, from_status=from_status, at=now)


def _require_may_act(acting_user: User, report: Report) -> None:
    """ActionForbidden unless `acting_user` may act on `report` (`report.act` for its handling unit).
    Asked with the row locked, before anything is written: a refusal changes nothing."""
    policy_require(
        actor=acting_user,
        government=tenant_connection().tenant,
        action=Action.REPORT_ACT,
        unit_id=report_handling_unit_id(report=report),
    )
