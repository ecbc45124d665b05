"""Writes of the national read model: the relay from each government's outbox.

`relay_drain` runs inside one government's schema (a tenant connection also sees the public
tables the read model lives in, docs/decisions/0009). It applies that government's outbox
in id order, in batches; each batch is one transaction that takes a per-government advisory
lock, upserts the facts, recomputes the roll-up cells it touched, records its lag and marks
its events relayed. A crash anywhere in a batch rolls all of that back, and the next run
starts again from the first unrelayed event: at-least-once delivery, nothing lost. An event
at or below its fact's cursor for that government is ignored, so applying it twice changes
nothing. A batch that fails is recorded on the government's relay source row (a stall shows on
/healthz of the national host).

Also here: the national triage desk (holds, assignment, offers to newly ready governments,
docs/decisions/0012) and the surge flags with their notifications.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.context import current_schema, government_context, in_public_schema
from tenants.models import Government, Level
from tenants.selectors import government_national
from tenants.services import origin_for_slug
from tenants.tasks import send_on_commit
from warga.access.policy import GRANTS, Action, policy_require
from warga.accounts.models import User
from warga.errors import Defect, Unavailable, WrongScope
from warga.intake.models import ReportIndex
from warga.intake.services import TransferOutcome, report_move, report_transfer
from warga.national.histograms import BUCKET_SQL
from warga.national.models import (
    COUNTRY_CODE,
    COUNTRY_LEVEL,
    Offer,
    OfferStatus,
    RegionLevel,
    RelayBatch,
    RelaySource,
    ReportFact,
    SurgeFlag,
    TriageHold,
)
from warga.national.selectors import SURGE_BASELINE_DAYS, SURGE_RECENT_DAYS, NationalScope, dashboard_surges
from warga.notifications.models import EventKind
from warga.notifications.services import notifications_send
from warga.organization.models import Membership, PositionKind
from warga.organization.selectors import membership_active_q, today_in
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.lifecycle import OPEN_STATUSES, Status
from warga.reports.models import OutboxEvent, Report
from warga.reports.services import NATIONAL_OWNER_CODE, NOTE_MAX_LENGTH, owner_code, report_audit_write
from warga.workcalendar.models import SlaStep
from warga.workcalendar.selectors import WorkCalendarNotConfigured, sla_target_for, working_calendar_for
from warga.workcalendar.working_time import WorkingCalendar

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# The national reporting day: one calendar for the whole country's roll-ups.
NATIONAL_DAY_ZONE = ZoneInfo("Asia/Jakarta")
# Advisory lock classes (first key of the two-key form): one relay per government, one
# writer per fact, one recompute per roll-up cell group.
LOCK_RELAY = 0x4E01
LOCK_FACT = 0x4E02
LOCK_ROLLUP = 0x4E03
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


def _require_schema_of(government: Government) -> None:
    if in_public_schema() or current_schema() != government.schema_name:
        raise WrongScope(f"The relay of {government.schema_name} runs in its schema, not in {current_schema()!r}.")


def national_day(moment: datetime) -> date:
    return moment.astimezone(NATIONAL_DAY_ZONE).date()


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


def _lock(lock_class: int, keys: Iterable[str]) -> None:
    """Transaction-scoped advisory locks on `keys`, always taken in one order (no deadlock)."""
    ordered = sorted(set(keys))
    if not ordered:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, k)) FROM "
            "(SELECT DISTINCT hashtext(key) AS k FROM unnest(%s::text[]) AS key ORDER BY 1) AS keys",
            [lock_class, ordered],
        )


# One roll-up row per day x region (three levels) x category x type x status, with the sums of
# everything the dashboard shows (docs/decisions/0066). The WHERE clause comes between the two.
ROLLUP_INSERT_SQL = """
    INSERT INTO national_rollup
        (day, level, region_code, province_code, category_code, type, status, reports,
         sla_met, sla_known, rating_sum, ratings, disputes, disputed_reports)
    SELECT created_day, level, region_code, province_code, category_code, type, status, count(*),
           count(*) FILTER (WHERE sla_verify_met) + count(*) FILTER (WHERE sla_follow_up_met)
             + count(*) FILTER (WHERE sla_resolve_met),
           count(sla_verify_met) + count(sla_follow_up_met) + count(sla_resolve_met),
           coalesce(sum(rating), 0), count(rating),
           coalesce(sum(dispute_count), 0), count(*) FILTER (WHERE dispute_count > 0)
    FROM national_report_fact AS f
    CROSS JOIN LATERAL (VALUES
        ('province', f.province_code), ('regency', f.regency_code), ('district', f.district_code)
    ) AS r (level, region_code)
