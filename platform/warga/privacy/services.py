"""Writes of a government's privacy (tenant scope): its settings, revealing a `rahasia`
reporter (logged, rate-limited, mailed to the PPDP) and the retention that anonymises reporters."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tenants.context import tenant_connection
from tenants.scope import tenant_scoped
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.errors import FieldError, Invalid, TooManyRequests
from warga.intake.models import ReportIndex
from warga.organization.models import OrganizationAction, PositionKind
from warga.organization.services import organization_event_record
from warga.personal_data_registry import ERASED_USER_ID
from warga.privacy.models import IdentityView, PrivacySettings
from warga.privacy.selectors import privacy_settings_current
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.lifecycle import Status
from warga.reports.models import Privacy, Report, ReportComment, ReportEvent
from warga.web.ratelimit import Limit, rate_limit_consume


@tenant_scoped
def privacy_settings_update(
    *, dpo_name: str, dpo_email: str, dpo_phone: str = "", retention_days: int = 730
) -> PrivacySettings:
    """Create or replace the current government's privacy settings (validated first)."""
    with transaction.atomic():
        settings = PrivacySettings.objects.select_for_update().first() or PrivacySettings()
        settings.dpo_name = dpo_name
        settings.dpo_email = dpo_email
        settings.dpo_phone = dpo_phone
        settings.retention_days = retention_days
        settings.full_clean()
        settings.save()
        return settings


RETENTION_DAYS_MIN = 30
RETENTION_DAYS_MAX = 3650


class PrivacySettingsInvalid(Invalid):
    """A privacy setting the admin can correct; `field` names it. Nothing was written."""

    def __init__(self, field: str, code: str, message: str) -> None:
        self.field = field
        self.field_code = code
        super().__init__(message, fields={field: [FieldError(code, message)]})


@tenant_scoped
def privacy_settings_set(*, actor_id: uuid.UUID, retention_days: int, identity_viewer_kind: str) -> PrivacySettings:
    """The admin koordinator sets how long a closed report keeps its reporter's identity
    (RETENTION_DAYS_MIN..MAX days) and the one seat kind that may reveal who sent a `rahasia`
    report. `settings.edit` in warga.access.policy; one audit event in the organisation's log
    says what changed. The DPO's contact stays as it is."""
    government = tenant_connection().tenant
    policy_require(actor=actor_id, government=government, action=Action.SETTINGS_EDIT)
    if isinstance(retention_days, bool) or not RETENTION_DAYS_MIN <= retention_days <= RETENTION_DAYS_MAX:
        raise PrivacySettingsInvalid(
            "retention_days",
            "out_of_range",
            f"Masa simpan harus antara {RETENTION_DAYS_MIN} dan {RETENTION_DAYS_MAX} hari. "
            f"(The retention period must be {RETENTION_DAYS_MIN} to {RETENTION_DAYS_MAX} days.)",
        )
    if identity_viewer_kind not in PositionKind.values:
        raise PrivacySettingsInvalid(
            "identity_viewer_kind",
            "invalid_kind",
            f"Jenis jabatan tidak dikenal: {identity_viewer_kind}. (Unknown position kind.)",
        )
    with transaction.atomic():
        settings = PrivacySettings.objects.select_for_update().first() or PrivacySettings()
        changes: dict[str, list[object]] = {}
        if settings.retention_days != retention_days:
            changes["retention_days"] = [settings.retention_days, retention_days]
        if settings.identity_viewer_kind != identity_viewer_kind:
            changes["identity_viewer_kind"] = [settings.identity_viewer_kind, identity_viewer_kind]
        settings.retention_days = retention_days
        settings.identity_viewer_kind = identity_viewer_kind
        settings.save()
        if changes:
            organization_event_record(
                acting_user=actor_id, action=OrganizationAction.PRIVACY_UPDATE, object_id=settings.pk, data=changes
            )
        return settings


# Reports in these states are done with: nobody needs to reach their reporter any more.
_ENDED = (Status.CLOSED, Status.ARCHIVED, Status.WITHDRAWN, Status.MERGED)


@tenant_scoped
def retention_apply(*, now: datetime | None = None) -> int:
    """Anonymise the reporter of every report of the current government that ended more than
    the government's retention period ago (UU 27/2022: data is kept only as long as needed).

    The report and its history stay; the reporter's id on the report, on their own audit
    events and comments on it, and on the public index row becomes nobody. Idempotent: a
    report already anonymised is not touched again. Returns how many reports were changed.
    """
    cutoff = (now or timezone.now()) - timedelta(days=privacy_settings_current().retention_days)
    expired = list(
        Report.objects.filter(status__in=_ENDED, status_changed_at__lt=cutoff)
        .exclude(reporter_id=ERASED_USER_ID)
        .values_list("pk", "reporter_id")
    )
    with transaction.atomic():
        for report_id, reporter_id in expired:
            ReportEvent.objects.filter(report_id=report_id, actor_id=reporter_id).update(actor_id=ERASED_USER_ID)
            ReportComment.objects.filter(report_id=report_id, author_id=reporter_id).update(author_id=ERASED_USER_ID)
        Report.objects.filter(pk__in=[pk for pk, _ in expired]).update(reporter_id=ERASED_USER_ID)
        ReportIndex.objects.filter(
            government_id=tenant_connection().tenant.pk, report_id__in=[pk for pk, _ in expired]
        ).update(reporter=None, reporter_digest="")
    return len(expired)


