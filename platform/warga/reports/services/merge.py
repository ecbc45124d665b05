"""Merging a duplicate.

Qlue's lesson: the same problem arrives many times. A duplicate is closed as merged into the
report it repeats; whoever sent or supported the duplicate follows the survivor and is told
when it is resolved (see `warga.reports.selectors.report_followers`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.accounts.models import User
from warga.reports.errors import InvalidTransition, ReportInvalid, ReportNotFound
from warga.reports.lifecycle import OPEN_STATUSES, Status, allowed_next, is_allowed
from warga.reports.models import FollowReason, Report, ReportFollower, ReportSupport
from warga.reports.services._common import NOTE_MAX_LENGTH, _apply, _require_may_act
from warga.reports.services._outbox import _outbox_write
from warga.reports.services.audit import report_audit_write


@dataclass(frozen=True)
class MergeOutcome:
    duplicate: Report
    into: Report
    followers_added: int


@tenant_scoped
def report_merge(
    *, acting_user: User, duplicate_tracking_number: str, into_tracking_number: str, note: str
) -> MergeOutcome:
    """Merge a duplicate report of the current government into another open report of the
    same government, in one transaction.

    The duplicate moves to `merged` (audit and outbox events, the public index follows) and
    remembers the survivor; the survivor gets an audit event and an outbox event naming the
    duplicate, and the duplicate's reporter, supporters and earlier followers as followers.
    Raises ReportNotFound when the duplicate is not in this schema; ReportInvalid for a
    missing reason, the same number twice, a survivor not in this government (a report of
    another government must be transferred here first) or no longer open; InvalidTransition
    when the duplicate's status does not allow merging; ActionForbidden unless the actor may
    act on both reports (`report.act` for each one's handling unit). Nothing is written then.
    """
    if not acting_user.is_authenticated or not acting_user.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat mengubah laporan.")
    note = note.strip()
    if not note:
        raise ReportInvalid.single("note", "note_required", "Tuliskan mengapa laporan ini sama dengan laporan tujuan.")
    if len(note) > NOTE_MAX_LENGTH:
        raise ReportInvalid.single(
            "note", "too_long", f"Catatan paling panjang {NOTE_MAX_LENGTH} karakter (sekarang {len(note)})."
        )
    if duplicate_tracking_number == into_tracking_number:
        raise ReportInvalid.single(
            "into_tracking_number", "same_report", "Laporan tidak dapat digabungkan ke dirinya sendiri."
        )
    with transaction.atomic():
        # Both rows locked, always in id order, so two opposite merges cannot deadlock.
        locked = {
            report.tracking_number: report
            for report in Report.objects.select_for_update()
            .filter(tracking_number__in=[duplicate_tracking_number, into_tracking_number])
            .order_by("id")
        }
        duplicate = locked.get(duplicate_tracking_number)
        if duplicate is None:
            raise ReportNotFound()
        into = locked.get(into_tracking_number)
        if into is None:
            # Worded so that it neither confirms nor denies the number elsewhere.
            raise ReportInvalid.single(
                "into_tracking_number",
                "not_in_this_government",
                f"Laporan {into_tracking_number} tidak ada di pemerintah ini. Penggabungan hanya untuk laporan "
                "dalam satu pemerintah; laporan pemerintah lain dialihkan (bukan wewenang) lebih dulu.",
            )
        # Merging closes one report and changes the other's followers: both must be the actor's.
        _require_may_act(acting_user, duplicate)
        _require_may_act(acting_user, into)
        if not is_allowed(duplicate.status, Status.MERGED):
            raise InvalidTransition(
                current=duplicate.status,
                requested=Status.MERGED,
                allowed=[s.value for s in allowed_next(duplicate.status)],
            )
        if into.status not in OPEN_STATUSES or into.status == Status.TRANSFERRED:
            raise ReportInvalid.single(
                "into_tracking_number",
                "not_open",
                f"Laporan {into.tracking_number} sudah tidak terbuka ({into.status}); gabungkan ke laporan yang "
                "masih ditangani.",
            )
        now = timezone.now()
        people: list[tuple[uuid.UUID, str]] = [(duplicate.reporter_id, FollowReason.MERGED_REPORTER)]
        people += [
            (user_id, FollowReason.MERGED_SUPPORTER)
            for user_id in ReportSupport.objects.filter(report=duplicate).values_list("user_id", flat=True)
        ]
        people += list(ReportFollower.objects.filter(report=duplicate).values_list("user_id", "reason"))
        already = {
            into.reporter_id,
            *ReportSupport.objects.filter(report=into).values_list("user_id", flat=True),
            *ReportFollower.objects.filter(report=into).values_list("user_id", flat=True),
        }
        new_followers: dict[uuid.UUID, str] = {}
        for user_id, reason in people:
            if user_id not in already and user_id not in new_followers:
                new_followers[user_id] = reason
        ReportFollower.objects.bulk_create(
            ReportFollower(
                report=into,
                user_id=user_id,
                reason=reason,
                from_tracking_number=duplicate.tracking_number,
                created_at=now,
            )
            for user_id, reason in new_followers.items()
        )
        duplicate.merged_into = into.tracking_number
        duplicate.save(update_fields=["merged_into", "updated_at"])
        _apply(
            duplicate,
            acting_user_id=acting_user.pk,
            target=Status.MERGED,
            note=f"Digabung ke {into.tracking_number}: {note}",
        )
        # The survivor's status does not change; its trail still says what joined it.
        report_audit_write(
            report=into,
            acting_user_id=acting_user.pk,
            note=f"Laporan {duplicate.tracking_number} digabungkan ke laporan ini: {note}",
            at=now,
        )
        _outbox_write(
            aggregate_type="report",
            aggregate_id=into.pk,
            kind="report.merged_in",
            payload={
                "tracking_number": into.tracking_number,
                "duplicate_tracking_number": duplicate.tracking_number,
                "followers_added": len(new_followers),
                "at": now.isoformat(),
            },
            created_at=now,
        )
    return MergeOutcome(duplicate=duplicate, into=into, followers_added=len(new_followers))