"""
ROLLUP_GROUP_SQL = " GROUP BY created_day, level, region_code, province_code, category_code, type, status"
# One histogram row per day x region (three levels) x category x measure x non-empty bucket
# (docs/decisions/0042). More conditions (AND ...) come between the two.
HISTOGRAM_INSERT_SQL = f"""
    INSERT INTO national_duration_histogram
        (day, level, region_code, province_code, category_code, measure, bucket, reports)
    SELECT created_day, r.level, r.region_code, province_code, category_code, m.measure,
           {BUCKET_SQL.format(seconds="m.seconds")}, count(*)
    FROM national_report_fact AS f
    CROSS JOIN LATERAL (VALUES
        ('province', f.province_code), ('regency', f.regency_code), ('district', f.district_code)
    ) AS r (level, region_code)
    CROSS JOIN LATERAL (VALUES
        ('first_response', extract(epoch FROM f.first_response_at - f.created_at)),
        ('resolution', extract(epoch FROM f.resolved_at - f.created_at))
    ) AS m (measure, seconds)
    WHERE m.seconds IS NOT NULL
"""
HISTOGRAM_GROUP_SQL = " GROUP BY 1, 2, 3, 4, 5, 6, 7"
_OPEN_SQL = ", ".join(f"'{status}'" for status in sorted(OPEN_STATUSES))
# The roll-ups folded to one row per day x region (docs/decisions/0080): what the dashboard,
# its map and drill-down and the rankings sum. More conditions (AND ...) between the two.
REGION_DAY_INSERT_SQL = f"""
    INSERT INTO national_region_day
        (day, level, region_code, province_code, reports, open, resolved, sla_met, sla_known,
         rating_sum, ratings, disputes, disputed_reports)
    SELECT day, level, region_code, province_code, sum(reports),
           coalesce(sum(reports) FILTER (WHERE status IN ({_OPEN_SQL})), 0),
           coalesce(sum(reports) FILTER (WHERE status IN ('resolved', 'closed')), 0),
           sum(sla_met), sum(sla_known), sum(rating_sum), sum(ratings), sum(disputes), sum(disputed_reports)
    FROM national_rollup
    WHERE TRUE
"""
REGION_DAY_GROUP_SQL = " GROUP BY day, level, region_code, province_code"
# The histograms with categories summed, for provinces and kabupaten/kota; the country's rows
# are the sum of the province rows (COUNTRY_DURATION_SQL rebuilds them; the relay adds deltas).
REGION_DURATION_INSERT_SQL = """
    INSERT INTO national_region_duration (day, level, region_code, province_code, measure, bucket, reports)
    SELECT day, level, region_code, province_code, measure, bucket, sum(reports)
    FROM national_duration_histogram
    WHERE level IN ('province', 'regency')
"""
REGION_DURATION_GROUP_SQL = " GROUP BY day, level, region_code, province_code, measure, bucket"
COUNTRY_DURATION_SQL = f"""
    INSERT INTO national_region_duration (day, level, region_code, province_code, measure, bucket, reports)
    SELECT day, '{COUNTRY_LEVEL}', '{COUNTRY_CODE}', '', measure, bucket, sum(reports)
    FROM national_region_duration WHERE level = 'province'
    GROUP BY day, measure, bucket
