"""Everything routing reads to decide, held per process and per government.

Routing a report needs the active rules, the units and positions they name, who holds each
seat, the working calendar and the SLA targets; the submission around it, the government's
webhook endpoints and the channels of the people it notifies: twelve statements when read
afresh, and the same answer for thousands of reports in a row. `routing_configuration()` reads
one row instead, the government's configuration version, and rereads the rest only when that
version changed.

The version is kept by the database, not by code (docs/decisions/0061): a trigger on every
table in `CONFIGURATION_MODELS` gives it a new random value in the writer's own transaction,
whether the writer is a service, an import, the Django admin, a migration or raw SQL. The
cache key is the schema, the version table's own oid (a schema dropped and built again under
the same name is another table) and the version, so one government's configuration is never
served to another, and a value written by a transaction that rolled back is never reused.

Read order matters: the version is read first, then the configuration. A change committed in
between makes the entry newer than its key, never older; the next reader sees the new version
and reads again.
"""

from __future__ import annotations

import datetime
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Model

from tenants.context import current_schema
from tenants.models import Government
from warga.notifications.models import ChannelPreference
from warga.notifications.selectors import channel_preferences_all
from warga.organization.models import Membership, Position, PositionKind, Unit, UnitKind
from warga.routing.models import ConfigurationVersion, Rule, RuleSet
from warga.webhooks.models import Endpoint
from warga.webhooks.selectors import Subscription, subscriptions_active
from warga.workcalendar.models import DayOff, DayWorked, OfficeHours, SlaTarget
from warga.workcalendar.selectors import WorkCalendarNotConfigured, working_calendar_for
from warga.workcalendar.working_time import WorkingCalendar

# What the configuration is read from. Each table has the version trigger (migrations
# routing 0004 and 0006); tests/warga/routing/test_configuration_cache.py checks every schema
# for it and fails when routing reads a table that is not listed here. The last two are what
# the rest of a submission's transaction reads besides routing (docs/decisions/0140): who wants
# the report's webhook, and how each person notified wants to hear.
CONFIGURATION_MODELS: tuple[type[Model], ...] = (
    RuleSet,
    Rule,
    Unit,
    Position,
    Membership,
    OfficeHours,
    DayOff,
    DayWorked,
    SlaTarget,
    Endpoint,
    ChannelPreference,
)

# The seats routing can notify or escalate to (routing.selectors.plans._positions_by_target).
ROUTED_KINDS = (
    PositionKind.LURAH,
    PositionKind.KEPALA_DESA,
    PositionKind.CAMAT,
    PositionKind.WALIKOTA_ADMINISTRASI,
    PositionKind.GUBERNUR,
    PositionKind.BUPATI,
    PositionKind.WALIKOTA,
    PositionKind.ADMIN_KOORDINATOR,
    PositionKind.KEPALA_DINAS,
)


@dataclass(frozen=True)
class Seat:
    """One membership, as routing needs it."""

    user_id: uuid.UUID
    is_acting: bool
    starts_on: datetime.date
    ends_on: datetime.date | None

    def held_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


@dataclass(frozen=True)
class RoutingConfiguration:
    """One government's routing configuration at one version. Shared by every request of the
    process: read it, never change it (the model instances in it included)."""

    key: tuple[str, int, uuid.UUID | None, str]
    rule_set: RuleSet | None
    rules: tuple[Rule, ...]
    # Positions of ROUTED_KINDS, each with its unit loaded.
    positions: tuple[Position, ...]
    # Every membership of those positions, past and future too: routing asks about any day.
    seats: Mapping[int, tuple[Seat, ...]]
    # None when the government has no office hours (WorkCalendarNotConfigured on use).
    calendar: WorkingCalendar | None
    # (step, category code or None) -> (working days, working minutes)
    sla_targets: Mapping[tuple[str, str | None], tuple[int | None, int | None]]
    # The positions again, by their unit's region code and by unit: a province has thousands
    # of seats, and a report needs the few of its village, district, regency and government.
    by_region: Mapping[str, tuple[Position, ...]] = field(default_factory=dict)
    by_unit: Mapping[int, tuple[Position, ...]] = field(default_factory=dict)
    of_government: tuple[Position, ...] = ()
    # The government's active webhook endpoints (warga.webhooks.selectors.subscriptions_active).
    webhook_subscriptions: tuple[Subscription, ...] = ()
    # Every stored channel choice of the schema, by person (one per person who saved one here).
    channel_preferences: Mapping[uuid.UUID, ChannelPreference] = field(default_factory=dict)

    def positions_near(self, *, village_code: str, handling_unit_id: int | None) -> list[Position]:
        """The positions a report in `village_code` can reach (a superset: the caller picks by
        kind), in id order."""
        district_code = village_code.rsplit(".", 1)[0]
        found = {
            p.pk: p
            for p in (
                *self.by_region.get(village_code, ()),
                *self.by_region.get(district_code, ()),
                *self.by_region.get(village_code[:5], ()),
                *self.of_government,
                *(self.by_unit.get(handling_unit_id, ()) if handling_unit_id is not None else ()),
            )
        }
        return [found[pk] for pk in sorted(found)]

    def holders_on(self, *, position_ids: Sequence[int], day: datetime.date) -> dict[int, list[Seat]]:
        """The seats of each position held on `day`."""
        return {pk: [s for s in self.seats.get(pk, ()) if s.held_on(day)] for pk in position_ids}

    def working_calendar(self, *, government: Government) -> WorkingCalendar:
        if self.calendar is None:
            return working_calendar_for(government=government)  # raises WorkCalendarNotConfigured
        return self.calendar


