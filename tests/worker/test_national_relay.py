"""The relay task in a real worker: beat's dispatcher reaches every ready government, and each
copy drains its own government's outbox into the national read model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from tenants.context import government_context
from tenants.models import Government
from warga.national.models import RelayBatch, ReportFact, Rollup
from warga.reports.models import OutboxEvent

from .support import Worker, wait_for

pytestmark = pytest.mark.worker

NUMBER = "32.73-2026-990001"


@pytest.fixture
def outbox_row(db: None) -> Iterator[int]:
    """One committed submission event in Kota Bandung's outbox; everything it caused is removed after."""
    bandung = Government.objects.get(code="32.73")
    now = timezone.now()
    with government_context(bandung):
        event = OutboxEvent.objects.create(
            aggregate_type="report",
            aggregate_id=990001,
            kind="report.submitted",
            payload={
                "tracking_number": NUMBER,
                "type": "pengaduan",
                "category_code": "banjir",
                "province_code": "32",
                "regency_code": "32.73",
                "district_code": "32.73.01",
                "village_code": "32.73.01.1001",
                "privacy": "publik",
                "status": "received",
                "photos": 0,
                "created_at": now.isoformat(),
            },
            created_at=now,
        )
    yield event.pk
    with government_context(bandung):
        OutboxEvent.objects.filter(pk=event.pk).delete()
    ReportFact.objects.filter(tracking_number=NUMBER).delete()
    Rollup.objects.filter(category_code="banjir", region_code__startswith="32").delete()
    RelayBatch.objects.filter(source_code="32.73", first_event_id__lte=event.pk, last_event_id__gte=event.pk).delete()


def test_beat_dispatch_relays_each_governments_outbox(worker: Worker, outbox_row: int) -> None:
    celery_app.send_task("tenants.for_each_ready_tenant", args=["national.relay_drain"], kwargs={"jitter_seconds": 0})
    fact = wait_for(lambda: ReportFact.objects.filter(tracking_number=NUMBER).first(), what="the fact to appear")
    assert (fact.owner_code, fact.status, fact.source_cursors) == ("32.73", "received", {"32.73": outbox_row})
    assert Rollup.objects.get(level="regency", region_code="32.73", category_code="banjir").reports == 1
    bandung = Government.objects.get(code="32.73")
    with government_context(bandung):
        assert OutboxEvent.objects.get(pk=outbox_row).relayed_at is not None
    worker.wait_for_log("dispatched national.relay_drain to 3 ready governments")