"""


def rollup_recompute(*, cells: Iterable[tuple[date, str]]) -> None:
    """Rebuild the roll-up rows, duration histograms and their per-region folds of each (day,
    province) from the facts, inside the caller's transaction. Under the cell's lock each
    statement sees every committed fact, so two relays touching the same province and day never
    leave a stale count behind. The country's duration rows, which every province adds to, move
    by the difference between the province's rows before and after (docs/decisions/0080)."""
    by_province: dict[str, set[date]] = {}
    for day, province in cells:
        by_province.setdefault(province, set()).add(day)
    _lock(LOCK_ROLLUP, [f"{province}:{day.isoformat()}" for province, days in by_province.items() for day in days])
    country: dict[tuple[date, str, int], int] = {}
    with connection.cursor() as cursor:
        for province, days in sorted(by_province.items()):
            day_list = sorted(days)
            where = "province_code = %s AND day = ANY(%s::date[])"
            cursor.execute("DELETE FROM national_rollup WHERE " + where, [province, day_list])
            cursor.execute(
                ROLLUP_INSERT_SQL + "WHERE province_code = %s AND created_day = ANY(%s::date[])" + ROLLUP_GROUP_SQL,
                [province, day_list],
            )
            cursor.execute("DELETE FROM national_duration_histogram WHERE " + where, [province, day_list])
            # Durations per fixed bucket, so that the dashboard's medians never read facts.
            cursor.execute(
                HISTOGRAM_INSERT_SQL + "AND province_code = %s AND created_day = ANY(%s::date[])" + HISTOGRAM_GROUP_SQL,
                [province, day_list],
            )
            cursor.execute("DELETE FROM national_region_day WHERE " + where, [province, day_list])
            cursor.execute(REGION_DAY_INSERT_SQL + "AND " + where + REGION_DAY_GROUP_SQL, [province, day_list])
            before = (
                "SELECT day, measure, bucket, reports FROM national_region_duration WHERE level = 'province' AND "
                + where
            )
            cursor.execute(before, [province, day_list])
            for day, measure, bucket, reports in cursor.fetchall():
                country[(day, measure, bucket)] = country.get((day, measure, bucket), 0) - reports
            cursor.execute("DELETE FROM national_region_duration WHERE " + where, [province, day_list])
            cursor.execute(
                REGION_DURATION_INSERT_SQL + "AND " + where + REGION_DURATION_GROUP_SQL, [province, day_list]
            )
            cursor.execute(before, [province, day_list])
            for day, measure, bucket, reports in cursor.fetchall():
                country[(day, measure, bucket)] = country.get((day, measure, bucket), 0) + reports
        changes = sorted((key, delta) for key, delta in country.items() if delta)
        if changes:
            # One statement, rows in a fixed order: two relays adding to the same country rows
            # wait for each other (row locks) and never deadlock.
            cursor.execute(
                f"""
                INSERT INTO national_region_duration
                    (day, level, region_code, province_code, measure, bucket, reports)
                SELECT d, '{COUNTRY_LEVEL}', '{COUNTRY_CODE}', '', m, b, r
                FROM unnest(%s::date[], %s::text[], %s::int[], %s::int[]) WITH ORDINALITY AS u (d, m, b, r, n)
                ORDER BY n
                ON CONFLICT (day, level, region_code, measure, bucket)
                DO UPDATE SET reports = national_region_duration.reports + EXCLUDED.reports
                """,
                [
                    [key[0] for key, _ in changes],
                    [key[1] for key, _ in changes],
                    [key[2] for key, _ in changes],
                    [delta for _, delta in changes],
                ],
            )


def _relay_batch(*, government: Government, batch_size: int, result: DrainResult) -> int:
    source = owner_code(government=government)
    with transaction.atomic():
        _lock(LOCK_RELAY, [government.schema_name])
        events = list(OutboxEvent.objects.filter(relayed_at__isnull=True).order_by("id")[:batch_size])
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
        OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(relayed_at=applied_at)
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


def relay_drain(*, government: Government, batch_size: int = BATCH_SIZE, max_batches: int | None = None) -> DrainResult:
    """Apply `government`'s unrelayed outbox events to the national read model, oldest first.

    Must run inside that government's schema. Batches of `batch_size` events, each in one
    transaction, until the outbox is empty (or `max_batches` ran). A second relay of the same
    government waits for the first one's batch instead of running beside it, so events of one
    government are applied in order. Raises RelayEventInvalid (after rolling its batch back)
    on an event that cannot be applied.
    """
    _require_schema_of(government)
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