_cache: dict[str, RoutingConfiguration] = {}
_lock = threading.Lock()


def configuration_version() -> tuple[int, uuid.UUID | None]:
    """(oid of the version table, version) of the schema in context: one statement."""
    table = ConfigurationVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::bigint, version FROM {table}")
        row = cursor.fetchone()
        if row is None:
            # No configuration written since the schema was built: read afresh, never cached.
            cursor.execute("SELECT %s::regclass::oid::bigint", [table])
            return int(cursor.fetchone()[0]), None
    return int(row[0]), row[1]


def routing_configuration(*, government: Government) -> RoutingConfiguration:
    """The configuration of `government` (the schema in context), from this process's cache
    when its version has not changed: one statement then, eleven when it has."""
    schema = current_schema()
    if government.schema_name != schema:
        raise RuntimeError(
            f"The routing configuration of {government.schema_name} is read in its schema, not {schema}."
        )
    table_oid, version = configuration_version()
    key = (schema, table_oid, version, government.time_zone)
    cached = _cache.get(schema)
    if cached is not None and cached.key == key:
        return cached
    found = _read(key=key, government=government)
    if version is not None:
        with _lock:
            _cache[schema] = found
    return found


def routing_configuration_forget() -> None:
    """Empty this process's cache (for tests and benchmarks that measure a cold read)."""
    with _lock:
        _cache.clear()


def _read(*, key: tuple[str, int, uuid.UUID | None, str], government: Government) -> RoutingConfiguration:
    rule_set = RuleSet.objects.filter(is_active=True).first()
    rules: tuple[Rule, ...] = ()
    if rule_set is not None:
        rules = tuple(rule_set.rules.select_related("area_unit", "handling_unit").order_by("order"))
    positions = tuple(Position.objects.filter(kind__in=ROUTED_KINDS).select_related("unit").order_by("id"))
    seats: dict[int, list[Seat]] = {}
    memberships = Membership.objects.filter(position__kind__in=ROUTED_KINDS).order_by(
        "position_id", "is_acting", "user_id"
    )
    for m in memberships.only("position_id", "user_id", "is_acting", "starts_on", "ends_on"):
        seats.setdefault(m.position_id, []).append(
            Seat(user_id=m.user_id, is_acting=m.is_acting, starts_on=m.starts_on, ends_on=m.ends_on)
        )
    try:
        calendar: WorkingCalendar | None = working_calendar_for(government=government)
    except WorkCalendarNotConfigured:
        calendar = None
    targets = SlaTarget.objects.order_by("step", F("category_code").asc(nulls_first=True))
    by_region: dict[str, list[Position]] = {}
    by_unit: dict[int, list[Position]] = {}
    for position in positions:
        if position.unit.region_code:
            by_region.setdefault(position.unit.region_code, []).append(position)
        by_unit.setdefault(position.unit_id, []).append(position)
    return RoutingConfiguration(
        key=key,
        rule_set=rule_set,
        rules=rules,
        positions=positions,
        seats={pk: tuple(found) for pk, found in seats.items()},
        calendar=calendar,
        sla_targets={(t.step, t.category_code): (t.working_days, t.working_minutes) for t in targets},
        by_region={code: tuple(found) for code, found in by_region.items()},
        by_unit={pk: tuple(found) for pk, found in by_unit.items()},
        of_government=tuple(p for p in positions if p.unit.kind == UnitKind.GOVERNMENT),
        webhook_subscriptions=subscriptions_active(),
        channel_preferences=channel_preferences_all(),
    )
