"""A worker killed with SIGKILL in the middle of an escalation run loses nothing and repeats nothing.

The run is stopped at a known point without any hook in the product: the test holds, in an
open transaction, the notification row one report of the second batch is about to write, so
the worker's insert waits on it (after committing the first batch and escalating half of the
second one in its open transaction). Then the worker is killed, the test's transaction rolled
back, a new worker started and the run sent again.
"""

from __future__ import annotations

import datetime
import os
import re
import signal
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from config.celery import app as celery_app
from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from warga.notifications.models import Channel, ChannelPreference, EventKind, Notification
from warga.organization.models import Membership, Position, PositionKind, Unit, UnitKind
from warga.reports.models import Report
from warga.routing.models import ReportRouting, RoutingAuditEvent
from warga.routing.selectors import rule_set_active

from .conftest import BROKERS, _require_or_skip, worker_running
from .support import Worker, backend_alive, backends_waiting_for_me, wait_for

pytestmark = pytest.mark.worker

REPORTS = 40
BATCH = 10
# The report the first run stops at: the middle of its second batch.
STOP_AT = BATCH + BATCH // 2
FINISHED = re.compile(r"Task routing\.escalate_overdue\[[0-9a-f-]+\] (succeeded|raised)")


@dataclass
class Overdue:
    government: Government
    report_ids: list[int]
    coordinator_id: uuid.UUID


@pytest.fixture
def overdue(db: None) -> Iterator[Overdue]:
    """REPORTS committed Bandung reports whose first step fell due an hour ago; the second step
    is the admin koordinator's, held by someone who reads notifications in the app only."""
    bandung = Government.objects.get(code="32.73")
    now = timezone.now()
    coordinator = UserFactory()
    coordinator_id = coordinator.pk
    with government_context(bandung):
        seat = Position.objects.get(unit__kind=UnitKind.GOVERNMENT, kind=PositionKind.ADMIN_KOORDINATOR)
        membership = Membership.objects.create(
            position=seat, user_id=coordinator_id, starts_on=datetime.date(2024, 1, 1)
        )
        ChannelPreference.objects.create(user_id=coordinator_id, email=False, sms=False)
        reports = Report.objects.bulk_create(
            Report(
                tracking_number=f"UJI-BUNUH-{number:03d}",
                type="pengaduan",
                category_code="jalan_rusak",
                description="uji pekerja mati",
                latitude=-6.87,
                longitude=107.58,
                province_code="32",
                regency_code="32.73",
                district_code="32.73.01",
                village_code="32.73.01.1001",
                privacy="publik",
                reporter_id=uuid.UUID(int=number + 1),
                created_at=now - datetime.timedelta(days=10),
                status_changed_at=now - datetime.timedelta(days=10),
            )
            for number in range(REPORTS)
        )
        active = rule_set_active()
        assert active is not None
        rule = active.rules.order_by("order").first()
        pupr = Unit.objects.get(name="Dinas Pekerjaan Umum dan Penataan Ruang")
        overdue_at = now - datetime.timedelta(hours=1)
        # Created in report order, so the run (by due time, then id) takes them in this order.
        for report in reports:
            ReportRouting.objects.create(
                report_id=report.pk,
                rule_set_version=active.version,
                rule=rule,
                reason="uji",
                handling_unit=pupr,
                steps=[
                    {"target": "handling_head", "position_ids": [], "due_at": overdue_at.isoformat()},
                    {
                        "target": "admin_koordinator",
                        "position_ids": [seat.pk],
                        "due_at": (now + datetime.timedelta(days=2)).isoformat(),
                    },
                ],
                current_due_at=overdue_at,
                running_due_at=overdue_at,  # the report is open
                routed_at=now - datetime.timedelta(days=10),
            )
    report_ids = [report.pk for report in reports]
    yield Overdue(government=bandung, report_ids=report_ids, coordinator_id=coordinator_id)
    with government_context(bandung):
        Notification.objects.filter(report_id__in=report_ids).delete()
        # A queryset delete: the one clean-up allowed to remove audit rows (test data only).
        RoutingAuditEvent.objects.filter(report_id__in=report_ids).delete()
        ReportRouting.objects.filter(report_id__in=report_ids).delete()
        Report.objects.filter(pk__in=report_ids).delete()
        ChannelPreference.objects.filter(user_id=coordinator_id).delete()
        Membership.objects.filter(pk=membership.pk).delete()
    coordinator.delete()