def _first_unrelayed_event_id() -> int | None:
    return OutboxEvent.objects.filter(relayed_at__isnull=True).order_by("id").values_list("id", flat=True).first()


def relay_failure_record(*, government: Government, error: Exception) -> None:
    """Remember, outside the rolled-back batch, that `government`'s relay failed and on which
    event: the event found invalid, else the first event of the batch. Failing again on the
    same event counts up (a stall, docs/decisions/0009); failing on another starts over.

    Never raises: the relay's own error is what the caller must see.
    """
    try:
        event_id = error.event_id if isinstance(error, RelayEventInvalid) else _first_unrelayed_event_id()
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


# --- The national triage desk -----------------------------------------------------------------
# Reports no ready government owns land in the national government's own schema (owner code
# NAS), as do reports a government refused ("bukan wewenang"). The desk's officials assign them
# to a ready government (through report_transfer, the one service that moves a report between
# schemas), set them aside with a reason, or let a newly ready government take them (offers).
# Holds and offers are public rows keyed by tracking number (docs/decisions/0012); the report
# and its audit trail stay in the desk's schema.

TERRITORIAL_LEVELS = (Level.PROVINCE, Level.REGENCY, Level.CITY)


class TriageDeskUnavailable(Unavailable):
    default_message = _("The national triage desk is not ready yet. Please try again later.")


def triage_desk() -> Government:
    """The national government, whose schema holds the desk; must be the schema in context."""
    national = government_national()
    if national is None or not national.is_ready:
        raise TriageDeskUnavailable()
    if current_schema() != national.schema_name:
        raise WrongScope(f"The triage desk runs in {national.schema_name}, not in {current_schema()!r}.")
    return national


def _require_active(actor: User) -> None:
    if not actor.is_authenticated or not actor.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat mengubah laporan.")


def _desk_for(actor: User) -> Government:
    """The desk, once `actor` is known to work it (warga.access.policy: triage.act)."""
    national = triage_desk()
    _require_active(actor)
    policy_require(actor=actor, government=national, action=Action.TRIAGE_ACT)
    return national


def _reason(value: str, *, field: str, missing: str) -> str:
    text = value.strip()
    if not text:
        raise ReportInvalid.single(field, "required", missing)
    if len(text) > NOTE_MAX_LENGTH:
        raise ReportInvalid.single(
            field, "too_long", f"Alasan paling panjang {NOTE_MAX_LENGTH} karakter (sekarang {len(text)})."
        )
    return text


def _desk_report_locked(tracking_number: str) -> Report:
    report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
    if report is None:
        raise ReportNotFound()
    if report.status not in OPEN_STATUSES:
        raise ReportInvalid.single(
            "report",
            "not_open",
            f"Laporan ini sudah tidak terbuka ({report.status}), jadi tidak ada di antrean triase.",
        )
    return report


def _audit(report: Report, *, actor_id: uuid.UUID | None, note: str, at: datetime) -> None:
    # The status does not move; the trail still says who did what at the desk and why.
    report_audit_write(report=report, acting_user_id=actor_id, note=note, at=at)


def _offers_withdraw(tracking_number: str, *, now: datetime, keep: int | None = None) -> int:
    pending = Offer.objects.filter(tracking_number=tracking_number, status=OfferStatus.PENDING)
    if keep is not None:
        pending = pending.exclude(pk=keep)
    return pending.update(status=OfferStatus.WITHDRAWN, decided_at=now)


def triage_hold(*, actor: User, tracking_number: str, reason: str) -> TriageHold:
    """Set a report at the desk aside with a reason: it leaves the default queue view until
    released. Its pending offers are withdrawn (a held report is not offered). Raises
    ReportNotFound for a report not at the desk, ReportInvalid for a missing reason, a report
    no longer open or one already held. One transaction, with an audit event."""
    _desk_for(actor)
    text = _reason(reason, field="reason", missing="Tuliskan mengapa laporan ini ditahan di meja triase.")
    with transaction.atomic():
        report = _desk_report_locked(tracking_number)
        if TriageHold.objects.filter(tracking_number=tracking_number, released_at__isnull=True).exists():
            raise ReportInvalid.single(
                "report", "already_held", "Laporan ini sudah ditahan; lepaskan dulu penahanannya."
            )
        now = timezone.now()
        hold = TriageHold.objects.create(tracking_number=tracking_number, reason=text, held_at=now)
        _offers_withdraw(tracking_number, now=now)
        _audit(report, actor_id=actor.pk, note=f"Ditahan di meja triase nasional: {text}", at=now)
    return hold


