"""What leaves the read model whole: open data for everyone (small cells suppressed) and the
overseers' CSV export of facts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from tenants.scope import any_scope
from warga.national.models import (
    ReportFact,
)
from warga.national.selectors.scope import NationalScope, _rows

# Open-data cells below this count are suppressed: small counts can point at a person.
OPEN_DATA_MIN_CELL = 5
EXPORT_COLUMNS = (
    "tracking_number",
    "owner_code",
    "province_code",
    "regency_code",
    "district_code",
    "village_code",
    "category_code",
    "type",
    "privacy",
    "status",
    "created_at",
    "first_response_at",
    "verified_at",
    "in_progress_at",
    "resolved_at",
    "closed_at",
    "sla_verify_met",
    "sla_follow_up_met",
    "sla_resolve_met",
    "rating",
    "support_count",
    "transfer_count",
)


@any_scope
def open_data_cells(*, start: date, end: date) -> list[dict[str, Any]]:
    """Reports per kabupaten/kota x category x month, for everyone. A cell under
    OPEN_DATA_MIN_CELL reports is published as suppressed, without its count."""
    rows = _rows(
        """
        SELECT to_char(date_trunc('month', day), 'YYYY-MM') AS month, region_code, category_code,
               sum(reports)::int AS reports
        FROM national_rollup
        WHERE level = 'regency' AND day BETWEEN %s AND %s
        GROUP BY 1, region_code, category_code ORDER BY 1, region_code, category_code
        """,
        [start, end],
    )
    return [
        {
            "month": row["month"],
            "region_code": row["region_code"],
            "category_code": row["category_code"],
            "reports": row["reports"] if row["reports"] >= OPEN_DATA_MIN_CELL else None,
            "suppressed": row["reports"] < OPEN_DATA_MIN_CELL,
        }
        for row in rows
    ]


@any_scope
def facts_for_export(*, scope: NationalScope, start: date, end: date) -> Iterator[tuple[Any, ...]]:
    """Facts of the period, oldest first, fetched from a server-side cursor in chunks so an
    export of millions of rows holds only one chunk in memory."""
    facts = ReportFact.objects.filter(created_day__range=(start, end)).order_by("created_at", "id")
    if scope.province_code is not None:
        facts = facts.filter(province_code=scope.province_code)
    return facts.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000)
