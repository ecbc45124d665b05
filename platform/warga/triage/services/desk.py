"""The national triage desk: holds, release and assignment of the reports at the desk.

Reports no ready government owns land in the national government's own schema (owner code
NAS), as do reports a government refused ("bukan wewenang"). The desk's officials assign them
to a ready government (through report_transfer, the one service that moves a report between
schemas), set them aside with a reason, or let a newly ready government take them (offers).
Holds and offers are public rows keyed by tracking number (docs/decisions/0012); the report
and its audit trail stay in the desk's schema.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.context import current_schema
from tenants.models import Government, Level
from tenants.scope import tenant_scoped
from tenants.selectors import government_national
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.errors import Unavailable, WrongScope
from warga.intake.services import TransferOutcome, report_transfer
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.lifecycle import OPEN_STATUSES
from warga.reports.models import Report, ReportEvent
from warga.reports.services import NATIONAL_OWNER_CODE, NOTE_MAX_LENGTH
from warga.triage.models import Offer, OfferStatus, TriageHold

TERRITORIAL_LEVELS = (Level.PROVINCE, Level.REGENCY, Level.CITY)


class TriageDeskUnavailable(Unavailable):
    default_message = _("The national triage desk is not ready yet. Please try again later.")


@tenant_scoped
def triage_desk() -> Government:
    """The national government, whose schema holds the desk; must be the schema in context."""
    national = government_national()
    if national is None or not national.is_ready:
        raise TriageDeskUnavailable()
    if current_schema() != national.schema_name:
        raise WrongScope(f"The triage desk runs in {national.schema_name}, not in {current_schema()!r}.")
    return national


def _require_active(acting_user: User) -> None:
    if not acting_user.is_authenticated or not acting_user.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat mengubah laporan.")


def _desk_for(acting_user: User) -> Government:
    """The desk, once `acting_user` is known to work it (warga.access.policy: triage.act)."""
    national = triage_desk()
    _require_active(acting_user)
    policy_require(actor=acting_user, government=national, action=Action.TRIAGE_ACT)
    return national


def _reason(value: str, *, field: str, missing: str) -> str:
    text = value.strip()
    if not text:
        raise ReportInvalid.single(field, "required", missing)
    if len(text) > NOTE_MAX_LENGTH:
        raise ReportInvalid.single(
            field, "too_long", f"Alasan paling panjang {NOTE_MAX_LENGTH} karakter (sekarang {len(text)})."
        )
    return text


def _desk_report_locked(tracking_number: str) -> Report:
    report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
    if report is None:
        raise ReportNotFound()
    if report.status not in OPEN_STATUSES:
        raise ReportInvalid.single(
            "report",
            "not_open",
            f"Laporan ini sudah tidak terbuka ({report.status}), jadi tidak ada di antrean triase.",
        )
    return report


def _audit(report: Report, *, actor_id: uuid.UUID | None, note: str, at: datetime) -> None:
    # The status does not move; the trail still says who did what at the desk and why.
    ReportEvent.objects.create(
        report=report, actor_id=actor_id, from_status=report.status, to_status=report.status, note=note, at=at
    )


def _offers_withdraw(tracking_number: str, *, now: datetime, keep: int | None = None) -> int:
    pending = Offer.objects.filter(tracking_number=tracking_number, status=OfferStatus.PENDING)
    if keep is not None:
        pending = pending.exclude(pk=keep)
    return pending.update(status=OfferStatus.WITHDRAWN, decided_at=now)


@tenant_scoped
def triage_hold(*, acting_user: User, tracking_number: str, reason: str) -> TriageHold:
    """Set a report at the desk aside with a reason: it leaves the default queue view until
    released. Its pending offers are withdrawn (a held report is not offered). Raises
    ReportNotFound for a report not at the desk, ReportInvalid for a missing reason, a report
    no longer open or one already held. One transaction, with an audit event."""
    _desk_for(acting_user)
    text = _reason(reason, field="reason", missing="Tuliskan mengapa laporan ini ditahan di meja triase.")
    with transaction.atomic():
        report = _desk_report_locked(tracking_number)
        if TriageHold.objects.filter(tracking_number=tracking_number, released_at__isnull=True).exists():
            raise ReportInvalid.single(
                "report", "already_held", "Laporan ini sudah ditahan; lepaskan dulu penahanannya."
            )
        now = timezone.now()
        hold = TriageHold.objects.create(tracking_number=tracking_number, reason=text, held_at=now)
        _offers_withdraw(tracking_number, now=now)
        _audit(report, actor_id=acting_user.pk, note=f"Ditahan di meja triase nasional: {text}", at=now)
    return hold


@tenant_scoped
def triage_release(*, acting_user: User, tracking_number: str, note: str = "") -> TriageHold:
    """Put a held report back in the queue. ReportInvalid when it is not held."""
    _desk_for(acting_user)
    text = note.strip()[:NOTE_MAX_LENGTH]
    with transaction.atomic():
        report = _desk_report_locked(tracking_number)
        hold = (
            TriageHold.objects.select_for_update()
            .filter(tracking_number=tracking_number, released_at__isnull=True)
            .first()
        )
        if hold is None:
            raise ReportInvalid.single("report", "not_held", "Laporan ini tidak sedang ditahan.")
        now = timezone.now()
        hold.released_at = now
        hold.save(update_fields=["released_at"])
        _audit(
            report,
            actor_id=acting_user.pk,
            note="Penahanan di meja triase nasional dilepas" + (f": {text}" if text else "."),
            at=now,
        )
    return hold


@tenant_scoped
def triage_assign(
    *, acting_user: User, tracking_number: str, to_government_code: str, note: str = ""
) -> TransferOutcome:
    """Send a report from the desk to a ready government (report_transfer, in one transaction
    with closing its hold and withdrawing its pending offers). report_transfer's refusals
    (unknown or unready government, a status that cannot move) pass through unchanged."""
    national = _desk_for(acting_user)
    if to_government_code.strip().upper() == NATIONAL_OWNER_CODE:
        raise ReportInvalid.single(
            "to_government_code",
            "same_government",
            "Laporan sudah berada di meja triase nasional; pilih pemerintah daerah tujuannya.",
        )
    text = note.strip()
    with transaction.atomic():
        outcome = report_transfer(
            actor=acting_user,
            tracking_number=tracking_number,
            from_government=national,
            to_government_code=to_government_code.strip(),
            note="Ditugaskan oleh meja triase nasional" + (f": {text}" if text else "."),
        )
        now = timezone.now()
        TriageHold.objects.filter(tracking_number=tracking_number, released_at__isnull=True).update(released_at=now)
        _offers_withdraw(tracking_number, now=now)
    return outcome