def triage_release(*, actor: User, tracking_number: str, note: str = "") -> TriageHold:
    """Put a held report back in the queue. ReportInvalid when it is not held."""
    _desk_for(actor)
    text = note.strip()[:NOTE_MAX_LENGTH]
    with transaction.atomic():
        report = _desk_report_locked(tracking_number)
        hold = (
            TriageHold.objects.select_for_update()
            .filter(tracking_number=tracking_number, released_at__isnull=True)
            .first()
        )
        if hold is None:
            raise ReportInvalid.single("report", "not_held", "Laporan ini tidak sedang ditahan.")
        now = timezone.now()
        hold.released_at = now
        hold.save(update_fields=["released_at"])
        _audit(
            report,
            actor_id=actor.pk,
            note="Penahanan di meja triase nasional dilepas" + (f": {text}" if text else "."),
            at=now,
        )
    return hold


def triage_assign(*, actor: User, tracking_number: str, to_government_code: str, note: str = "") -> TransferOutcome:
    """Send a report from the desk to a ready government (report_transfer, in one transaction
    with closing its hold and withdrawing its pending offers). report_transfer's refusals
    (unknown or unready government, a status that cannot move) pass through unchanged."""
    national = _desk_for(actor)
    if to_government_code.strip().upper() == NATIONAL_OWNER_CODE:
        raise ReportInvalid.single(
            "to_government_code",
            "same_government",
            "Laporan sudah berada di meja triase nasional; pilih pemerintah daerah tujuannya.",
        )
    text = note.strip()
    with transaction.atomic():
        outcome = report_transfer(
            acting_user=actor,
            tracking_number=tracking_number,
            from_government=national,
            to_government_code=to_government_code.strip(),
            note="Ditugaskan oleh meja triase nasional" + (f": {text}" if text else "."),
        )
        now = timezone.now()
        TriageHold.objects.filter(tracking_number=tracking_number, released_at__isnull=True).update(released_at=now)
        _offers_withdraw(tracking_number, now=now)
    return outcome


# --- Offers to a government that becomes ready ------------------------------------------------


def _territory_column(government: Government) -> str | None:
    if government.level == Level.PROVINCE:
        return "province_code"
    if government.level in (Level.REGENCY, Level.CITY):
        return "regency_code"
    return None


def offers_queue_for(*, government: Government) -> None:
    """After the current transaction commits, offer the desk's pending reports to
    `government` (just made ready) in a task running in the desk's schema. Nothing is queued
    for a government without a territory or when there is no ready desk."""
    if government.level not in TERRITORIAL_LEVELS:
        return
    national = government_national()
    if national is None or not national.is_ready:
        return
    from warga.national.tasks import national_offers_for_government

    with government_context(national):
        send_on_commit(national_offers_for_government, kwargs={"government_id": government.pk})


# Tracking numbers named in one offer notification; the offers page lists them all.
OFFER_NOTICE_MAX_NUMBERS = 10
OFFERS_PAGE_PATH = "/tawaran-triase/"


def _offer_deciders(government: Government) -> list[uuid.UUID]:
    """Who holds, today, a seat that may decide `government`'s offers (warga.access.policy)."""
    kinds = [kind for kind, grants in GRANTS.items() if Action.OFFER_DECIDE in grants]
    return _seat_holders(government=government, kinds=kinds)


