"""Reads of the current government's units (always the schema in context)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tenants.models import Government
from warga.organization.models import Membership, Unit, UnitKind


def unit_root() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.GOVERNMENT).first()


def unit_counts_by_kind() -> dict[str, int]:
    rows = Unit.objects.values("kind").annotate(total=Count("id")).order_by()
    return {row["kind"]: row["total"] for row in rows}


def units_for_region_prefix(*, prefix: str) -> QuerySet[Unit]:
    return Unit.objects.filter(region_code__startswith=prefix)


def membership_active_q(*, on: datetime.date, prefix: str = "") -> Q:
    """Memberships held on `on` (start and end dates inclusive); `prefix` for a related lookup."""
    return Q(**{f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def today_in(*, government: Government) -> datetime.date:
    """Today's date where the government is (WIB/WITA/WIT): when a seat is held is local."""
    return timezone.now().astimezone(ZoneInfo(government.time_zone)).date()


def user_holds_position_kind(*, government: Government, user_id: uuid.UUID, kinds: Sequence[str]) -> bool:
    """Whether the person holds, today in the government's time zone, a seat of one of `kinds`
    (read in the schema in context, which must be the government's)."""
    return Membership.objects.filter(
        membership_active_q(on=today_in(government=government)), user_id=user_id, position__kind__in=kinds
    ).exists()
