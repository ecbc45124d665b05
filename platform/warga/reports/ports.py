"""What reports' services ask of the two apps above reports: routing, and the public report
index (intake).

Both read reports (routing its inbox, plans and escalations; intake the index, the map and the
citizen's pages), so reports cannot import them back without closing a cycle (decision 0131).
Each hands its side over in its `AppConfig.ready()` through `report_ports_register`, and the
calls run exactly where they always ran: inside the report service's transaction, in the
report's schema. Every app is loaded before a request or a task is served, so a side missing
when asked is a bug in start-up, raised as a `Defect` naming the app.

| port | provided by | asked when |
|---|---|---|
| `RoutingPort` | `warga.routing.for_reports` | a report is created or arrives, leaves, is disposed to or handed over to a unit, is disputed, opens or closes; which unit routing chose |
| `IndexPort` | `warga.intake.for_reports` | a report's status changes (the public index shows the same status) |
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from tenants.models import Government
from warga.errors import Defect
from warga.organization.models import Unit
from warga.reports.models import Report
from warga.webhooks.selectors import Subscription


@dataclass(frozen=True)
class UnitHandover:
    """What routing did when a report's work moved to another unit: the head seats that took
    the escalation steps, the people to tell, and the deadline that runs now."""

    position_ids: tuple[int, ...]
    recipients: tuple[uuid.UUID, ...]
    running_due_at: datetime.datetime | None


class RoutingConfigurationRead(Protocol):
    """What a report's creation reads of the government's cached routing configuration
    (`warga.routing.configuration.RoutingConfiguration`) before it routes with it: read once per
    submission and handed back to `report_route` (decision 0140)."""

    @property
    def webhook_subscriptions(self) -> tuple[Subscription, ...]: ...


class RoutingPort(Protocol):
    """Routing's side (see `warga.routing.services` and `warga.routing.selectors` for each
    function's contract)."""

    def routing_configuration(self, *, government: Government) -> RoutingConfigurationRead: ...

    def report_route(
        self,
        *,
        report: Report,
        start: datetime.datetime | None = ...,
        new: bool = ...,
        # What `routing_configuration` returned (routing's own type, which reports cannot name).
        configuration: Any = ...,
    ) -> object: ...

    def report_routing_forget(self, *, report_id: int, to_government_id: int, now: datetime.datetime) -> bool: ...

    def report_routing_unit_handover(
        self, *, report: Report, from_unit_id: int | None, to_unit: Unit, acting_user: uuid.UUID, now: datetime.datetime
    ) -> UnitHandover: ...

    def routing_handling_unit_follow(self, *, report_id: int, unit_id: int) -> None: ...

    def report_dispute_escalate(
        self, *, report_id: int, resolution_event_id: int, acting_user: uuid.UUID, now: datetime.datetime
    ) -> object: ...

    def routing_report_open_set(self, *, report_id: int, is_open: bool) -> None: ...

    def report_routed_unit_id(self, *, report_id: int) -> int | None: ...


class IndexPort(Protocol):
    """The public index's side (`warga.intake`)."""

    def report_index_status_set(self, *, tracking_number: str, status: str) -> None: ...


@dataclass
class _Sides:
    routing: RoutingPort | None = None
    index: IndexPort | None = None


_sides = _Sides()


def report_ports_register(*, routing: RoutingPort | None = None, index: IndexPort | None = None) -> None:
    """Hand reports' services one side of their ports (from routing's or intake's
    `AppConfig.ready()`); an argument left out keeps what the other app registered."""
    if routing is not None:
        _sides.routing = routing
    if index is not None:
        _sides.index = index


def routing() -> RoutingPort:
    if _sides.routing is None:
        raise Defect("reports have no routing: warga.routing registers it in its AppConfig.ready()")
    return _sides.routing


def index() -> IndexPort:
    if _sides.index is None:
        raise Defect("reports have no public index: warga.intake registers it in its AppConfig.ready()")
    return _sides.index
