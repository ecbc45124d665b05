"""Periodic escalation through beat's path: the dispatcher, then one task per ready government."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from tenants.context import government_context
from tenants.models import Government
from tenants.selectors import governments_ready
from warga.notifications.models import Notification
from warga.organization.models import Unit
from warga.reports.models import Report
from warga.routing.models import ReportRouting, RoutingAuditEvent
from warga.routing.selectors import rule_set_active

from .support import Worker, wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def overdue_routing(db: None) -> Iterator[tuple[Government, int]]:
    """A committed Bandung report whose first step fell due an hour ago."""
    bandung = Government.objects.get(code="32.73")
    now = timezone.now()
    with government_context(bandung):
        report = Report.objects.create(
            tracking_number="UJI-ESKALASI-1",
            type="pengaduan",
            category_code="jalan_rusak",
            description="uji eskalasi",
            latitude=-6.87,
            longitude=107.58,
            province_code="32",
            regency_code="32.73",
            district_code="32.73.01",
            village_code="32.73.01.1001",
            privacy="publik",
            reporter_id="00000000-0000-0000-0000-000000000001",
            created_at=now - datetime.timedelta(days=10),
            status_changed_at=now - datetime.timedelta(days=10),
        )
        active = rule_set_active()
        assert active is not None
        ReportRouting.objects.create(
            report_id=report.pk,
            rule_set_version=active.version,
            rule=active.rules.order_by("order").first(),
            reason="uji",
            handling_unit=Unit.objects.get(name="Dinas Pekerjaan Umum dan Penataan Ruang"),
            steps=[
                {
                    "target": "handling_head",
                    "position_ids": [],
                    "due_at": (now - datetime.timedelta(hours=1)).isoformat(),
                },
                {
                    "target": "admin_koordinator",
                    "position_ids": [],
                    "due_at": (now + datetime.timedelta(days=2)).isoformat(),
                },
            ],
            current_due_at=now - datetime.timedelta(hours=1),
            running_due_at=now - datetime.timedelta(hours=1),  # the report is open
            routed_at=now - datetime.timedelta(days=10),
        )
    yield bandung, report.pk
    with government_context(bandung):
        Notification.objects.filter(report_id=report.pk).delete()
        # A queryset delete: the one clean-up allowed to remove audit rows (test data only).
        RoutingAuditEvent.objects.filter(report_id=report.pk).delete()
        ReportRouting.objects.filter(report_id=report.pk).delete()
        Report.objects.filter(pk=report.pk).delete()


def test_dispatcher_escalates_an_overdue_step_once_however_often_it_runs(
    worker: Worker, overdue_routing: tuple[Government, int]
) -> None:
    bandung, report_id = overdue_routing

    def escalations() -> list[RoutingAuditEvent]:
        with government_context(bandung):
            return list(RoutingAuditEvent.objects.filter(report_id=report_id, kind="report.escalated"))

    # Sent from the public schema twice, as beat would on two ticks.
    for _ in range(2):
        celery_app.send_task(
            "tenants.for_each_ready_tenant", kwargs={"task_name": "routing.escalate_overdue", "jitter_seconds": 0}
        )
    # The dispatcher probes first (docs/decisions/0125): only Kota Bandung has an overdue step, so
    # the other ready governments get no task; the second tick finds it still overdue or, when
    # the first run was quicker, already escalated and nothing to send.
    ready = governments_ready().count()
    dispatched = re.compile(rf"dispatched routing\.escalate_overdue to (\d+) of {ready} ready governments")
    wait_for(lambda: len(dispatched.findall(worker.log())) == 2, what="both ticks dispatched")
    sent = [int(count) for count in dispatched.findall(worker.log())]
    assert sent[0] == 1
    assert sent[1] in {0, 1}
    finished = re.compile(r"Task routing\.escalate_overdue\[[0-9a-f-]+\] (succeeded|raised)")
    wait_for(
        lambda: len(finished.findall(worker.log())) >= sum(sent),
        what=f"{sum(sent)} escalation runs to finish",
    )
    assert finished.findall(worker.log()) == ["succeeded"] * sum(sent)
    assert worker.log().count("{'escalated': 1, 'chains_ended': 0}") == 1
    (event,) = wait_for(escalations, what="the escalation audit event")
    assert (event.detail["from_step"], event.detail["to_step"], event.detail["target"]) == (0, 1, "admin_koordinator")
    with government_context(bandung):
        routing = ReportRouting.objects.get(report_id=report_id)
        assert routing.current_step == 1
