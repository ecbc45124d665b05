"""The relay: each government's outbox applied to the national read model.

`relay_drain` runs inside one government's schema (a tenant connection also sees the public
tables the read model lives in, docs/decisions/0009). It applies that government's outbox
in id order, in batches; each batch is one transaction that takes a per-government advisory
lock, upserts the facts, recomputes the roll-up cells it touched, records its lag and marks
its events relayed. A crash anywhere in a batch rolls all of that back, and the next run
starts again from the first unrelayed event: at-least-once delivery, nothing lost. An event
at or below its fact's cursor for that government is ignored, so applying it twice changes
nothing. A batch that fails is recorded on the government's relay source row (a stall shows on
/healthz of the national host). The outbox itself (its rows, their writer and reader) is
warga.outbox's.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tenants.context import current_schema
from tenants.models import Government
from tenants.scope import tenant_scoped_to
from warga.errors import Defect
from warga.national.models import (
    RelayBatch,
    RelaySource,
    ReportFact,
)
from warga.national.services.rollups import LOCK_FACT, LOCK_RELAY, _lock, national_day, rollup_recompute
from warga.outbox.models import OutboxEvent
from warga.outbox.selectors import outbox_first_pending_id, outbox_pending
from warga.outbox.services import outbox_mark_relayed
from warga.reports.lifecycle import OPEN_STATUSES, Status
from warga.reports.services import owner_code
from warga.workcalendar.models import SlaStep
from warga.workcalendar.selectors import WorkCalendarNotConfigured, sla_target_for, working_calendar_for
from warga.workcalendar.working_time import WorkingCalendar

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
RELAY_BATCH_RETENTION = timedelta(days=2)
RELAY_ERROR_MAX = 500

# The first move of an official away from "received" answers the citizen.
FIRST_RESPONSE_STATUSES = frozenset(
    {Status.VERIFIED, Status.IN_PROGRESS, Status.DEFERRED, Status.TRANSFERRED, Status.ARCHIVED, Status.RESOLVED}
)
FULL_PAYLOAD_KINDS = frozenset({"report.submitted", "report.transferred_in"})
KNOWN_KINDS = FULL_PAYLOAD_KINDS | {
    "report.status_changed",
    "report.rated",
    "report.supported",
    "report.transferred_out",
}


class RelayEventInvalid(Defect):
    """An outbox event cannot be applied; the batch holding it is rolled back and the relay of
    that government stops there (its freshness check fails) until the row is corrected."""

    code = "relay_event_invalid"

    def __init__(self, event: OutboxEvent, problem: str) -> None:
        self.event_id = event.pk
        super().__init__(f"Outbox event {event.pk} ({event.kind}) in {current_schema()} cannot be relayed: {problem}")


@dataclass
class DrainResult:
    events: int = 0
    ignored: int = 0
    batches: int = 0
    lags_seconds: list[float] = field(default_factory=list)


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (the value at or below which `fraction` of values fall)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _field(event: OutboxEvent, payload: dict[str, Any], name: str) -> Any:
    if name not in payload:
        raise RelayEventInvalid(event, f"payload has no '{name}'")
    return payload[name]


def _moment(event: OutboxEvent, payload: dict[str, Any], name: str) -> datetime:
    value = _field(event, payload, name)
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise RelayEventInvalid(event, f"'{name}' is not an ISO 8601 time: {value!r}") from None
    if timezone.is_naive(moment):
        raise RelayEventInvalid(event, f"'{name}' has no time zone")
    return moment


def _earliest(current: datetime | None, moment: datetime) -> datetime:
    return moment if current is None or moment < current else current


class _Sla:
    """Due times against the source government's own targets and calendar, loaded once per batch.

    The relay runs in that government's schema, where its calendar and targets live."""

    def __init__(self, government: Government) -> None:
        self.government = government
        self._calendar: WorkingCalendar | None = None
        self._calendar_loaded = False
        self._targets: dict[tuple[str, str], tuple[int | None, int | None] | None] = {}

    def met(self, *, category_code: str, step: SlaStep, start: datetime, done: datetime) -> bool | None:
        key = (category_code, step.value)
        if key not in self._targets:
            target = sla_target_for(category_code=category_code, step=step)
            self._targets[key] = None if target is None else (target.working_days, target.working_minutes)
        target_values = self._targets[key]
        if target_values is None:
            return None
        if not self._calendar_loaded:
            self._calendar_loaded = True
            try:
                self._calendar = working_calendar_for(government=self.government)
            except WorkCalendarNotConfigured:
                self._calendar = None
        if self._calendar is None:
            return None
        working_days, working_minutes = target_values
        return done <= self._calendar.due_at(start=start, working_days=working_days, working_minutes=working_minutes)


