"""The rules editor's changes, each a new version of the active rule set: a category sent
to a unit, one rule changed, added, removed or moved."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from tenants.scope import tenant_scoped
from warga.organization.models import Unit, UnitKind
from warga.routing.defaults import AGENCY_ESCALATION, AGENCY_NOTIFY, FALLBACK_ESCALATION, FALLBACK_NOTIFY
from warga.routing.errors import RoutingInvalid
from warga.routing.models import RuleSet
from warga.routing.selectors import rule_as_data, rules_of
from warga.routing.services.rules import rule_set_save
from warga.taxonomy.models import Category


def _active_locked() -> RuleSet | None:
    """The active version, locked: an editor building on it serialises with the next one."""
    return RuleSet.objects.select_for_update().filter(is_active=True).first()


def _category_only(rule: dict[str, Any]) -> bool:
    """A rule that chooses by category alone: what the category -> unit mapping is made of."""
    return bool(rule["category_codes"]) and not (
        rule["area_prefix"] or rule["area_unit_id"] or rule["report_types"] or rule["priorities"]
    )


@tenant_scoped
@transaction.atomic
def rule_set_map_category(*, acting_user: uuid.UUID, category_code: str, unit_id: int | None) -> RuleSet:
    """Send reports of `category_code` to `unit_id` (None: the admin koordinator disposes
    them), as a new version of the rules: the category leaves every category-only rule (a rule
    left with no category is dropped, since an empty list would match everything) and one rule
    "category -> unit" takes the place of the first rule it left, else goes just before the
    first rule without a category. Rules with other conditions (an area, a type, a priority)
    stay as they are. Raises RoutingInvalid for an unknown category or unit."""
    category = Category.objects.filter(code=category_code).first()
    if category is None:
        raise RoutingInvalid("category_code", f"Kategori {category_code} tidak dikenal. (Unknown category.)")
    unit = None
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id, ended_on__isnull=True).first()
        if unit is None:
            raise RoutingInvalid("handling_unit_id", f"Unit {unit_id} tidak ada di pemerintah daerah ini.")
    active = _active_locked()
    current = [rule_as_data(rule) for rule in rules_of(rule_set=active)] if active else []
    rules: list[dict[str, Any]] = []
    place: int | None = None
    for rule in current:
        rule = {k: v for k, v in rule.items() if k != "order"}
        if _category_only(rule) and category_code in rule["category_codes"]:
            place = len(rules) if place is None else place
            rule["category_codes"] = [code for code in rule["category_codes"] if code != category_code]
            if not rule["category_codes"]:
                continue
        rules.append(rule)
    if place is None:
        place = next((i for i, rule in enumerate(rules) if not rule["category_codes"]), len(rules))
    agency = unit is not None and unit.kind != UnitKind.GOVERNMENT
    rules.insert(
        place,
        {
            "name": f"{category.name_id} → {unit.name if unit is not None else 'admin koordinator'}",
            "category_codes": [category_code],
            "handling_unit_id": unit.pk if agency and unit is not None else None,
            "notify": list(AGENCY_NOTIFY if agency else FALLBACK_NOTIFY),
            "escalation": [dict(step) for step in (AGENCY_ESCALATION if agency else FALLBACK_ESCALATION)],
        },
    )
    return rule_set_save(
        acting_user=acting_user,
        rules=rules,
        note=f"Kategori {category.name_id} ke {unit.name if unit is not None else 'admin koordinator'}",
    )


@tenant_scoped
@transaction.atomic
def rule_set_edit_rule(*, acting_user: uuid.UUID, order: int, changes: dict[str, Any] | None) -> RuleSet:
    """A new version with the active rule at `order` changed (`changes` over its fields), or
    removed (`changes` None); the other rules stay as they are. Raises RoutingInvalid."""
    active = _active_locked()
    if active is None:
        raise RoutingInvalid("order", "Belum ada aturan penerusan aktif. (No active rules.)")
    rules: list[dict[str, Any]] = []
    found = False
    for rule in (rule_as_data(rule) for rule in rules_of(rule_set=active)):
        if rule["order"] == order:
            found = True
            if changes is None:
                continue
            rule = {**rule, **changes}
        rules.append({k: v for k, v in rule.items() if k != "order"})
    if not found:
        raise RoutingInvalid("order", f"Aturan #{order} tidak ada di versi {active.version}.")
    what = "dihapus" if changes is None else "diubah"
    return rule_set_save(acting_user=acting_user, rules=rules, note=f"Aturan #{order} {what}")


@tenant_scoped
@transaction.atomic
def rule_set_add_rule(*, acting_user: uuid.UUID, rule: dict[str, Any]) -> RuleSet:
    """A new version with `rule` added just before the first rule without any condition (the
    catch-all stays last). Raises RoutingInvalid."""
    active = _active_locked()
    rules = (
        [{k: v for k, v in rule_as_data(r).items() if k != "order"} for r in rules_of(rule_set=active)]
        if active
        else []
    )
    conditions = ("category_codes", "area_prefix", "area_unit_id", "report_types", "priorities")
    place = next((i for i, r in enumerate(rules) if not any(r[c] for c in conditions)), len(rules))
    rules.insert(place, rule)
    return rule_set_save(acting_user=acting_user, rules=rules, note=f"Aturan baru: {rule.get('name', '')}")


RULE_MOVES = ("up", "down")


@tenant_scoped
@transaction.atomic
def rule_set_move_rule(*, acting_user: uuid.UUID, order: int, direction: str) -> RuleSet:
    """A new version with the active rule at `order` swapped with its neighbour above (`up`)
    or below (`down`): the first rule whose conditions hold decides, so order is meaning. The
    other rules stay as they are. Raises RoutingInvalid for an unknown rule or direction, and
    for a move past the first or the last rule (nothing is saved then)."""
    if direction not in RULE_MOVES:
        raise RoutingInvalid("direction", f"Arah '{direction}' tidak dikenal: pilih up atau down.")
    active = _active_locked()
    if active is None:
        raise RoutingInvalid("order", "Belum ada aturan penerusan aktif. (No active rules.)")
    rules = [rule_as_data(rule) for rule in rules_of(rule_set=active)]
    index = next((i for i, rule in enumerate(rules) if rule["order"] == order), None)
    if index is None:
        raise RoutingInvalid("order", f"Aturan #{order} tidak ada di versi {active.version}.")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rules):
        where, english = ("paling atas", "first") if direction == "up" else ("paling bawah", "last")
        raise RoutingInvalid("order", f"Aturan #{order} sudah {where}. (The rule is already the {english}.)")
    rules[index], rules[other] = rules[other], rules[index]
    moved = "dinaikkan" if direction == "up" else "diturunkan"
    return rule_set_save(
        acting_user=acting_user,
        rules=[{k: v for k, v in rule.items() if k != "order"} for rule in rules],
        note=f"Aturan #{order} '{rules[other]['name']}' {moved}",
    )
