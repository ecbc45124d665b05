"""The public index's side of the port reports' services call through
(`warga.reports.ports.IndexPort`), handed over in `IntakeConfig.ready()`: intake reads reports,
so reports cannot import it (decision 0131)."""

from __future__ import annotations

from warga.intake.models import ReportIndex


def report_index_status_set(*, tracking_number: str, status: str) -> None:
    """Show a report's new status in the public index, in the change's transaction, so the
    public map never shows a status the report left. The index table lives in public, which
    a government's connection also searches."""
    ReportIndex.objects.filter(tracking_number=tracking_number).update(status=status)