class RevealRateLimited(TooManyRequests):
    """The official revealed as many identities as the window allows; `retry_after` in seconds."""

    def __init__(self, *, limit: int, retry_after: int) -> None:
        hours = max(1, -(-retry_after // 3600))
        super().__init__(
            f"Anda sudah melihat identitas pelapor {limit} kali dalam waktu singkat; batas ini melindungi pelapor "
            f"laporan rahasia. Coba lagi dalam {hours} jam, atau minta PPDP pemerintah daerah Anda.",
            retry_after=retry_after,
        )


def _reveal_budget_spend(actor_id: uuid.UUID) -> None:
    """One reveal from the official's budget, counted in the `shared` cache (the same budget
    on every government host the official holds a seat in)."""
    limit = Limit(
        amount=django_settings.WARGA_IDENTITY_REVEAL_LIMIT, seconds=django_settings.WARGA_IDENTITY_REVEAL_WINDOW_SECONDS
    )
    decision = rate_limit_consume(
        action="identity_reveal", account_id=str(actor_id), ip=None, per_account=limit, per_ip=limit
    )
    if not decision.allowed:
        raise RevealRateLimited(limit=limit.amount, retry_after=decision.retry_after)


def _reveal_notify_on_commit(*, view: IdentityView, actor_id: uuid.UUID) -> None:
    """Tell the government's data protection officer (PPDP) of a reveal, once it is committed:
    who looked, at which report, when and why. The identity itself is not in the mail."""
    privacy = privacy_settings_current()
    recipient = privacy.dpo_email or django_settings.WARGA_PRIVACY_DPO_EMAIL
    government = tenant_connection().tenant
    actor = User.objects.filter(pk=actor_id).only("full_name", "email").first()
    who = (actor.full_name or actor.email) if actor else str(actor_id)
    local = timezone.localtime(view.viewed_at, ZoneInfo(getattr(government, "time_zone", "Asia/Jakarta")))
    subject = f"[Warga] Identitas pelapor laporan rahasia {view.tracking_number} dilihat"
    body = (
        f"Yth. PPDP {government.name},\n\n"
        f"{who} melihat identitas pelapor laporan rahasia {view.tracking_number} "
        f"pada {local:%d-%m-%Y %H:%M} ({local.tzname()}).\n"
        f"Alasan yang ditulis: {view.reason}\n\n"
        "Setiap akses tercatat dan dapat dilihat di halaman laporan (Identitas pelapor). "
        "Jika akses ini tidak semestinya, tindak lanjuti sesuai UU 27/2022.\n"
    )

    def send() -> None:
        send_mail(subject, body, None, [recipient])

    transaction.on_commit(send, robust=True)


@tenant_scoped
def reporter_identity_reveal(*, actor_id: uuid.UUID, tracking_number: str, reason: str) -> dict[str, str]:
    """The identity of a `rahasia` report's reporter, for the one role the government
    designated (PrivacySettings.identity_viewer_kind); every reveal is written to the log first.

    Who may is decided by warga.access.policy (`identity.reveal`). Raises ReportNotFound (no
    such report here), ReportInvalid (not a `rahasia` report, or no reason given) or
    ActionForbidden (anyone but an official of the designated role with two-step verification),
    RevealRateLimited (more than WARGA_IDENTITY_REVEAL_LIMIT reveals by this official in the
    window). Each reveal is mailed to the government's PPDP once it is committed.
    """
    report = Report.objects.filter(tracking_number=tracking_number).first()
    if report is None:
        raise ReportNotFound()
    if report.privacy != Privacy.RAHASIA:
        raise ReportInvalid.single(
            "tracking_number",
            "not_rahasia",
            "Identitas pelapor hanya disembunyikan pada laporan rahasia; laporan ini tidak rahasia.",
        )
    if len(reason.strip()) < 10:
        raise ReportInvalid.single(
            "reason", "reason_required", "Tuliskan alasan melihat identitas pelapor (paling sedikit 10 huruf)."
        )
    policy_require(actor=actor_id, government=tenant_connection().tenant, action=Action.IDENTITY_REVEAL)
    _reveal_budget_spend(actor_id)
    if report.reporter_id == ERASED_USER_ID:
        identity = {"full_name": "", "email": "", "phone": "", "note": "Identitas pelapor sudah dihapus."}
    else:
        reporter = User.objects.filter(pk=report.reporter_id).first()
        identity = {
            "full_name": reporter.full_name if reporter else "",
            "email": reporter.email if reporter else "",
            "phone": (reporter.phone or "") if reporter else "",
            "note": "" if reporter else "Akun pelapor sudah dihapus.",
        }
    with transaction.atomic():
        view = IdentityView.objects.create(
            report_id=report.pk,
            tracking_number=report.tracking_number,
            actor_id=actor_id,
            reason=reason.strip()[:500],
            viewed_at=timezone.now(),
        )
        _reveal_notify_on_commit(view=view, actor_id=actor_id)
    return identity