def _escalated(overdue: Overdue) -> Counter[int]:
    with government_context(overdue.government):
        rows = (
            RoutingAuditEvent.objects.filter(report_id__in=overdue.report_ids, kind="report.escalated")
            .values("report_id")
            .annotate(times=Count("id"))
        )
        return Counter({row["report_id"]: row["times"] for row in rows})


def _run(overdue: Overdue) -> None:
    with government_context(overdue.government):
        celery_app.send_task("routing.escalate_overdue", kwargs={"batch": BATCH})


class _RollBack(Exception):
    pass


@pytest.mark.parametrize("broker", list(BROKERS))
def test_every_overdue_step_escalates_exactly_once_across_a_killed_worker(
    broker: str, overdue: Overdue, tmp_path: Path, django_db_blocker: Any
) -> None:
    _require_or_skip(broker)
    queue = f"default-test-{uuid.uuid4().hex[:8]}"
    stopper = overdue.report_ids[STOP_AT]

    first: Worker
    with worker_running(
        broker=broker, folder=tmp_path, queue=queue, django_db_blocker=django_db_blocker, remove_queue=False
    ) as first:
        try:
            with government_context(overdue.government), transaction.atomic():
                Notification.objects.create(
                    recipient_id=overdue.coordinator_id,
                    report_id=stopper,
                    kind=EventKind.REPORT_ESCALATED,
                    channel=Channel.IN_APP,
                    dedup_key=f"escalated:{stopper}:1:{overdue.coordinator_id}:in_app",
                    created_at=timezone.now(),
                )
                _run(overdue)
                (waiting,) = wait_for(backends_waiting_for_me, what="the worker to reach the held row", timeout=20)
                # The first batch is committed; the second is half done in the worker's open transaction.
                assert sum(_escalated(overdue).values()) == BATCH
                os.kill(first.process.pid, signal.SIGKILL)
                first.process.wait(timeout=10)
                raise _RollBack
        except _RollBack:
            pass
    # The killed worker's database session ends once its insert is let through (its client is
    # gone), taking the half-done batch with it; until then it still holds those rows' locks.
    wait_for(lambda: not backend_alive(waiting), what="the killed worker's database session to end", timeout=10)
    assert sum(_escalated(overdue).values()) == BATCH
    assert not FINISHED.findall(first.log())

    with worker_running(broker=broker, folder=tmp_path, queue=queue, django_db_blocker=django_db_blocker) as second:
        _run(overdue)
        wait_for(lambda: len(_escalated(overdue)) == REPORTS, what=f"all {REPORTS} reports to escalate", timeout=20)

        def all_runs_finished() -> bool:
            # A broker that redelivers the killed worker's unacknowledged message runs it here too.
            log = second.log()
            received = len(re.findall(r"Task routing\.escalate_overdue\[[0-9a-f-]+\] received", log))
            return received >= 1 and len(FINISHED.findall(log)) == received

        wait_for(all_runs_finished, what="every escalation run of the new worker to finish", timeout=20)
        assert "raised" not in FINISHED.findall(second.log())

    assert _escalated(overdue) == Counter(dict.fromkeys(overdue.report_ids, 1))
    with government_context(overdue.government):
        assert set(
            ReportRouting.objects.filter(report_id__in=overdue.report_ids).values_list("current_step", flat=True)
        ) == {1}
        notified = Counter(
            Notification.objects.filter(report_id__in=overdue.report_ids, kind=EventKind.REPORT_ESCALATED).values_list(
                "report_id", "recipient_id", "channel"
            )
        )
        assert notified == Counter(
            {(report_id, overdue.coordinator_id, "in_app"): 1 for report_id in overdue.report_ids}
        )
