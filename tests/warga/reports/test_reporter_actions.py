from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import official_of
from tests.unchanged import assert_nothing_changed
from tests.warga.reports.helpers import counts, resolve, submit
from warga.accounts.models import User
from warga.intake.services import report_dispute, report_rate_resolution, report_withdraw
from warga.outbox.models import OutboxEvent
from warga.reports.errors import InvalidTransition, ReportInvalid, ReportNotFound
from warga.reports.models import Report, ReportEvent
from warga.reports.services import report_transition


@pytest.fixture
def reporter(db: None) -> User:
    return UserFactory()


def _resolve(bandung: Government, number: str) -> None:
    official = official_of(bandung)
    with government_context(bandung):
        for status in ("verified", "in_progress"):
            report_transition(actor=official, tracking_number=number, to_status=status)
    resolve(bandung, number, official)


def test_reporter_disputes_a_resolution_and_it_reopens(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    _resolve(bandung, number)
    assert report_dispute(reporter=reporter, tracking_number=number, note="Lubangnya masih ada.") == "reopened"
    with government_context(bandung):
        event = ReportEvent.objects.order_by("at", "id").last()
        assert event is not None
        assert (event.actor_id, event.from_status, event.to_status, event.note) == (
            reporter.pk,
            "resolved",
            "reopened",
            "Lubangnya masih ada.",
        )


def test_dispute_needs_a_reason_and_the_7_day_window(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    _resolve(bandung, number)
    with pytest.raises(ReportInvalid) as no_reason:
        report_dispute(reporter=reporter, tracking_number=number, note=" ")
    assert no_reason.value.errors["note"][0].code == "note_required"
    with government_context(bandung):
        # Set-up: the resolution happened 8 days ago.
        ReportEvent.objects.filter(to_status="resolved").update(at=timezone.now() - timedelta(days=8))
        before = counts(bandung)
    with pytest.raises(ReportInvalid) as late:
        report_dispute(reporter=reporter, tracking_number=number, note="Masih rusak.")
    assert late.value.errors["report"][0].code == "dispute_window_closed"
    assert counts(bandung) == before
    with government_context(bandung):
        assert Report.objects.get().status == "resolved"


def test_dispute_of_an_open_report_is_an_invalid_transition(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    with assert_nothing_changed(bandung), pytest.raises(InvalidTransition) as refused:
        report_dispute(reporter=reporter, tracking_number=number, note="Belum ditangani.")
    assert refused.value.allowed == ("withdrawn",)


def test_only_the_reporter_may_dispute_or_withdraw(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    stranger = UserFactory()
    with assert_nothing_changed(bandung), pytest.raises(ReportNotFound):
        report_withdraw(reporter=stranger, tracking_number=number)
    _resolve(bandung, number)
    with assert_nothing_changed(bandung), pytest.raises(ReportNotFound):
        report_dispute(reporter=stranger, tracking_number=number, note="Saya tidak puas.")
    with government_context(bandung):
        assert Report.objects.get().status == "resolved"


def test_reporter_withdraws_within_15_minutes_only(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    assert report_withdraw(reporter=reporter, tracking_number=number) == "withdrawn"
    late = submit(reporter).tracking_number
    with government_context(bandung):
        Report.objects.filter(tracking_number=late).update(created_at=timezone.now() - timedelta(minutes=16))
    with pytest.raises(ReportInvalid) as refused:
        report_withdraw(reporter=reporter, tracking_number=late)
    assert refused.value.errors["report"][0].message == "Laporan hanya dapat dicabut dalam 15 menit setelah dikirim."
    with government_context(bandung):
        assert dict(Report.objects.values_list("tracking_number", "status")) == {number: "withdrawn", late: "received"}


def test_a_report_someone_acted_on_cannot_be_withdrawn(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    with government_context(bandung):
        report_transition(actor=official_of(bandung), tracking_number=number, to_status="verified")
    with assert_nothing_changed(bandung), pytest.raises(InvalidTransition):
        report_withdraw(reporter=reporter, tracking_number=number)


def test_reporter_rates_the_resolution_once(bandung: Government, reporter: User) -> None:
    number = submit(reporter).tracking_number
    with pytest.raises(ReportInvalid) as early:
        report_rate_resolution(reporter=reporter, tracking_number=number, score=4)
    assert early.value.errors["report"][0].code == "not_resolved"
    _resolve(bandung, number)
    with pytest.raises(ReportNotFound):
        report_rate_resolution(reporter=UserFactory(), tracking_number=number, score=1)
    with pytest.raises(ReportInvalid) as out_of_range:
        report_rate_resolution(reporter=reporter, tracking_number=number, score=6)
    assert out_of_range.value.errors["score"][0].code == "out_of_range"
    assert report_rate_resolution(reporter=reporter, tracking_number=number, score=4) == 4
    with pytest.raises(ReportInvalid) as again:
        report_rate_resolution(reporter=reporter, tracking_number=number, score=5)
    assert again.value.errors["report"][0].message == "Laporan ini sudah Anda nilai (4)."
    with government_context(bandung):
        assert Report.objects.get().rating == 4
        assert OutboxEvent.objects.filter(kind="report.rated").get().payload["rating"] == 4
