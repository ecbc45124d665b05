"""Rule sets: checking rules, saving a new version with its diff, restoring an earlier one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.organization.models import Unit
from warga.reports.models import Priority, ReportType
from warga.routing.errors import RoutingInvalid
from warga.routing.models import Rule, RuleSet, Target
from warga.routing.selectors import rule_as_data, rules_of
from warga.routing.services._common import routing_event_record
from warga.taxonomy.models import Category

_RULE_FIELDS = {
    "name",
    "category_codes",
    "area_prefix",
    "area_unit_id",
    "report_types",
    "priorities",
    "handling_unit_id",
    "notify",
    "escalation",
}


def _clean_rules(rules: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check every rule and return them normalised, ordered 10, 20, ... as given."""
    if not rules:
        raise RoutingInvalid("rules", "Aturan tidak boleh kosong: sertakan minimal satu aturan tanpa syarat.")
    known_categories = set(Category.objects.values_list("code", flat=True))
    unit_ids = {r[k] for r in rules for k in ("handling_unit_id", "area_unit_id") if isinstance(r.get(k), int)}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    cleaned: list[dict[str, Any]] = []
    for index, rule in enumerate(rules, start=1):
        where = f"rules[{index - 1}]"
        unknown = set(rule) - _RULE_FIELDS - {"order"}
        if unknown:
            raise RoutingInvalid(where, f"Aturan #{index}: isian tidak dikenal: {', '.join(sorted(unknown))}.")
        name = str(rule.get("name", "")).strip()
        if not name:
            raise RoutingInvalid(f"{where}.name", f"Aturan #{index} perlu nama.")
        categories = list(rule.get("category_codes") or [])
        if missing := sorted(set(categories) - known_categories):
            raise RoutingInvalid(f"{where}.category_codes", f"Kategori tidak dikenal: {', '.join(missing)}.")
        types = _choices(rule, "report_types", ReportType.values, where=where, what="Jenis laporan")
        priorities = _choices(rule, "priorities", Priority.values, where=where, what="Prioritas")
        for key in ("handling_unit_id", "area_unit_id"):
            if rule.get(key) is not None and rule[key] not in units:
                raise RoutingInvalid(f"{where}.{key}", f"Unit {rule[key]} tidak ada di pemerintah daerah ini.")
        handling = units.get(rule.get("handling_unit_id"))  # type: ignore[arg-type]
        if handling is not None and handling.ended_on is not None:
            raise RoutingInvalid(
                f"{where}.handling_unit_id",
                f"Aturan #{index}: unit {handling.name} sudah diakhiri ({handling.ended_on:%Y-%m-%d}); pilih unit lain.",
            )
        area_unit_id = rule.get("area_unit_id")
        if area_unit_id is not None and not units[area_unit_id].region_code:
            raise RoutingInvalid(
                f"{where}.area_unit_id",
                f"Unit {units[area_unit_id].name} bukan wilayah: pilih kecamatan atau kelurahan/desa.",
            )
        notify = _choices(rule, "notify", Target.values, where=where, what="Penerima")
        escalation: list[dict[str, Any]] = []
        for number, step in enumerate(rule.get("escalation") or [], start=1):
            days, minutes = step.get("working_days"), step.get("working_minutes")
            if step.get("target") not in Target.values or (days is None) == (minutes is None):
                raise RoutingInvalid(
                    f"{where}.escalation",
                    f"Langkah eskalasi {number}: beri target ({', '.join(Target.values)}) dan tepat satu dari "
                    "working_days atau working_minutes.",
                )
            amount = days if days is not None else minutes
            if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
                raise RoutingInvalid(
                    f"{where}.escalation", f"Langkah eskalasi {number}: waktu harus bilangan bulat positif."
                )
            escalation.append(
                {"target": step["target"], "working_days" if days is not None else "working_minutes": amount}
            )
        cleaned.append(
            {
                "order": index * 10,
                "name": name,
                "category_codes": categories,
                "area_prefix": str(rule.get("area_prefix") or "").strip(),
                "area_unit_id": area_unit_id,
                "report_types": types,
                "priorities": priorities,
                "handling_unit_id": rule.get("handling_unit_id"),
                "notify": notify,
                "escalation": escalation,
            }
        )
    return cleaned


def _choices(rule: dict[str, Any], key: str, allowed: Sequence[str], *, where: str, what: str) -> list[str]:
    """The rule's `key`, a list of values each of which must be one of `allowed`."""
    values = list(rule.get(key) or [])
    if bad := sorted(set(values) - set(allowed)):
        raise RoutingInvalid(f"{where}.{key}", f"{what} tidak dikenal: {', '.join(bad)} (pilih {', '.join(allowed)}).")
    return values


def _diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    """Rule-by-rule difference, keyed by order: what a reviewer of the audit log reads."""
    old = {r["order"]: r for r in before}
    new = {r["order"]: r for r in after}
    changed = []
    for order in sorted(old.keys() & new.keys()):
        fields = {
            k: {"before": old[order][k], "after": new[order][k]} for k in new[order] if old[order][k] != new[order][k]
        }
        if fields:
            changed.append({"order": order, "fields": fields})
    return {
        "added": [new[o] for o in sorted(new.keys() - old.keys())],
        "removed": [old[o] for o in sorted(old.keys() - new.keys())],
        "changed": changed,
    }


@tenant_scoped
@transaction.atomic
def rule_set_save(
    *, acting_user: uuid.UUID | None, rules: Sequence[dict[str, Any]], note: str = "", restored_from: int | None = None
) -> RuleSet:
    """Write `rules` as the next version and make it the active one, recording the diff
    against the version it replaces as an audit event. Reports already routed keep the
    version they were routed under; the next report uses this one.

    Raises RoutingInvalid (nothing written) when a rule is malformed.
    """
    cleaned = _clean_rules(rules)
    # Serialise concurrent editors: the second one builds on the first one's version.
    previous = RuleSet.objects.select_for_update().filter(is_active=True).first()
    before = [rule_as_data(rule) for rule in rules_of(rule_set=previous)] if previous else []
    version = (RuleSet.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    now = timezone.now()
    if previous is not None:
        RuleSet.objects.filter(pk=previous.pk).update(is_active=False)
    rule_set = RuleSet.objects.create(
        version=version,
        is_active=True,
        note=note[:500],
        restored_from=restored_from,
        created_by_id=acting_user,
        created_at=now,
    )
    Rule.objects.bulk_create(Rule(rule_set=rule_set, **rule) for rule in cleaned)
    routing_event_record(
        kind="rule_set.restored" if restored_from else "rule_set.saved",
        acting_user=acting_user,
        rule_set_version=version,
        detail={
            "previous_version": previous.version if previous else None,
            "restored_from": restored_from,
            "note": note,
            "diff": _diff(before, cleaned),
        },
        at=now,
    )
    return rule_set


@tenant_scoped
def rule_set_restore(*, acting_user: uuid.UUID, version: int, note: str = "") -> RuleSet:
    """Make an earlier version's rules current again, as a new version (history only grows)."""
    earlier = RuleSet.objects.filter(version=version).first()
    if earlier is None:
        raise RoutingInvalid("version", f"Versi aturan {version} tidak ada.")
    rules = [{k: v for k, v in rule_as_data(rule).items() if k != "order"} for rule in rules_of(rule_set=earlier)]
    return rule_set_save(
        acting_user=acting_user, rules=rules, note=note or f"Pemulihan versi {version}", restored_from=version
    )
