"""Reads of the current government's routing, one module per use case: rule sets as the
console reads them (rules), seat holders and supervisors (holders), the routing decision
itself (plans) and the officials' inbox (inbox)."""

from warga.routing.errors import RoutingNotConfigured
from warga.routing.selectors._common import current_government
from warga.routing.selectors.holders import HEADS_OF_UNIT, Holder, Supervisor, holders_of, supervisor_of
from warga.routing.selectors.inbox import (
    DUE_SOON,
    INBOX_COUNT_CAP,
    INBOX_ORDERINGS,
    InboxFilters,
    InboxPage,
    SlaState,
    handling_unit_names,
    inbox_counts_by_sla_state,
    inbox_for_official,
    inbox_unit_choices,
    positions_held,
)
from warga.routing.selectors.plans import (
    EscalationStep,
    NotifiedPosition,
    RoutingPlan,
    report_routed_unit_id,
    report_routing_get,
    report_running_deadline,
    routing_plan,
    routing_simulate,
    routings_overdue,
)
from warga.routing.selectors.rules import (
    CategoryRoute,
    category_routes,
    rule_as_data,
    rule_set_active,
    rule_set_change,
    rule_set_get,
    rule_sets_list,
    rules_of,
)

__all__ = [
    "DUE_SOON",
    "HEADS_OF_UNIT",
    "INBOX_COUNT_CAP",
    "INBOX_ORDERINGS",
    "CategoryRoute",
    "EscalationStep",
    "Holder",
    "InboxFilters",
    "InboxPage",
    "NotifiedPosition",
    "RoutingNotConfigured",
    "RoutingPlan",
    "SlaState",
    "Supervisor",
    "category_routes",
    "current_government",
    "handling_unit_names",
    "holders_of",
    "inbox_counts_by_sla_state",
    "inbox_for_official",
    "inbox_unit_choices",
    "positions_held",
    "report_routed_unit_id",
    "report_routing_get",
    "report_running_deadline",
    "routing_plan",
    "routing_simulate",
    "routings_overdue",
    "rule_as_data",
    "rule_set_active",
    "rule_set_change",
    "rule_set_get",
    "rule_sets_list",
    "rules_of",
    "supervisor_of",
]
