from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tenants.context import in_public_schema, tenant_connection
from warga.intake.models import ReportIndex
from warga.personaldata.registry import ERASED_USER_ID
from warga.privacy.models import PrivacySettings
from warga.privacy.selectors import privacy_settings_current
from warga.reports.lifecycle import Status
from warga.reports.models import Report, ReportComment, ReportEvent


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


# Reports in these states are done with: nobody needs to reach their reporter any more.
_ENDED = (Status.CLOSED, Status.ARCHIVED, Status.WITHDRAWN, Status.MERGED)


def retention_apply(*, now: datetime | None = None) -> int:
    """Anonymise the reporter of every report of the current government that ended more than
    the government's retention period ago (UU 27/2022: data is kept only as long as needed).

    The report and its history stay; the reporter's id on the report, on their own audit
    events and comments on it, and on the public index row becomes nobody. Idempotent: a
    report already anonymised is not touched again. Returns how many reports were changed.
    """
    if in_public_schema():
        raise RuntimeError("retention_apply runs inside a government's schema.")
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
        ).update(reporter=None)
    return len(expired)