def _offers_notify(*, government: Government, offers: list[tuple[int, str]], dedup_key: str = "") -> int:
    """Tell `government`'s deciders, in its schema, that the desk offered it `offers` (id,
    tracking number): one notification per batch and person, keyed by the batch's first
    offer (a batch is committed once, so the key is never reused) unless `dedup_key` says
    otherwise."""
    recipients = _offer_deciders(government)
    if not recipients:
        return 0
    numbers = [number for _, number in offers]
    context = {
        "government_name": government.name,
        "count": len(numbers),
        "tracking_numbers": numbers[:OFFER_NOTICE_MAX_NUMBERS],
        "more": max(len(numbers) - OFFER_NOTICE_MAX_NUMBERS, 0),
        "offers_path": OFFERS_PAGE_PATH,
    }
    with government_context(government):
        notifications_send(
            recipient_ids=recipients,
            report_id=None,
            kind=EventKind.REPORT_OFFERED,
            context=context,
            dedup_key=dedup_key or f"offered:{min(offer_id for offer_id, _ in offers)}",
        )
    return len(recipients)


def offers_remind(*, on: date | None = None) -> int:
    """Remind every ready government's deciders of the offers still waiting for them, once a
    week per person (ISO week of `on`, default today in WIB); returns how many governments
    were reminded. Public scope; each notification is written in its government's schema.

    The batch notice of `offers_for_government` reaches whoever held a deciding seat when the
    offers were made, and a government that has just onboarded often seats its admin
    koordinator only later: run daily, this tells a newly seated decider within a day and
    nobody more than once a week. Idempotent (the week is part of the key)."""
    if not in_public_schema():
        raise WrongScope(f"offers_remind runs in the public schema, not in {current_schema()!r}.")
    on = on or national_day(timezone.now())
    year, week, _ = on.isocalendar()
    waiting: dict[int, list[tuple[int, str]]] = {}
    for offer_id, government_id, number in (
        Offer.objects.filter(status=OfferStatus.PENDING, government__is_ready=True)
        .order_by("offered_at", "id")
        .values_list("pk", "government_id", "tracking_number")
    ):
        waiting.setdefault(government_id, []).append((offer_id, number))
    reminded = 0
    for government in Government.objects.filter(pk__in=waiting).order_by("code"):
        with transaction.atomic():
            told = _offers_notify(
                government=government, offers=waiting[government.pk], dedup_key=f"offers-waiting:{year}-W{week:02d}"
            )
        reminded += 1 if told else 0
    return reminded


def offers_for_government(*, government: Government) -> int:
    """Offer `government` every open, unheld report at the desk whose village lies in its
    territory; returns how many offers were made now. Idempotent: a report is offered to a
    government once, ever (a declined offer is not repeated). Runs in the desk's schema.

    When offers are made, the people who may decide them (its admin koordinator) are told
    once, in the same transaction: a rerun that offers nothing new tells nobody."""
    triage_desk()
    column = _territory_column(government)
    if column is None or not government.is_ready or not government.code:
        return 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One statement however many reports wait: the desk's reports (this schema) joined
            # to the public holds and offers the connection also sees.
            cursor.execute(
                f"""
                INSERT INTO national_offer (tracking_number, government_id, status, type, category_code,
                                            district_code, village_code, report_created_at, offered_at,
                                            decline_reason)
                SELECT r.tracking_number, %s, %s, r.type, r.category_code, r.district_code, r.village_code,
                       r.created_at, %s, ''
                FROM {Report._meta.db_table} AS r
                WHERE r.{column} = %s AND r.status = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM national_triage_hold AS h
                                  WHERE h.tracking_number = r.tracking_number AND h.released_at IS NULL)
                ORDER BY r.created_at, r.id
                ON CONFLICT (tracking_number, government_id) DO NOTHING
                RETURNING id, tracking_number
                """,
                [government.pk, OfferStatus.PENDING, timezone.now(), government.code, sorted(OPEN_STATUSES)],
            )
            made = sorted(cursor.fetchall())
        if made:
            _offers_notify(government=government, offers=made)
        return len(made)


def _offer_decider_check(*, actor: User, government: Government) -> None:
    _require_active(actor)
    policy_require(actor=actor, government=government, action=Action.OFFER_DECIDE)


class OfferNotFound(ReportNotFound):
    default_message = _("No offer with that number was found for this government.")


def _offer_pending_locked(*, government: Government, offer_id: int) -> Offer:
    offer = Offer.objects.select_for_update().filter(pk=offer_id, government=government).first()
    if offer is None:
        raise OfferNotFound()
    if offer.status != OfferStatus.PENDING:
        raise ReportInvalid.single(
            "offer", "already_decided", f"Tawaran ini sudah diputuskan ({OfferStatus(offer.status).label})."
        )
    return offer


