"""A person's data in one government's reports, for export and erasure (UU 27/2022).

Erasure keeps every report and its history -- the government's record of a public service --
but nobody stays identifiable in them: reporter, commenters and actors become
ERASED_USER_ID; supports and follows, which only say who wants to be told, are deleted (the
report's support count stays). Photos were stripped of their metadata when processed.
"""

from __future__ import annotations

import uuid
from typing import Any

from warga.personal_data_registry import ERASED_USER_ID, personal_data_register
from warga.reports.models import (
    ExternalForward,
    Report,
    ReportAssignment,
    ReportComment,
    ReportEvent,
    ReportFollower,
    ReportForward,
    ReportInternalNote,
    ReportSupport,
    ResponseTemplate,
)


def _reports(user_id: uuid.UUID) -> dict[str, Any]:
    reports = Report.objects.filter(reporter_id=user_id).order_by("created_at")
    comments = ReportComment.objects.filter(author_id=user_id).select_related("report").order_by("created_at")
    supports = ReportSupport.objects.filter(user_id=user_id).select_related("report")
    return {
        "laporan": [
            {
                "nomor": report.tracking_number,
                "jenis": report.type,
                "kategori": report.category_code,
                "uraian": report.description,
                "lintang": report.latitude,
                "bujur": report.longitude,
                "kode_desa": report.village_code,
                "privasi": report.privacy,
                "status": report.status,
                "dibuat": report.created_at,
                "penilaian": report.rating,
            }
            for report in reports
        ],
        "komentar": [
            {"nomor": comment.report.tracking_number, "isi": comment.body, "dibuat": comment.created_at}
            for comment in comments
        ],
        "dukungan": [support.report.tracking_number for support in supports],
    }


def _reports_erase(user_id: uuid.UUID) -> int:
    # Queryset updates: the audit events refuse save() on purpose, and erasure is the one
    # change the law requires of them.
    changed = Report.objects.filter(reporter_id=user_id).update(reporter_id=ERASED_USER_ID)
    changed += ReportComment.objects.filter(author_id=user_id).update(author_id=ERASED_USER_ID)
    changed += ReportEvent.objects.filter(actor_id=user_id).update(actor_id=ERASED_USER_ID)
    changed += ReportForward.objects.filter(actor_id=user_id).update(actor_id=ERASED_USER_ID)
    changed += ReportInternalNote.objects.filter(author_id=user_id).update(author_id=ERASED_USER_ID)
    changed += ReportAssignment.objects.filter(assignee_id=user_id).update(assignee_id=ERASED_USER_ID)
    changed += ReportAssignment.objects.filter(assigned_by_id=user_id).update(assigned_by_id=ERASED_USER_ID)
    changed += ExternalForward.objects.filter(sent_by_id=user_id).update(sent_by_id=ERASED_USER_ID)
    changed += ExternalForward.objects.filter(answered_by_id=user_id).update(answered_by_id=ERASED_USER_ID)
    changed += ResponseTemplate.objects.filter(created_by_id=user_id).update(created_by_id=ERASED_USER_ID)
    changed += ResponseTemplate.objects.filter(updated_by_id=user_id).update(updated_by_id=ERASED_USER_ID)
    changed += ReportSupport.objects.filter(user_id=user_id).delete()[0]
    changed += ReportFollower.objects.filter(user_id=user_id).delete()[0]
    return changed


def register() -> None:
    personal_data_register(
        name="reports.report", scope="tenant", personal_data_for=_reports, personal_data_erase=_reports_erase
    )
