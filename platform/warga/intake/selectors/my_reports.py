"""A reporter's own reports across every government, newest first, through the index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tenants.context import government_context
from tenants.scope import public_scoped
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.reporters import index_rows_of
from warga.reports.selectors import reports_by_ids


@dataclass(frozen=True)
class MyReport:
    tracking_number: str
    government_code: str | None
    government_name: str
    type: str
    category_code: str
    description: str
    privacy: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class MyReportsPage:
    items: tuple[MyReport, ...]
    next_offset: int | None


@public_scoped
def reports_of_reporter(*, reporter: User, limit: int = 20, offset: int = 0) -> MyReportsPage:
    """The reporter's own reports across every government, newest first.

    One query on the index, then one per government owning a report on this page.
    """
    rows = list(
        ReportIndex.objects.select_related("government")
        .filter(index_rows_of(reporter.pk))
        .order_by("-created_at", "-id")[offset : offset + limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    by_government: dict[int, list[ReportIndex]] = {}
    for row in rows:
        by_government.setdefault(row.government_id, []).append(row)
    found: dict[tuple[int, int], MyReport] = {}
    for entries in by_government.values():
        government = entries[0].government
        with government_context(government):
            reports = reports_by_ids(report_ids=[entry.report_id for entry in entries]).filter(reporter_id=reporter.pk)
            for report in reports:
                found[(government.pk, report.pk)] = MyReport(
                    tracking_number=report.tracking_number,
                    government_code=government.code,
                    government_name=government.name,
                    type=report.type,
                    category_code=report.category_code,
                    description=report.description,
                    privacy=report.privacy,
                    status=report.status,
                    created_at=report.created_at,
                )
    items = tuple(found[key] for row in rows if (key := (row.government_id, row.report_id)) in found)
    return MyReportsPage(items=items, next_offset=offset + limit if has_more else None)