def offer_accept(*, actor: User, government: Government, offer_id: int) -> TransferOutcome:
    """`government`'s admin koordinator takes an offered report: it is transferred from the
    desk into `government`'s schema, the offer accepted and the report's other pending offers
    withdrawn, in one transaction. An offer of another government is OfferNotFound. A report
    that meanwhile left the desk withdraws the offer (committed) and raises ReportInvalid."""
    _offer_decider_check(actor=actor, government=government)
    national = government_national()
    if national is None or not national.is_ready:
        raise TriageDeskUnavailable()
    stale = False
    with transaction.atomic():
        offer = _offer_pending_locked(government=government, offer_id=offer_id)
        now = timezone.now()
        at_desk = ReportIndex.objects.filter(tracking_number=offer.tracking_number, government=national).exists()
        if not at_desk:
            offer.status, offer.decided_at = OfferStatus.WITHDRAWN, now
            offer.save(update_fields=["status", "decided_at"])
            stale = True
        else:
            # The taker holds no seat at the desk: `offer.decide` above is the decision.
            outcome = report_move(
                acting_user=actor,
                tracking_number=offer.tracking_number,
                from_government=national,
                to_government_code=government.code or "",
                note=f"Diambil alih oleh {government.name} dari meja triase nasional (tawaran {offer.pk}).",
            )
            offer.status, offer.decided_at = OfferStatus.ACCEPTED, now
            offer.save(update_fields=["status", "decided_at"])
            _offers_withdraw(offer.tracking_number, now=now, keep=offer.pk)
    if stale:
        raise ReportInvalid.single(
            "offer", "report_left_desk", "Laporan ini sudah tidak berada di meja triase nasional; tawaran ditarik."
        )
    return outcome


def offer_decline(*, actor: User, government: Government, offer_id: int, reason: str) -> Offer:
    """`government`'s admin koordinator declines an offered report with a reason: it stays at
    the desk, which sees the reason on the offer and in the report's audit trail."""
    _offer_decider_check(actor=actor, government=government)
    text = _reason(reason, field="reason", missing="Tuliskan mengapa laporan ini tidak diambil alih.")
    national = government_national()
    if national is None or not national.is_ready:
        raise TriageDeskUnavailable()
    with transaction.atomic():
        offer = _offer_pending_locked(government=government, offer_id=offer_id)
        now = timezone.now()
        offer.status, offer.decided_at, offer.decline_reason = OfferStatus.DECLINED, now, text
        offer.save(update_fields=["status", "decided_at", "decline_reason"])
        with government_context(national):
            report = Report.objects.filter(tracking_number=offer.tracking_number).first()
            if report is not None:
                _audit(report, actor_id=actor.pk, note=f"Tawaran ke {government.name} ditolak: {text}", at=now)
    return offer


# --- Surges, flagged once and told to the overseers -------------------------------------------

LOCK_SURGE = 0x4E04
# Seats told about a surge in their province, besides every national overseer.
PROVINCE_SURGE_RECIPIENTS = (PositionKind.GUBERNUR, PositionKind.PIMPINAN, PositionKind.ADMIN_KOORDINATOR)


@dataclass
class SurgeRun:
    flagged: list[SurgeFlag] = field(default_factory=list)
    updated: int = 0
    resolved: int = 0
    notified: int = 0


def _seat_holders(*, government: Government, kinds: Iterable[str] | None = None) -> list[uuid.UUID]:
    """People holding, today, a seat (of `kinds`, or any) in `government`; read in its schema."""
    with government_context(government):
        memberships = Membership.objects.filter(membership_active_q(on=today_in(government=government)))
        if kinds is not None:
            memberships = memberships.filter(position__kind__in=list(kinds))
        return sorted(set(memberships.values_list("user_id", flat=True)))


# Where a surge notification points: the flag's row on the surges page of the recipient's
# government host (national or province), where it is linked to the map.
SURGES_PAGE_PATH = "/pantauan/lonjakan/"


