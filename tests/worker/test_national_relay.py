"""National tasks in a real worker: beat's dispatcher reaches every ready government, and each
relay drains its own government's outbox into the national read model; a government made ready
is offered the triage desk's waiting reports by the task provisioning queues."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from tenants.context import government_context
from tenants.models import Government
from tests.warga.reports.helpers import submit
from warga.accounts.models import User
from warga.national.models import RelayBatch, ReportFact, Rollup
from warga.onboarding.services import government_provision, plan_for_codes
from warga.outbox.models import OutboxEvent
from warga.reports.models import Report
from warga.triage.models import Offer

from .support import Worker, committed_citizen, wait_for

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


def test_the_beat_sweep_relays_the_governments_with_waiting_events(worker: Worker, outbox_row: int) -> None:
    celery_app.send_task("national.relay_sweep", kwargs={"jitter_seconds": 0})
    fact = wait_for(lambda: ReportFact.objects.filter(tracking_number=NUMBER).first(), what="the fact to appear")
    assert (fact.owner_code, fact.status, fact.source_cursors) == ("32.73", "received", {"32.73": outbox_row})
    assert Rollup.objects.get(level="regency", region_code="32.73", category_code="banjir").reports == 1
    bandung = Government.objects.get(code="32.73")
    with government_context(bandung):
        assert OutboxEvent.objects.get(pk=outbox_row).relayed_at is not None
    worker.wait_for_log("relay sweep: 1 of 3 ready governments have events waiting")


BOGOR_NUMBER = "NAS-2026-990001"


@pytest.fixture
def waiting_at_the_desk(db: None) -> Iterator[Report]:
    """One committed report from Kabupaten Bogor at the national desk; afterwards the report,
    its offers and the Kabupaten Bogor government (with its schema) are removed again."""
    national = Government.objects.get(level="national")
    now = timezone.now()
    with government_context(national):
        report = Report.objects.create(
            tracking_number=BOGOR_NUMBER,
            type="pengaduan",
            category_code="banjir",
            description="Banjir setinggi lutut di jalan desa.",
            latitude=-6.47,
            longitude=106.83,
            province_code="32",
            regency_code="32.01",
            district_code="32.01.01",
            village_code="32.01.01.1001",
            privacy="publik",
            status="received",
            reporter_id=uuid.uuid4(),
            created_at=now,
            status_changed_at=now,
        )
    yield report
    Offer.objects.filter(tracking_number=BOGOR_NUMBER).delete()
    with government_context(national):
        Report.objects.filter(pk=report.pk).delete()
    bogor = Government.objects.filter(code="32.01").first()
    if bogor is not None:
        bogor.delete(force_drop=True)


def test_a_government_made_ready_is_offered_the_desk_reports_by_the_worker(
    worker: Worker, waiting_at_the_desk: Report
) -> None:
    (planned,) = plan_for_codes(codes=["32.01"])
    # Committed: the offer task leaves for the worker as soon as provisioning is done.
    bogor = government_provision(planned=planned).government
    offer = wait_for(
        lambda: Offer.objects.filter(tracking_number=BOGOR_NUMBER, government=bogor).first(), what="the offer"
    )
    assert (offer.status, offer.category_code, offer.village_code) == ("pending", "banjir", "32.01.01.1001")
    worker.wait_for_log("national.offers_for_government")


@pytest.fixture
def reporter(db: None) -> Iterator[User]:
    """A citizen whose committed reports, and what the relay made of them, are removed after."""
    with committed_citizen(email_prefix="relay") as user:
        yield user


def test_a_committed_change_nudges_its_governments_relay_without_waiting_for_beat(
    worker: Worker, reporter: User
) -> None:
    # Nothing is dispatched here: the outbox write itself sends the drain once it commits.
    number = submit(reporter).tracking_number
    fact = wait_for(lambda: ReportFact.objects.filter(tracking_number=number).first(), what="the nudged relay")
    assert (fact.owner_code, fact.status, fact.category_code) == ("32.73", "received", "jalan_rusak")
    worker.wait_for_log("national.relay_drain")