def _fact_from(event: OutboxEvent, payload: dict[str, Any], *, source: str, now: datetime) -> ReportFact:
    created_at = _moment(event, payload, "created_at")
    status = _field(event, payload, "status")
    return ReportFact(
        tracking_number=_field(event, payload, "tracking_number"),
        owner_code=source,
        owner_since=event.created_at,
        province_code=_field(event, payload, "province_code"),
        regency_code=_field(event, payload, "regency_code"),
        district_code=_field(event, payload, "district_code"),
        village_code=_field(event, payload, "village_code"),
        category_code=_field(event, payload, "category_code"),
        type=_field(event, payload, "type"),
        privacy=_field(event, payload, "privacy"),
        status=status,
        is_open=status in OPEN_STATUSES,
        created_at=created_at,
        created_day=national_day(created_at),
        rating=payload.get("rating"),
        support_count=payload.get("support_count") or 0,
        transfer_count=0,
        source_cursors={},
        last_event_at=event.created_at,
        applied_at=now,
    )


def _take_ownership(fact: ReportFact, event: OutboxEvent, payload: dict[str, Any], *, source: str) -> None:
    fresh = _fact_from(event, payload, source=source, now=fact.applied_at)
    for name in (
        "owner_code",
        "owner_since",
        "province_code",
        "regency_code",
        "district_code",
        "village_code",
        "category_code",
        "type",
        "privacy",
        "status",
        "is_open",
    ):
        setattr(fact, name, getattr(fresh, name))
    if fresh.rating is not None:
        fact.rating = fresh.rating
    fact.support_count = max(fact.support_count, fresh.support_count)


def _apply_status(fact: ReportFact, event: OutboxEvent, payload: dict[str, Any], *, source: str, sla: _Sla) -> None:
    to_status = _field(event, payload, "to_status")
    if to_status not in Status.values:
        raise RelayEventInvalid(event, f"unknown status {to_status!r}")
    at = _moment(event, payload, "at")
    if to_status in FIRST_RESPONSE_STATUSES:
        fact.first_response_at = _earliest(fact.first_response_at, at)
    # The owner's clock starts when it received the report, not when an earlier owner did.
    start = max(fact.created_at, fact.owner_since)
    current_owner = source == fact.owner_code and at >= fact.owner_since
    if to_status == Status.VERIFIED and fact.verified_at is None:
        fact.verified_at = at
        if current_owner:
            fact.sla_verify_met = sla.met(category_code=fact.category_code, step=SlaStep.VERIFY, start=start, done=at)
    elif to_status == Status.IN_PROGRESS and fact.in_progress_at is None:
        fact.in_progress_at = at
        if current_owner and fact.verified_at is not None:
            fact.sla_follow_up_met = sla.met(
                category_code=fact.category_code, step=SlaStep.FOLLOW_UP, start=fact.verified_at, done=at
            )
    elif to_status == Status.RESOLVED:
        if fact.resolved_at is None and current_owner:
            fact.sla_resolve_met = sla.met(category_code=fact.category_code, step=SlaStep.RESOLVE, start=start, done=at)
        # The latest resolution counts: a disputed one was not the end.
        fact.resolved_at = at
    elif to_status == Status.CLOSED:
        fact.closed_at = at
    elif to_status == Status.REOPENED:
        # Only the reporter's dispute reopens a resolved report.
        fact.dispute_count += 1
    if current_owner:
        fact.status = to_status
        fact.is_open = to_status in OPEN_STATUSES