def surge_link(*, government: Government, flag_id: int) -> str:
    """The absolute address of a flag's row on `government`'s surges page, on its host and
    the port links carry (WARGA_LINK_PORT: a development server's, none in production)."""
    return f"{origin_for_slug(government.slug)}{SURGES_PAGE_PATH}#lonjakan-{flag_id}"


def _surge_notify(flag: SurgeFlag, *, name: str, national: Government | None) -> int:
    context = {
        "district_code": flag.region_code,
        "district_name": name,
        "province_code": flag.province_code,
        "category_code": flag.category_code,
        "recent": flag.recent,
        "expected": flag.expected,
        "day": flag.first_day.isoformat(),
    }
    told = 0
    key = f"surge:{flag.pk}"
    if national is not None and national.is_ready:
        overseers = _seat_holders(government=national)
        with government_context(national):
            notifications_send(
                recipient_ids=overseers,
                report_id=None,
                kind=EventKind.SURGE_DETECTED,
                context=context | {"link": surge_link(government=national, flag_id=flag.pk)},
                dedup_key=key,
            )
        told += len(overseers)
    province = Government.objects.filter(code=flag.province_code, level=Level.PROVINCE, is_ready=True).first()
    if province is not None:
        leaders = _seat_holders(government=province, kinds=PROVINCE_SURGE_RECIPIENTS)
        with government_context(province):
            notifications_send(
                recipient_ids=leaders,
                report_id=None,
                kind=EventKind.SURGE_DETECTED,
                context=context | {"link": surge_link(government=province, flag_id=flag.pk)},
                dedup_key=key,
            )
        told += len(leaders)
    return told


def surges_flag(*, today: date | None = None) -> SurgeRun:
    """Record surges of the read model as flags and tell the overseers about new ones.

    Runs in the public schema, once for the country. A kecamatan x category that surges in
    the window ending `today` (national day) or in the full window ending yesterday keeps (or
    gets) its one open flag; open flags of cells that do neither are resolved. A new flag
    notifies every national overseer and the province government's leaders (gubernur,
    pimpinan, admin koordinator) in the same transaction, deduplicated by the flag, so a
    second run changes nothing. Runs of the task never overlap (an advisory lock).
    """
    if not in_public_schema():
        raise WrongScope(f"surges_flag runs in the public schema, not in {current_schema()!r}.")
    today = today or national_day(timezone.now())
    whole_country = NationalScope()
    surging: dict[tuple[str, str], dict[str, Any]] = {}
    for end in (today - timedelta(days=1), today):
        for surge in dashboard_surges(scope=whole_country, end=end):
            surging[(surge["district_code"], surge["category_code"])] = surge | {"day": end}
    run = SurgeRun()
    national = government_national()
    with transaction.atomic():
        _lock(LOCK_SURGE, ["surges"])
        now = timezone.now()
        open_flags = {
            (flag.region_code, flag.category_code): flag
            for flag in SurgeFlag.objects.select_for_update().filter(
                level=RegionLevel.DISTRICT, resolved_at__isnull=True
            )
        }
        for cell, flag in open_flags.items():
            if cell not in surging:
                flag.resolved_at = now
                flag.save(update_fields=["resolved_at"])
                run.resolved += 1
        for (district, category), surge in sorted(surging.items()):
            current = open_flags.get((district, category))
            if current is not None:
                if surge["day"] >= current.last_day and (surge["day"], surge["recent"]) != (
                    current.last_day,
                    current.recent,
                ):
                    current.last_day, current.recent, current.expected = (
                        surge["day"],
                        surge["recent"],
                        surge["expected"],
                    )
                    current.last_seen = now
                    current.save(update_fields=["last_day", "recent", "expected", "last_seen"])
                    run.updated += 1
                continue
            flag = SurgeFlag.objects.create(
                level=RegionLevel.DISTRICT,
                region_code=district,
                province_code=district[:2],
                category_code=category,
                window_days=SURGE_RECENT_DAYS,
                baseline_days=SURGE_BASELINE_DAYS,
                first_day=surge["day"],
                last_day=surge["day"],
                recent=surge["recent"],
                expected=surge["expected"],
                first_seen=now,
                last_seen=now,
            )
            run.flagged.append(flag)
            run.notified += _surge_notify(flag, name=surge["name"], national=national)
    return run
