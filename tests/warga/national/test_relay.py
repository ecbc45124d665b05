"""The relay: outbox events of each government become PII-free facts and roll-ups, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DataError
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.accounts.models import User
from warga.intake.services import report_support, report_transfer
from warga.national.models import RelayBatch, RelaySource, ReportFact, Rollup
from warga.national.selectors import relay_freshness, relays_stalled
from warga.national.services import RelayEventInvalid, national_day, relay_drain
from warga.outbox.models import OutboxEvent
from warga.reports.models import Report
from warga.reports.services import report_transition


def drain(government: Government, **options: Any) -> int:
    with government_context(government):
        return relay_drain(government=government, **options).events


def fact_rows() -> list[tuple[Any, ...]]:
    return list(
        ReportFact.objects.order_by("tracking_number").values_list(
            "tracking_number",
            "owner_code",
            "regency_code",
            "district_code",
            "category_code",
            "status",
            "is_open",
            "transfer_count",
            "source_cursors",
        )
    )


def rollup_rows() -> list[tuple[Any, ...]]:
    return list(
        Rollup.objects.order_by("level", "region_code", "category_code", "status").values_list(
            "level", "region_code", "category_code", "type", "status", "reports"
        )
    )


def outbox_ids(government: Government) -> list[int]:
    with government_context(government):
        return list(OutboxEvent.objects.order_by("id").values_list("id", flat=True))


def test_reports_of_two_governments_become_facts_and_rollups(
    bandung: Government, jakarta: Government, official: User
) -> None:
    reporter = UserFactory()
    first = submit(reporter).tracking_number
    second = submit(reporter, category_code="sampah").tracking_number
    third = submit(
        reporter, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1], village_code=JAKARTA_VILLAGE
    ).tracking_number
    with government_context(bandung):
        report_transition(actor=official, tracking_number=first, to_status="verified")
        report_transition(actor=official, tracking_number=first, to_status="in_progress")
        created = Report.objects.get(tracking_number=first).created_at
    b_ids, j_ids = outbox_ids(bandung), outbox_ids(jakarta)

    assert drain(bandung) == 4
    assert drain(jakarta) == 1

    assert fact_rows() == [
        (third, "31", "31.71", "31.71.01", "jalan_rusak", "received", True, 0, {"31": j_ids[0]}),
        (first, "32.73", "32.73", "32.73.01", "jalan_rusak", "in_progress", True, 0, {"32.73": b_ids[3]}),
        (second, "32.73", "32.73", "32.73.01", "sampah", "received", True, 0, {"32.73": b_ids[1]}),
    ]
    fact = ReportFact.objects.get(tracking_number=first)
    assert fact.created_at == created
    assert fact.created_day == national_day(created)
    assert fact.first_response_at == fact.verified_at
    assert fact.verified_at is not None
    assert fact.in_progress_at is not None
    assert fact.verified_at <= fact.in_progress_at
    assert (fact.resolved_at, fact.closed_at, fact.rating) == (None, None, None)
    assert {day for (day,) in Rollup.objects.values_list("day")} == {national_day(created)}
    assert rollup_rows() == [
        ("district", "31.71.01", "jalan_rusak", "pengaduan", "received", 1),
        ("district", "32.73.01", "jalan_rusak", "pengaduan", "in_progress", 1),
        ("district", "32.73.01", "sampah", "pengaduan", "received", 1),
        ("province", "31", "jalan_rusak", "pengaduan", "received", 1),
        ("province", "32", "jalan_rusak", "pengaduan", "in_progress", 1),
        ("province", "32", "sampah", "pengaduan", "received", 1),
        ("regency", "31.71", "jalan_rusak", "pengaduan", "received", 1),
        ("regency", "32.73", "jalan_rusak", "pengaduan", "in_progress", 1),
        ("regency", "32.73", "sampah", "pengaduan", "received", 1),
    ]
    with government_context(bandung):
        assert not OutboxEvent.objects.filter(relayed_at__isnull=True).exists()
    assert sorted(RelayBatch.objects.values_list("source_code", "events")) == [("31", 1), ("32.73", 4)]

    # A later change moves the report's cell: the old cell is gone, not left at zero.
    with government_context(bandung):
        report_transition(actor=official, tracking_number=second, to_status="archived", note="duplikat")
    assert drain(bandung) == 1
    assert ("regency", "32.73", "sampah", "pengaduan", "archived", 1) in rollup_rows()
    assert ("regency", "32.73", "sampah", "pengaduan", "received", 1) not in rollup_rows()


def test_relaying_the_same_events_twice_changes_nothing(bandung: Government, official: User) -> None:
    number = submit(UserFactory()).tracking_number
    with government_context(bandung):
        report_transition(actor=official, tracking_number=number, to_status="verified")
    assert drain(bandung) == 2
    before = (fact_rows(), rollup_rows(), list(ReportFact.objects.values_list("verified_at", "last_event_at")))

    # As if the batch had been delivered again (a worker lost after committing).
    with government_context(bandung):
        OutboxEvent.objects.update(relayed_at=None)
    assert drain(bandung) == 2
    after = (fact_rows(), rollup_rows(), list(ReportFact.objects.values_list("verified_at", "last_event_at")))
    assert after == before


def test_a_relay_failing_mid_batch_applies_nothing_and_a_rerun_applies_everything_once(
    bandung: Government, official: User
) -> None:
    numbers = [submit(UserFactory()).tracking_number for _ in range(3)]
    with government_context(bandung):
        broken = OutboxEvent.objects.create(
            aggregate_type="report",
            aggregate_id=0,
            kind="report.status_changed",
            payload={"tracking_number": numbers[0], "to_status": "verified", "at": "kemarin"},
            created_at=timezone.now(),
        )
        report_transition(actor=official, tracking_number=numbers[1], to_status="verified")

    with pytest.raises(RelayEventInvalid, match=f"Outbox event {broken.pk} .*'at' is not an ISO 8601 time"):
        drain(bandung)
    assert (ReportFact.objects.count(), Rollup.objects.count(), RelayBatch.objects.count()) == (0, 0, 0)
    with government_context(bandung):
        assert OutboxEvent.objects.filter(relayed_at__isnull=True).count() == 5

    # The operator corrects the row; the rerun starts again from the first event.
    with government_context(bandung):
        OutboxEvent.objects.filter(pk=broken.pk).update(payload=broken.payload | {"at": timezone.now().isoformat()})
    assert drain(bandung, batch_size=2) == 5
    assert ReportFact.objects.count() == 3
    assert sorted(ReportFact.objects.values_list("status", flat=True)) == ["received", "verified", "verified"]
    assert list(RelayBatch.objects.order_by("first_event_id").values_list("events", flat=True)) == [2, 2, 1]
    assert Rollup.objects.get(level="province", status="verified").reports == 2


def test_events_are_applied_in_order_across_batches(bandung: Government, official: User) -> None:
    number = submit(UserFactory()).tracking_number
    with government_context(bandung):
        for status in ("verified", "in_progress"):
            report_transition(actor=official, tracking_number=number, to_status=status)
        report_transition(actor=official, tracking_number=number, to_status="deferred", note="menunggu anggaran")
        report_transition(actor=official, tracking_number=number, to_status="in_progress")
    # One event per batch: each batch sees the fact the previous one left.
    assert drain(bandung, batch_size=1) == 5
    fact = ReportFact.objects.get()
    assert (fact.status, fact.is_open) == ("in_progress", True)
    assert fact.verified_at is not None
    assert fact.in_progress_at is not None
    assert fact.first_response_at == fact.verified_at
    assert RelayBatch.objects.count() == 5


def test_a_transfer_keeps_one_fact_whatever_order_the_governments_relay_in(
    bandung: Government, jakarta: Government, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    number = submit(UserFactory()).tracking_number
    with government_context(bandung):
        report_transition(actor=official, tracking_number=number, to_status="verified")
    with django_capture_on_commit_callbacks(execute=True):
        report_transfer(
            actor=official, tracking_number=number, from_government=bandung, to_government_code="31", note="jalan DKI"
        )
    # The receiving government relays first: the older owner's events only fill in history.
    assert drain(jakarta) == 1
    assert drain(bandung) == 3
    (fact,) = fact_rows()
    assert fact[:8] == (number, "31", "32.73", "32.73.01", "jalan_rusak", "received", True, 1)
    assert set(fact[8]) == {"31", "32.73"}
    assert ReportFact.objects.get().verified_at is not None
    assert Rollup.objects.get(level="province").status == "received"


def test_relay_refuses_to_run_outside_the_governments_schema(bandung: Government, jakarta: Government) -> None:
    with pytest.raises(RuntimeError, match=f"runs in '{bandung.schema_name}', not in 'public'"):
        relay_drain(government=bandung)
    with government_context(jakarta), pytest.raises(RuntimeError, match=f"runs in '{bandung.schema_name}'"):
        relay_drain(government=bandung)


def test_freshness_is_the_lag_from_outbox_event_to_fact(bandung: Government) -> None:
    assert relay_freshness()["lag_p95_seconds"] is None
    submit(UserFactory())
    with government_context(bandung):
        # As if the relay had been down for two minutes.
        OutboxEvent.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    drain(bandung)
    freshness = relay_freshness()
    assert (freshness["batches"], freshness["events"]) == (1, 1)
    assert 120 <= freshness["lag_p95_seconds"] == freshness["lag_max_seconds"] < 130
    fact = ReportFact.objects.get()
    assert fact.applied_at - fact.last_event_at >= timedelta(minutes=2)


def test_saya_juga_supports_reach_the_fact_and_survive_a_transfer(
    bandung: Government, jakarta: Government, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    number = submit(UserFactory()).tracking_number
    for _ in range(2):
        report_support(supporter=UserFactory(), tracking_number=number)
    assert drain(bandung) == 3
    assert ReportFact.objects.get().support_count == 2

    with django_capture_on_commit_callbacks(execute=True):
        report_transfer(
            actor=official, tracking_number=number, from_government=bandung, to_government_code="31", note="jalan DKI"
        )
    report_support(supporter=UserFactory(), tracking_number=number)
    # The new owner relays first: its transfer and its own support carry the counts 2 and 3.
    assert drain(jakarta) == 2
    assert ReportFact.objects.get().support_count == 3
    # The old owner's later events (the transfer out) never lower it.
    assert drain(bandung) == 1
    fact = ReportFact.objects.get()
    assert (fact.owner_code, fact.support_count) == ("31", 3)


def test_support_events_relayed_out_of_order_keep_the_largest_count(bandung: Government) -> None:
    number = submit(UserFactory()).tracking_number
    drain(bandung)
    with government_context(bandung):
        now = timezone.now()
        for count in (5, 4):
            OutboxEvent.objects.create(
                aggregate_type="report",
                aggregate_id=0,
                kind="report.supported",
                payload={"tracking_number": number, "support_count": count, "at": now.isoformat()},
                created_at=now,
            )
    assert drain(bandung) == 2
    assert ReportFact.objects.get().support_count == 5


def test_a_support_event_without_a_count_stops_the_relay(bandung: Government) -> None:
    number = submit(UserFactory()).tracking_number
    with government_context(bandung):
        broken = OutboxEvent.objects.create(
            aggregate_type="report",
            aggregate_id=0,
            kind="report.supported",
            payload={"tracking_number": number, "support_count": "banyak", "at": timezone.now().isoformat()},
            created_at=timezone.now(),
        )
    with pytest.raises(RelayEventInvalid, match=f"Outbox event {broken.pk} .*support_count 'banyak' is not a count"):
        drain(bandung)
    assert not ReportFact.objects.exists()


def _broken_event(government: Government, number: str) -> OutboxEvent:
    with government_context(government):
        return OutboxEvent.objects.create(
            aggregate_type="report",
            aggregate_id=0,
            kind="report.status_changed",
            payload={"tracking_number": number, "to_status": "verified", "at": "kemarin"},
            created_at=timezone.now(),
        )


def test_a_relay_failing_again_and_again_on_one_event_is_recorded_as_stalled(bandung: Government) -> None:
    number = submit(UserFactory()).tracking_number
    broken = _broken_event(bandung, number)

    for attempt in (1, 2):
        with pytest.raises(RelayEventInvalid):
            drain(bandung)
        source = RelaySource.objects.get(source_code="32.73")
        assert (source.failing_event_id, source.failures) == (broken.pk, attempt)
        assert relays_stalled() == []
    with pytest.raises(RelayEventInvalid):
        drain(bandung)

    (stalled,) = relays_stalled()
    assert stalled | {"failing_since": None} == {
        "government_code": "32.73",
        "government_name": "Kota Bandung",
        "event_id": broken.pk,
        "error": (
            f"RelayEventInvalid: Outbox event {broken.pk} (report.status_changed) in gov_32_73 cannot be relayed: "
            "'at' is not an ISO 8601 time: 'kemarin'"
        ),
        "failing_since": None,
        "failures": 3,
        "last_event_id": 0,
    }
    assert stalled["failing_since"] is not None
    assert relay_freshness()["stalled"] == [stalled]
    # Nothing of the failed batches was applied.
    assert not ReportFact.objects.exists()

    # The operator corrects the row: the next run applies everything and the stall is over.
    with government_context(bandung):
        OutboxEvent.objects.filter(pk=broken.pk).update(payload=broken.payload | {"at": timezone.now().isoformat()})
    assert drain(bandung) == 2
    source = RelaySource.objects.get(source_code="32.73")
    assert (source.failing_event_id, source.failing_error, source.failures, source.last_event_id) == (
        None,
        "",
        0,
        broken.pk,
    )
    assert relays_stalled() == []


def test_failing_on_a_later_event_starts_counting_again(bandung: Government, official: User) -> None:
    first = submit(UserFactory()).tracking_number
    broken = _broken_event(bandung, first)
    for _ in range(3):
        with pytest.raises(RelayEventInvalid):
            drain(bandung)
    with government_context(bandung):
        OutboxEvent.objects.filter(pk=broken.pk).delete()
    later = _broken_event(bandung, first)
    with pytest.raises(RelayEventInvalid):
        drain(bandung)
    source = RelaySource.objects.get(source_code="32.73")
    assert (source.failing_event_id, source.failures) == (later.pk, 1)
    assert relays_stalled() == []


def test_a_database_error_is_recorded_on_the_first_event_of_its_batch(bandung: Government) -> None:
    """Not an event the relay recognises as invalid, but a write the database refuses (a
    province code longer than its column): the batch it happened in is named."""
    now = timezone.now()
    with government_context(bandung):
        events = [
            OutboxEvent.objects.create(
                aggregate_type="report",
                aggregate_id=0,
                kind="report.submitted",
                payload={
                    "tracking_number": f"32.73-2026-99000{n}",
                    "type": "pengaduan",
                    "category_code": "banjir",
                    "province_code": province,
                    "regency_code": "32.73",
                    "district_code": "32.73.01",
                    "village_code": "32.73.01.1001",
                    "privacy": "publik",
                    "status": "received",
                    "created_at": now.isoformat(),
                },
                created_at=now,
            )
            for n, province in enumerate(["32", "3273"])
        ]
    with pytest.raises(DataError):
        drain(bandung)
    source = RelaySource.objects.get(source_code="32.73")
    assert (source.failing_event_id, source.failures) == (events[0].pk, 1)
    assert source.failing_error.startswith("DataError: value too long for type character varying(2)")
    assert not ReportFact.objects.exists()
