"""Routing's side of the port reports' services call through (`warga.reports.ports.RoutingPort`),
handed over in `RoutingConfig.ready()`: routing reads reports, so reports cannot import it
(decision 0131). Each function's contract is in its own module."""

from warga.routing.configuration import routing_configuration
from warga.routing.selectors import report_routed_unit_id
from warga.routing.services import (
    report_dispute_escalate,
    report_route,
    report_routing_forget,
    report_routing_unit_handover,
    routing_handling_unit_follow,
    routing_report_open_set,
)

__all__ = [
    "report_dispute_escalate",
    "report_route",
    "report_routed_unit_id",
    "report_routing_forget",
    "report_routing_unit_handover",
    "routing_configuration",
    "routing_handling_unit_follow",
    "routing_report_open_set",
]
