"""Tracking numbers: per government and year, gap-free, and concurrent submissions on committed
data (separate connections racing for real)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import counts, submit
from tests.warga.reports.images import image_bytes
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.services import Submission
from warga.notifications.models import Notification
from warga.outbox.models import OutboxEvent
from warga.reports.models import Report, ReportEvent, ReportPhoto, TrackingCounter
from warga.reports.services import tracking_number_next
from warga.routing.models import ReportRouting


def test_each_year_counts_from_one_and_the_national_desk_is_nas(bandung: Government, national: Government) -> None:
    with transaction.atomic():
        with government_context(bandung):
            numbers = [tracking_number_next(government=bandung, year=y) for y in (2026, 2026, 2027, 2026)]
        with government_context(national):
            numbers.append(tracking_number_next(government=national, year=2026))
    assert numbers == [
        "32.73-2026-000001",
        "32.73-2026-000002",
        "32.73-2027-000001",
        "32.73-2026-000003",
        "NAS-2026-000001",
    ]


@pytest.fixture
def bandung_committed(committed_db: None) -> Iterator[Government]:
    # pytest-django only builds the test database when some collected test uses `db`; run
    # alone, committed_db would reach the development database. Refuse rather than write there.
    if not str(connection.settings_dict["NAME"]).startswith("test_"):
        pytest.fail("Run these tests together with a test that uses `db` (e.g. the whole directory).")
    bandung = Government.objects.get(code="32.73")
    assert counts(bandung) == (0, 0, 0)
    yield bandung
    ReportIndex.objects.filter(government=bandung).delete()
    with government_context(bandung):
        # The audit trail is append-only for the product; only test clean-up removes it.
        ReportEvent.objects.all().delete()
        OutboxEvent.objects.all().delete()
        # Routing notified each reporter; left behind, the rows would count in later tests.
        Notification.objects.all().delete()
        ReportRouting.objects.all().delete()
        ReportPhoto.objects.all().delete()
        Report.objects.all().delete()
        TrackingCounter.objects.all().delete()
    User.objects.filter(email__startswith="balapan").delete()


def _race(calls: list[Callable[[], Submission]]) -> list[Submission]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except BaseException as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def test_two_concurrent_submissions_with_one_key_make_one_report(bandung_committed: Government) -> None:
    citizen = UserFactory(email="balapan-1@example.id")
    key = str(uuid.uuid4())
    photo = image_bytes()

    def attempt() -> Submission:
        return submit(citizen, idempotency_key=key, photos=[SimpleUploadedFile("a.jpg", photo)])

    first, second = _race([attempt, attempt])

    assert first.tracking_number == second.tracking_number
    assert sorted([first.replayed, second.replayed]) == [False, True]
    assert counts(bandung_committed) == (1, 1, 1)
    assert ReportIndex.objects.filter(reporter=citizen).count() == 1
    # The loser's photo file went with its transaction.
    assert len([p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]) == 1
    # The loser's rolled-back transaction took its number with it: no gap.
    year, sequence = first.tracking_number.split("-")[1:]
    assert sequence == "000001"
    assert submit(citizen).tracking_number == f"32.73-{year}-000002"


def test_tracking_numbers_have_no_gaps_and_no_repeats_under_concurrency(bandung_committed: Government) -> None:
    citizens = [UserFactory(email=f"balapan-{n}@example.id") for n in range(2, 10)]
    results = _race([lambda c=c: submit(c) for c in citizens])  # type: ignore[misc]

    sequences = sorted(int(r.tracking_number.rsplit("-", 1)[1]) for r in results)
    assert sequences == list(range(1, 9))
    assert counts(bandung_committed) == (8, 8, 8)
