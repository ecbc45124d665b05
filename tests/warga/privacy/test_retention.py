from __future__ import annotations

import datetime

from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.personas import verified_user
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.intake.models import ReportIndex
from warga.intake.services import report_comment_public
from warga.personal_data_registry import ERASED_USER_ID
from warga.privacy.services import privacy_settings_update, retention_apply
from warga.reports.models import Report, ReportComment


def _ended(tracking_number: str, *, status: str, days_ago: int) -> None:
    Report.objects.filter(tracking_number=tracking_number).update(
        status=status, status_changed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_reporters_of_reports_ended_before_the_retention_period_are_anonymised(bandung: Government) -> None:
    citizen = verified_user("pelapor.lama@example.id")
    old_closed = submit(citizen).tracking_number
    recent_closed = submit(citizen).tracking_number
    old_but_open = submit(citizen).tracking_number
    report_comment_public(author=citizen, tracking_number=old_closed, body="Terima kasih, sudah diperbaiki.")
    with government_context(bandung):
        privacy_settings_update(dpo_name="PPDP Kota Bandung", dpo_email="ppdp@bandung.go.id", retention_days=365)
        _ended(old_closed, status="closed", days_ago=400)
        _ended(recent_closed, status="closed", days_ago=30)
        Report.objects.filter(tracking_number=old_but_open).update(
            status_changed_at=timezone.now() - datetime.timedelta(days=400)
        )

        assert retention_apply() == 1
        assert retention_apply() == 0  # idempotent

        reporters = dict(Report.objects.values_list("tracking_number", "reporter_id"))
        assert reporters == {old_closed: ERASED_USER_ID, recent_closed: citizen.pk, old_but_open: citizen.pk}
        old = Report.objects.get(tracking_number=old_closed)
        assert set(old.events.values_list("actor_id", flat=True)) <= {ERASED_USER_ID, None}
        assert set(ReportComment.objects.filter(report=old).values_list("author_id", flat=True)) == {ERASED_USER_ID}
    index = dict(ReportIndex.objects.values_list("tracking_number", "reporter_id"))
    assert index == {old_closed: None, recent_closed: citizen.pk, old_but_open: citizen.pk}


def test_retention_leaves_other_governments_alone(bandung: Government, jakarta: Government) -> None:
    citizen = verified_user("pelapor.jakarta@example.id")
    in_jakarta = submit(
        citizen, village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
    ).tracking_number
    with government_context(jakarta):
        _ended(in_jakarta, status="closed", days_ago=3000)
    with government_context(bandung):
        assert retention_apply() == 0
    with government_context(jakarta):
        assert Report.objects.get(tracking_number=in_jakarta).reporter_id == citizen.pk
        assert retention_apply() == 1