def _apply(
    facts: dict[str, ReportFact], event: OutboxEvent, *, source: str, sla: _Sla, now: datetime
) -> ReportFact | None:
    """Apply one event to the facts in memory; None when it was applied before."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    number = _field(event, payload, "tracking_number")
    fact = facts.get(number)
    if fact is not None and int(fact.source_cursors.get(source, 0)) >= event.pk:
        return None
    if event.kind in FULL_PAYLOAD_KINDS:
        if fact is None:
            fact = facts[number] = _fact_from(event, payload, source=source, now=now)
        elif event.created_at >= fact.owner_since:
            fact.applied_at = now
            _take_ownership(fact, event, payload, source=source)
        fact.created_at = _earliest(fact.created_at, _moment(event, payload, "created_at"))
        fact.created_day = national_day(fact.created_at)
        if event.kind == "report.transferred_in":
            fact.transfer_count += 1
    elif fact is None:
        raise RelayEventInvalid(event, f"no fact for {number}: its submission was never relayed")
    elif event.kind == "report.status_changed":
        _apply_status(fact, event, payload, source=source, sla=sla)
    elif event.kind == "report.rated":
        rating = _field(event, payload, "rating")
        if not isinstance(rating, int) or not 1 <= rating <= 5:
            raise RelayEventInvalid(event, f"rating {rating!r} is not 1-5")
        fact.rating = rating
    elif event.kind == "report.supported":
        count = _field(event, payload, "support_count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise RelayEventInvalid(event, f"support_count {count!r} is not a count")
        # Supports are only ever added and move with the report, so the largest count seen
        # is the current one, whichever government's events arrive first.
        fact.support_count = max(fact.support_count, count)
    # report.transferred_out: the receiving side's transferred_in carries the move.
    fact.source_cursors = fact.source_cursors | {source: event.pk}
    fact.last_event_at = max(fact.last_event_at, event.created_at)
    fact.applied_at = now
    return fact


def _relay_batch(*, government: Government, batch_size: int, result: DrainResult) -> int:
    source = owner_code(government=government)
    with transaction.atomic():
        _lock(LOCK_RELAY, [government.schema_name])
        events = outbox_pending(limit=batch_size)
        if not events:
            # Nothing left: a failure recorded earlier (the operator removed the row) is over.
            RelaySource.objects.filter(source_code=source, failing_event_id__isnull=False).update(
                failing_event_id=None, failing_error="", failing_since=None, failures=0
            )
            return 0
        numbers = {
            _field(event, event.payload if isinstance(event.payload, dict) else {}, "tracking_number")
            for event in events
            if event.kind in KNOWN_KINDS
        }
        _lock(LOCK_FACT, numbers)
        facts = {fact.tracking_number: fact for fact in ReportFact.objects.filter(tracking_number__in=numbers)}
        cells = {(fact.created_day, fact.province_code) for fact in facts.values()}
        existing = set(facts)
        now = timezone.now()
        sla = _Sla(government)
        changed: dict[str, ReportFact] = {}
        for event in events:
            if event.kind not in KNOWN_KINDS:
                # Newer kinds may reach an older relay during a deploy: skipped, never fatal.
                logger.warning("outbox event %s of unknown kind %r skipped", event.pk, event.kind)
                result.ignored += 1
                continue
            fact = _apply(facts, event, source=source, sla=sla, now=now)
            if fact is None:
                result.ignored += 1
            else:
                changed[fact.tracking_number] = fact
        created = [fact for number, fact in changed.items() if number not in existing]
        updated = [fact for number, fact in changed.items() if number in existing]
        ReportFact.objects.bulk_create(created)
        if updated:
            names = [f.name for f in ReportFact._meta.concrete_fields if f.name not in ("id", "tracking_number")]
            ReportFact.objects.bulk_update(updated, names)
        cells |= {(fact.created_day, fact.province_code) for fact in changed.values()}
        rollup_recompute(cells=cells)
        applied_at = timezone.now()
        lags = [max(0.0, (applied_at - event.created_at).total_seconds()) for event in events]
        outbox_mark_relayed(event_ids=[event.pk for event in events], at=applied_at)
        RelayBatch.objects.create(
            source_code=source,
            finished_at=applied_at,
            events=len(events),
            first_event_id=events[0].pk,
            last_event_id=events[-1].pk,
            lag_p95_seconds=_percentile(lags, 0.95),
            lag_max_seconds=max(lags),
        )
        RelayBatch.objects.filter(source_code=source, finished_at__lt=applied_at - RELAY_BATCH_RETENTION).delete()
        # The source's cursor moves and any failure it was stuck on is over: one upsert.
        RelaySource.objects.bulk_create(
            [
                RelaySource(
                    source_code=source,
                    last_event_id=events[-1].pk,
                    last_batch_at=applied_at,
                    failing_event_id=None,
                    failing_error="",
                    failing_since=None,
                    failures=0,
                    last_failure_at=None,
                )
            ],
            update_conflicts=True,
            unique_fields=["source_code"],
            update_fields=[
                "last_event_id",
                "last_batch_at",
                "failing_event_id",
                "failing_error",
                "failing_since",
                "failures",
            ],
        )
    result.events += len(events)
    result.batches += 1
    result.lags_seconds.extend(lags)
    return len(events)


@tenant_scoped_to("government")
def relay_drain(*, government: Government, batch_size: int = BATCH_SIZE, max_batches: int | None = None) -> DrainResult:
    """Apply `government`'s unrelayed outbox events to the national read model, oldest first.

    Must run inside that government's schema. Batches of `batch_size` events, each in one
    transaction, until the outbox is empty (or `max_batches` ran). A second relay of the same
    government waits for the first one's batch instead of running beside it, so events of one
    government are applied in order. Raises RelayEventInvalid (after rolling its batch back)
    on an event that cannot be applied.
    """
    result = DrainResult()
    while max_batches is None or result.batches < max_batches:
        try:
            applied = _relay_batch(government=government, batch_size=batch_size, result=result)
        except Exception as error:
            relay_failure_record(government=government, error=error)
            raise
        if applied < batch_size:
            break
    return result


@tenant_scoped_to("government")
def relay_failure_record(*, government: Government, error: Exception) -> None:
    """Remember, outside the rolled-back batch, that `government`'s relay failed and on which
    event: the event found invalid, else the first event of the batch. Failing again on the
    same event counts up (a stall, docs/decisions/0009); failing on another starts over.

    Never raises: the relay's own error is what the caller must see.
    """
    try:
        event_id = error.event_id if isinstance(error, RelayEventInvalid) else outbox_first_pending_id()
        if event_id is None:
            return
        text = f"{error.__class__.__name__}: {error}"[:RELAY_ERROR_MAX]
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO national_relay_source AS s (source_code, last_event_id, failing_event_id, failing_error,
                                                        failing_since, failures, last_failure_at)
                VALUES (%s, 0, %s, %s, %s, 1, %s)
                ON CONFLICT (source_code) DO UPDATE SET
                    failures = CASE WHEN s.failing_event_id = EXCLUDED.failing_event_id THEN s.failures + 1 ELSE 1 END,
                    failing_since = CASE WHEN s.failing_event_id = EXCLUDED.failing_event_id
                                         THEN s.failing_since ELSE EXCLUDED.failing_since END,
                    failing_event_id = EXCLUDED.failing_event_id,
                    failing_error = EXCLUDED.failing_error,
                    last_failure_at = EXCLUDED.last_failure_at
                """,
                [owner_code(government=government), event_id, text, now, now],
            )
    except Exception:
        logger.exception("could not record the relay failure of %s", government.schema_name)
