"""What a citizen can do to a report from the shared app: support it ("saya juga"), comment on
it, and, as its reporter, dispute its resolution, withdraw it or rate how it was resolved.

Each finds the schema that owns the report through the public index, answers a report the
citizen may not see exactly like one that does not exist, and calls the matching service of
`warga.reports.services` inside that schema (`citizen_actions`, or `conversation` for a comment).
"""

from __future__ import annotations

from dataclasses import dataclass

from tenants.context import government_context
from tenants.scope import public_scoped
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.reporters import index_entry_is_reporters
from warga.intake.selectors import hidden_from_public
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.selectors import reports_by_ids
from warga.reports.services import report_comment_add, report_rate, report_reporter_action, report_support_add


@dataclass(frozen=True)
class SupportOutcome:
    tracking_number: str
    support_count: int
    added: bool


def _require_visible_to(acting_user: User, *, entry: ReportIndex) -> None:
    """ReportNotFound unless `acting_user` may see the report of `entry` (asked inside its owner's
    schema): one hidden from the public answers like a number that does not exist, except to
    its reporter."""
    report = reports_by_ids(report_ids=[entry.report_id]).only("privacy", "status", "reporter_id").first()
    if report is None or (
        hidden_from_public(privacy=report.privacy, status=report.status) and report.reporter_id != acting_user.pk
    ):
        raise ReportNotFound()


@public_scoped
def report_support(*, acting_user: User, tracking_number: str) -> SupportOutcome:
    """A citizen's "saya juga" on a report they can see, in whichever schema owns it.

    Raises ReportNotFound for a number that does not exist or that the citizen may not see
    (`rahasia`), ReportInvalid for their own report or one no longer open. Supporting twice
    changes nothing and answers the same count.
    """
    if not acting_user.is_authenticated or not acting_user.is_active:
        raise ReportInvalid.single("supporter", "inactive", "Masuk dengan akun yang aktif untuk mendukung laporan.")
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    if entry is None:
        raise ReportNotFound()
    with government_context(entry.government):
        _require_visible_to(acting_user, entry=entry)
        count, added = report_support_add(acting_user=acting_user, report_id=entry.report_id)
    return SupportOutcome(tracking_number=tracking_number, support_count=count, added=added)


def _reporter_action(*, acting_user: User, tracking_number: str, action: str, note: str) -> str:
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    # Someone else's report answers exactly like a number that does not exist.
    if entry is None or not index_entry_is_reporters(entry=entry, user=acting_user):
        raise ReportNotFound()
    with government_context(entry.government):
        report = report_reporter_action(acting_user=acting_user, report_id=entry.report_id, action=action, note=note)
    return report.status


@public_scoped
def report_dispute(*, acting_user: User, tracking_number: str, note: str) -> str:
    """The reporter disputes a resolution (within 7 days): the report reopens, and the
    reopening is an audit event the routing work escalates. Returns the new status."""
    return _reporter_action(acting_user=acting_user, tracking_number=tracking_number, action="dispute", note=note)


@public_scoped
def report_withdraw(*, acting_user: User, tracking_number: str) -> str:
    """The reporter withdraws a report within 15 minutes of sending it, before anyone acted."""
    return _reporter_action(acting_user=acting_user, tracking_number=tracking_number, action="withdraw", note="")


@public_scoped
def report_rate_resolution(*, acting_user: User, tracking_number: str, score: int) -> int:
    """The reporter's 1-5 rating of how their report was resolved; returns the score."""
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    if entry is None or not index_entry_is_reporters(entry=entry, user=acting_user):
        raise ReportNotFound()
    with government_context(entry.government):
        report = report_rate(acting_user=acting_user, report_id=entry.report_id, score=score)
    assert report.rating is not None
    return report.rating


@public_scoped
def report_comment_public(*, acting_user: User, tracking_number: str, body: str) -> str:
    """A citizen's comment on a report they can see, from the shared app; returns the role
    the thread shows for them (reporter or citizen)."""
    if not acting_user.is_authenticated or not acting_user.is_active:
        raise ReportInvalid.single("author", "inactive", "Masuk dengan akun yang aktif untuk berkomentar.")
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    if entry is None:
        raise ReportNotFound()
    with government_context(entry.government):
        _require_visible_to(acting_user, entry=entry)
        comment = report_comment_add(acting_user=acting_user, report_id=entry.report_id, body=body, as_official=False)
    return comment.role
