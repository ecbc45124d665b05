"""Rule sets as the admin console reads them: the active one, every version, what each
version changed, and where each category goes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tenants.scope import any_scope, tenant_scoped
from warga.organization.models import Unit
from warga.routing.models import RoutingAuditEvent, Rule, RuleSet
from warga.taxonomy.selectors import categories_active


@tenant_scoped
def rule_set_active() -> RuleSet | None:
    return RuleSet.objects.filter(is_active=True).first()


@tenant_scoped
def rule_sets_list() -> QuerySet[RuleSet]:
    return RuleSet.objects.order_by("-version")


@tenant_scoped
def rules_of(*, rule_set: RuleSet) -> list[Rule]:
    return list(rule_set.rules.select_related("area_unit", "handling_unit").order_by("order"))


@any_scope
def rule_as_data(rule: Rule) -> dict[str, Any]:
    """A rule without ids of its own: what versions are compared and copied by."""
    return {
        "order": rule.order,
        "name": rule.name,
        "category_codes": list(rule.category_codes),
        "area_prefix": rule.area_prefix,
        "area_unit_id": rule.area_unit_id,
        "report_types": list(rule.report_types),
        "priorities": list(rule.priorities),
        "handling_unit_id": rule.handling_unit_id,
        "notify": list(rule.notify),
        "escalation": list(rule.escalation),
    }


@dataclass(frozen=True)
class CategoryRoute:
    """Where reports of one category go when no area, type or priority condition applies."""

    category_code: str
    category_name: str
    rule: Rule | None
    handling_unit: Unit | None


@tenant_scoped
def category_routes(*, rule_set: RuleSet) -> list[CategoryRoute]:
    """For each active category, the first rule that takes it by category alone (or a rule
    without conditions): the category -> unit mapping as the admin reads it."""
    rules = [
        rule
        for rule in rules_of(rule_set=rule_set)
        if not (rule.area_prefix or rule.area_unit_id or rule.report_types or rule.priorities)
    ]
    routes = []
    for category in categories_active():
        rule = next((r for r in rules if not r.category_codes or category.code in r.category_codes), None)
        routes.append(
            CategoryRoute(
                category_code=category.code,
                category_name=category.name_id,
                rule=rule,
                handling_unit=rule.handling_unit if rule is not None else None,
            )
        )
    return routes


@tenant_scoped
def rule_set_change(*, version: int) -> dict[str, Any] | None:
    """What saving `version` changed (its audit event's detail: previous version, note,
    rule-by-rule diff), or None for a version without one."""
    event = RoutingAuditEvent.objects.filter(
        kind__in=("rule_set.saved", "rule_set.restored"), rule_set_version=version
    ).first()
    return dict(event.detail) if event is not None else None


@tenant_scoped
def rule_set_get(*, version: int) -> RuleSet | None:
    return RuleSet.objects.filter(version=version).first()
