from __future__ import annotations

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import submit
from warga.intake.services import report_support
from warga.outbox.models import OutboxEvent
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.models import Report, ReportSupport


def test_saya_juga_counts_once_per_citizen(bandung: Government) -> None:
    number = submit(UserFactory()).tracking_number
    neighbour, other = UserFactory(), UserFactory()

    first = report_support(supporter=neighbour, tracking_number=number)
    again = report_support(supporter=neighbour, tracking_number=number)
    third = report_support(supporter=other, tracking_number=number)

    assert [(o.support_count, o.added) for o in (first, again, third)] == [(1, True), (1, False), (2, True)]
    with government_context(bandung):
        assert Report.objects.get().support_count == 2
        assert set(ReportSupport.objects.values_list("user_id", flat=True)) == {neighbour.pk, other.pk}
        # One outbox event per support added (none for the repeat), carrying the count after it
        # and no one's identity: the national read model's support count.
        supported = list(OutboxEvent.objects.filter(kind="report.supported").order_by("id"))
    assert [(event.payload["tracking_number"], event.payload["support_count"]) for event in supported] == [
        (number, 1),
        (number, 2),
    ]
    assert [sorted(event.payload) for event in supported] == [["at", "support_count", "tracking_number"]] * 2


def test_own_report_and_closed_reports_cannot_be_supported(bandung: Government) -> None:
    reporter = UserFactory()
    number = submit(reporter).tracking_number
    with pytest.raises(ReportInvalid) as own:
        report_support(supporter=reporter, tracking_number=number)
    assert own.value.errors["report"][0].code == "own_report"
    with government_context(bandung):
        Report.objects.update(status="closed")
    with pytest.raises(ReportInvalid) as closed:
        report_support(supporter=UserFactory(), tracking_number=number)
    assert closed.value.errors["report"][0].code == "not_open"
    with government_context(bandung):
        assert Report.objects.get().support_count == 0
        assert not ReportSupport.objects.exists()
        assert not OutboxEvent.objects.filter(kind="report.supported").exists()


def test_rahasia_and_unknown_reports_are_not_found(bandung: Government) -> None:
    number = submit(UserFactory(), privacy="rahasia").tracking_number
    for tracking_number in (number, "32.73-2026-999999"):
        with pytest.raises(ReportNotFound):
            report_support(supporter=UserFactory(), tracking_number=tracking_number)
    with government_context(bandung):
        assert Report.objects.get().support_count == 0
