"""Provisioning's defaults: the usual agencies and the first rule set built from the taxonomy."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tenants.scope import tenant_scoped
from warga.organization.models import Position, PositionKind, Unit, UnitKind
from warga.routing.defaults import (
    AGENCY_ESCALATION,
    AGENCY_NOTIFY,
    DEFAULT_AGENCIES,
    FALLBACK_ESCALATION,
    FALLBACK_NOTIFY,
)
from warga.routing.models import RuleSet
from warga.routing.selectors import rule_set_active
from warga.routing.services.rules import rule_set_save
from warga.taxonomy.models import Category, Handling


@tenant_scoped
def agencies_seed_defaults() -> dict[str, Unit]:
    """The default dinas/badan/Satpol PP under the government, each with a kepala dinas seat.

    Idempotent: an agency is found by kind and name; one that exists keeps its rows. Returns
    the agencies by name.
    """
    root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
    existing = {u.name: u for u in Unit.objects.filter(kind=UnitKind.AGENCY, name__in=DEFAULT_AGENCIES)}
    Unit.objects.bulk_create(
        Unit(parent=root, kind=UnitKind.AGENCY, name=name) for name in DEFAULT_AGENCIES if name not in existing
    )
    agencies = {u.name: u for u in Unit.objects.filter(kind=UnitKind.AGENCY, name__in=DEFAULT_AGENCIES)}
    seated = set(
        Position.objects.filter(unit__in=agencies.values(), kind=PositionKind.KEPALA_DINAS).values_list(
            "unit_id", flat=True
        )
    )
    Position.objects.bulk_create(
        Position(unit=unit, kind=PositionKind.KEPALA_DINAS, title=f"Kepala {name}")
        for name, unit in agencies.items()
        if unit.pk not in seated
    )
    return agencies


def _default_rules(agencies: dict[str, Unit]) -> list[dict[str, Any]]:
    # A rule's name is what the console lists it by: the categories' names, not their codes.
    complaint_names = dict(
        Category.objects.filter(is_active=True, handling=Handling.COMPLAINT).values_list("code", "name_id")
    )
    rules: list[dict[str, Any]] = []
    for name, codes in DEFAULT_AGENCIES.items():
        handled = [code for code in codes if code in complaint_names]
        if handled:
            rules.append(
                {
                    "name": f"{', '.join(complaint_names[code] for code in handled)} → {name}",
                    "category_codes": handled,
                    "handling_unit_id": agencies[name].pk,
                    "notify": list(AGENCY_NOTIFY),
                    "escalation": AGENCY_ESCALATION,
                }
            )
    rules.append(
        {
            "name": "Lainnya → admin koordinator",
            "handling_unit_id": None,
            "notify": list(FALLBACK_NOTIFY),
            "escalation": FALLBACK_ESCALATION,
        }
    )
    return rules


@tenant_scoped
@transaction.atomic
def routing_seed_defaults() -> dict[str, int]:
    """Provisioning's one call: default agencies, then the first rule set built from the
    taxonomy and those agencies (category -> agency; the village's head and the camat always
    informed; a catch-all for the coordinator). Idempotent: a government that has any rule
    set keeps it. Returns the number of agencies and of rules in the active set."""
    agencies = agencies_seed_defaults()
    if not RuleSet.objects.exists():
        rule_set_save(acting_user=None, rules=_default_rules(agencies), note="Aturan bawaan")
    active = rule_set_active()
    return {"agencies": len(agencies), "rules": active.rules.count() if active else 0}
