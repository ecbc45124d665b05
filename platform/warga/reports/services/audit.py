"""The audit trail of a report: the one writer of `ReportEvent` rows in a government's schema.

Every service that leaves a trace on a report's trail (a status change, a note that the
status did not move, a copied history after a transfer, the triage desk's decisions) writes
it here, so each entry has the same shape: who, from which status to which, why, when.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from tenants.scope import tenant_scoped
from warga.reports.models import Report, ReportEvent


@tenant_scoped
def report_audit_write(
    *,
    report: Report,
    acting_user_id: uuid.UUID | None,
    at: datetime,
    note: str = "",
    from_status: str | None = None,
    to_status: str | None = None,
) -> ReportEvent:
    """Append one entry to `report`'s trail, in the caller's transaction.

    `from_status` and `to_status` default to the report's current status: an entry that says
    what was done without moving the report. `acting_user_id` is None for what the platform
    did by itself (a transferred report arriving). The trail is append-only: nothing here
    edits or removes an entry.
    """
    return ReportEvent.objects.create(
        report=report,
        actor_id=acting_user_id,
        from_status=report.status if from_status is None else from_status,
        to_status=report.status if to_status is None else to_status,
        note=note,
        at=at,
    )
