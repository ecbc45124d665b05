"""Surges in the national read model, flagged once per episode and told to the overseers."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government, Level
from tenants.scope import any_scope, public_scoped
from tenants.selectors import government_national
from tenants.services import origin_for_slug
from warga.national.models import (
    RegionLevel,
    SurgeFlag,
)
from warga.national.selectors import SURGE_BASELINE_DAYS, SURGE_RECENT_DAYS, NationalScope, dashboard_surges
from warga.national.services.rollups import LOCK_SURGE, _lock, national_day
from warga.notifications.models import EventKind
from warga.notifications.services import notifications_send
from warga.organization.models import Membership, PositionKind
from warga.organization.selectors import membership_active_q, today_in

# Seats told about a surge in their province, besides every national overseer.
PROVINCE_SURGE_RECIPIENTS = (PositionKind.GUBERNUR, PositionKind.PIMPINAN, PositionKind.ADMIN_KOORDINATOR)


@dataclass
class SurgeRun:
    flagged: list[SurgeFlag] = field(default_factory=list)
    updated: int = 0
    resolved: int = 0
    notified: int = 0


@any_scope
def seat_holders(*, government: Government, kinds: Iterable[str] | None = None) -> list[uuid.UUID]:
    """People holding, today, a seat (of `kinds`, or any) in `government`; read in its schema."""
    with government_context(government):
        memberships = Membership.objects.filter(membership_active_q(on=today_in(government=government)))
        if kinds is not None:
            memberships = memberships.filter(position__kind__in=list(kinds))
        return sorted(set(memberships.values_list("user_id", flat=True)))


# Where a surge notification points: the flag's row on the surges page of the recipient's
# government host (national or province), where it is linked to the map.
SURGES_PAGE_PATH = "/pantauan/lonjakan/"


@any_scope
def surge_link(*, government: Government, flag_id: int) -> str:
    """The absolute address of a flag's row on `government`'s surges page, on its host and
    the port links carry (WARGA_LINK_PORT: a development server's, none in production)."""
    return f"{origin_for_slug(government.slug)}{SURGES_PAGE_PATH}#lonjakan-{flag_id}"


def _surge_notify(flag: SurgeFlag, *, name: str, national: Government | None) -> int:
    context = {
        "district_code": flag.region_code,
        "district_name": name,
        "province_code": flag.province_code,
        "category_code": flag.category_code,
        "recent": flag.recent,
        "expected": flag.expected,
        "day": flag.first_day.isoformat(),
    }
    told = 0
    key = f"surge:{flag.pk}"
    if national is not None and national.is_ready:
        overseers = seat_holders(government=national)
        with government_context(national):
            notifications_send(
                recipient_ids=overseers,
                report_id=None,
                kind=EventKind.SURGE_DETECTED,
                context=context | {"link": surge_link(government=national, flag_id=flag.pk)},
                dedup_key=key,
            )
        told += len(overseers)
    province = Government.objects.filter(code=flag.province_code, level=Level.PROVINCE, is_ready=True).first()
    if province is not None:
        leaders = seat_holders(government=province, kinds=PROVINCE_SURGE_RECIPIENTS)
        with government_context(province):
            notifications_send(
                recipient_ids=leaders,
                report_id=None,
                kind=EventKind.SURGE_DETECTED,
                context=context | {"link": surge_link(government=province, flag_id=flag.pk)},
                dedup_key=key,
            )
        told += len(leaders)
    return told


@public_scoped
def surges_flag(*, today: date | None = None) -> SurgeRun:
    """Record surges of the read model as flags and tell the overseers about new ones.

    Runs in the public schema, once for the country. A kecamatan x category that surges in
    the window ending `today` (national day) or in the full window ending yesterday keeps (or
    gets) its one open flag; open flags of cells that do neither are resolved. A new flag
    notifies every national overseer and the province government's leaders (gubernur,
    pimpinan, admin koordinator) in the same transaction, deduplicated by the flag, so a
    second run changes nothing. Runs of the task never overlap (an advisory lock).
    """
    today = today or national_day(timezone.now())
    whole_country = NationalScope()
    surging: dict[tuple[str, str], dict[str, Any]] = {}
    for end in (today - timedelta(days=1), today):
        for surge in dashboard_surges(scope=whole_country, end=end):
            surging[(surge["district_code"], surge["category_code"])] = surge | {"day": end}
    run = SurgeRun()
    national = government_national()
    with transaction.atomic():
        _lock(LOCK_SURGE, ["surges"])
        now = timezone.now()
        open_flags = {
            (flag.region_code, flag.category_code): flag
            for flag in SurgeFlag.objects.select_for_update().filter(
                level=RegionLevel.DISTRICT, resolved_at__isnull=True
            )
        }
        for cell, flag in open_flags.items():
            if cell not in surging:
                flag.resolved_at = now
                flag.save(update_fields=["resolved_at"])
                run.resolved += 1
        for (district, category), surge in sorted(surging.items()):
            current = open_flags.get((district, category))
            if current is not None:
                if surge["day"] >= current.last_day and (surge["day"], surge["recent"]) != (
                    current.last_day,
                    current.recent,
                ):
                    current.last_day, current.recent, current.expected = (
                        surge["day"],
                        surge["recent"],
                        surge["expected"],
                    )
                    current.last_seen = now
                    current.save(update_fields=["last_day", "recent", "expected", "last_seen"])
                    run.updated += 1
                continue
            flag = SurgeFlag.objects.create(
                level=RegionLevel.DISTRICT,
                region_code=district,
                province_code=district[:2],
                category_code=category,
                window_days=SURGE_RECENT_DAYS,
                baseline_days=SURGE_BASELINE_DAYS,
                first_day=surge["day"],
                last_day=surge["day"],
                recent=surge["recent"],
                expected=surge["expected"],
                first_seen=now,
                last_seen=now,
            )
            run.flagged.append(flag)
            run.notified += _surge_notify(flag, name=surge["name"], national=national)
    return run
