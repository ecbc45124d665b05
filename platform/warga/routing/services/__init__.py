"""Writes of the current government's routing, one module per use case: provisioning's
defaults (seeding), rule sets and the rules editor (rules, editor), routing a report (route),
escalating overdue ones (escalation), and reports handed on inside the government: to another
unit, or to a supervisor on a citizen's dispute (handover). Every routing event is written
through one helper (`_common.routing_event_record`)."""

from warga.routing.errors import RoutingInvalid
from warga.routing.services.editor import (
    RULE_MOVES,
    rule_set_add_rule,
    rule_set_edit_rule,
    rule_set_map_category,
    rule_set_move_rule,
)
from warga.routing.services.escalation import EscalationRun, escalations_run
from warga.routing.services.handover import (
    DISPUTE_DEFAULT_WORKING_DAYS,
    DISPUTE_TARGET,
    DisputeEscalation,
    UnitHandover,
    report_dispute_escalate,
    report_routing_unit_handover,
)
from warga.routing.services.route import (
    report_route,
    report_routing_forget,
    routing_handling_unit_follow,
    routing_report_open_set,
)
from warga.routing.services.rules import rule_set_restore, rule_set_save
from warga.routing.services.seeding import agencies_seed_defaults, routing_seed_defaults

__all__ = [
    "DISPUTE_DEFAULT_WORKING_DAYS",
    "DISPUTE_TARGET",
    "RULE_MOVES",
    "DisputeEscalation",
    "EscalationRun",
    "RoutingInvalid",
    "UnitHandover",
    "agencies_seed_defaults",
    "escalations_run",
    "report_dispute_escalate",
    "report_route",
    "report_routing_forget",
    "report_routing_unit_handover",
    "routing_handling_unit_follow",
    "routing_report_open_set",
    "routing_seed_defaults",
    "rule_set_add_rule",
    "rule_set_edit_rule",
    "rule_set_map_category",
    "rule_set_move_rule",
    "rule_set_restore",
    "rule_set_save",
]
