"""Reads of the current government's units (always the schema in context)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from warga.organization.models import Unit, UnitKind


def unit_root() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.GOVERNMENT).first()


def unit_counts_by_kind() -> dict[str, int]:
    rows = Unit.objects.values("kind").annotate(total=Count("id")).order_by()
    return {row["kind"]: row["total"] for row in rows}


def units_for_region_prefix(*, prefix: str) -> QuerySet[Unit]:
    return Unit.objects.filter(region_code__startswith=prefix)
