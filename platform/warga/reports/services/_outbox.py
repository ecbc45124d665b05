"""What a report service writes to the outbox (warga.outbox): the writer itself, and the
PII-free payload of a report's first fact."""

from __future__ import annotations

from warga.outbox.services import outbox_write as _outbox_write
from warga.reports.models import Report

__all__ = ["_outbox_payload", "_outbox_write"]


def _outbox_payload(report: Report, *, photo_count: int) -> dict[str, object]:
    # Codes and statuses only: no description, coordinates or identity leave the schema.
    return {
        "tracking_number": report.tracking_number,
        "type": report.type,
        "category_code": report.category_code,
        "province_code": report.province_code,
        "regency_code": report.regency_code,
        "district_code": report.district_code,
        "village_code": report.village_code,
        "privacy": report.privacy,
        "status": report.status,
        "priority": report.priority,
        "photos": photo_count,
        "created_at": report.created_at.isoformat(),
    }
