"""The reporter's personal data in the public report index, for export and erasure."""

from __future__ import annotations

import uuid
from typing import Any

from warga.intake.models import ReportIndex
from warga.intake.reporters import index_rows_of
from warga.personal_data_registry import personal_data_register


def _index(user_id: uuid.UUID) -> dict[str, Any]:
    rows = ReportIndex.objects.filter(index_rows_of(user_id)).select_related("government").order_by("created_at")
    return {
        "laporan_saya": [
            {"nomor": row.tracking_number, "pemerintah": row.government.name, "dibuat": row.created_at} for row in rows
        ]
    }


def _index_erase(user_id: uuid.UUID) -> int:
    return ReportIndex.objects.filter(index_rows_of(user_id)).update(reporter=None, reporter_digest="")


def register() -> None:
    personal_data_register(
        name="intake.report_index", scope="public", personal_data_for=_index, personal_data_erase=_index_erase
    )
