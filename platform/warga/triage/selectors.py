"""Reads of the national triage desk: its queue and one report as the desk sees it (in the
national government's schema, joined to the public holds and offers), and the offers made to
a government."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery

from tenants.models import Government, Level
from tenants.scope import any_scope, tenant_scoped
from warga.regions.models import Province, Regency, Village
from warga.reports.lifecycle import OPEN_STATUSES, Status
from warga.reports.models import Report, ReportEvent
from warga.triage.models import Offer, OfferStatus, TriageHold

TRIAGE_PAGE_SIZE = 50
TRIAGE_PAGE_SIZE_MAX = 200
_ANNOTATIONS = ("hold_reason", "held_at", "transfer_note")


class HeldView(models.TextChoices):
    EXCLUDE = "exclude", "Tanpa laporan yang ditahan (bawaan)"
    ONLY = "only", "Hanya yang ditahan"
    ALL = "all", "Semua"


class QueueReason(models.TextChoices):
    NOT_ONBOARDED = "not_onboarded", "Wilayahnya belum bergabung dengan Warga"
    DISPUTED = "disputed", "Dialihkan ke meja triase (bukan wewenang)"


@dataclass(frozen=True)
class TriagePage:
    count: int
    page: int
    page_size: int
    results: list[dict[str, Any]]


_DESK_COLUMNS = (
    "tracking_number",
    "type",
    "category_code",
    "privacy",
    "status",
    "province_code",
    "regency_code",
    "district_code",
    "village_code",
    "support_count",
    "created_at",
    "hold_reason",
    "held_at",
    "transfer_note",
)


def _desk_reports(*, held: str = HeldView.ALL) -> QuerySet[Report]:
    """The desk's open reports with their active hold and latest transfer note (subqueries),
    held ones excluded, only, or included."""
    holds = TriageHold.objects.filter(tracking_number=OuterRef("tracking_number"), released_at__isnull=True)
    transfers = ReportEvent.objects.filter(report=OuterRef("pk"), to_status=Status.TRANSFERRED).order_by("-at", "-id")
    reports = Report.objects.filter(status__in=OPEN_STATUSES).annotate(
        hold_reason=Subquery(holds.values("reason")[:1]),
        held_at=Subquery(holds.values("held_at")[:1]),
        transfer_note=Subquery(transfers.values("note")[:1]),
    )
    if held == HeldView.EXCLUDE:
        return reports.filter(hold_reason__isnull=True)
    if held == HeldView.ONLY:
        return reports.filter(hold_reason__isnull=False)
    return reports


def _desk_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with why it is at the desk, its hold, its offers and the ready government
    that owns its village today: three queries for any number of rows."""
    codes = {row["regency_code"] for row in rows} | {row["province_code"] for row in rows}
    ready = {
        government.code: government
        for government in Government.objects.filter(code__in=codes, is_ready=True).only("code", "name")
    }
    regency_names = dict(
        Regency.objects.filter(code__in={row["regency_code"] for row in rows}).values_list("code", "name")
    )
    offers: dict[str, list[dict[str, Any]]] = {}
    for offer in (
        Offer.objects.filter(tracking_number__in=[row["tracking_number"] for row in rows])
        .select_related("government")
        .order_by("offered_at", "id")
    ):
        offers.setdefault(offer.tracking_number, []).append(
            {
                "id": offer.pk,
                "government_code": offer.government.code,
                "government_name": offer.government.name,
                "status": offer.status,
                "offered_at": offer.offered_at,
                "decided_at": offer.decided_at,
                "decline_reason": offer.decline_reason,
            }
        )
    results: list[dict[str, Any]] = []
    for row in rows:
        owner = ready.get(row["regency_code"]) or ready.get(row["province_code"])
        item: dict[str, Any] = {name: value for name, value in row.items() if name not in _ANNOTATIONS}
        hold_reason, transfer_note = row["hold_reason"], row["transfer_note"]
        results.append(
            item
            | {
                "regency_name": regency_names.get(row["regency_code"], ""),
                "reason": QueueReason.DISPUTED if transfer_note is not None else QueueReason.NOT_ONBOARDED,
                "transfer_note": transfer_note or "",
                "hold": None if hold_reason is None else {"reason": hold_reason, "held_at": row["held_at"]},
                "ready_owner": None if owner is None else {"code": owner.code, "name": owner.name},
                "offers": offers.get(row["tracking_number"], []),
            }
        )
    return results


@tenant_scoped
def triage_queue(
    *,
    province_code: str | None = None,
    category_code: str | None = None,
    status: str | None = None,
    held: str = HeldView.EXCLUDE,
    page: int = 1,
    page_size: int = TRIAGE_PAGE_SIZE,
) -> TriagePage:
    """The desk's open reports, oldest first, read in the national government's schema (the
    caller's context). Each says why it is here (region not onboarded, or refused by a
    government: the latest transfer note), its hold, the offers made for it, and which ready
    government would own its village today. Five queries whatever the page size."""
    reports = _desk_reports(held=held)
    if province_code:
        reports = reports.filter(province_code=province_code)
    if category_code:
        reports = reports.filter(category_code=category_code)
    if status:
        reports = reports.filter(status=status)
    count = reports.count()
    start = (page - 1) * page_size
    rows = list(reports.order_by("created_at", "id").values(*_DESK_COLUMNS)[start : start + page_size])
    if not rows:
        return TriagePage(count=count, page=page, page_size=page_size, results=[])
    return TriagePage(count=count, page=page, page_size=page_size, results=_desk_items(rows))


@tenant_scoped
def triage_report(*, tracking_number: str) -> dict[str, Any] | None:
    """One open report at the desk as the queue shows it, with what the desk needs to decide:
    its description, its place by name, the ready governments of its province (where it can
    be assigned) and its trail. None when it is not (or no longer) at the desk. Never the
    reporter: the desk decides where a report belongs, not who sent it."""
    row = _desk_reports().filter(tracking_number=tracking_number).values(*_DESK_COLUMNS, "description", "pk").first()
    if row is None:
        return None
    report_id, description = row.pop("pk"), row.pop("description")
    (item,) = _desk_items([row])
    village = Village.objects.select_related("district").filter(code=row["village_code"]).first()
    province = Province.objects.filter(code=row["province_code"]).values_list("name", flat=True).first()
    candidates = list(
        Government.objects.filter(is_ready=True, code__startswith=row["province_code"])
        .exclude(level=Level.NATIONAL)
        .order_by("code")
        .values("code", "name")
    )
    trail = list(
        ReportEvent.objects.filter(report_id=report_id)
        .order_by("at", "id")
        .values("at", "from_status", "to_status", "note")
    )
    return item | {
        "description": description,
        "village_name": village.name if village else "",
        "district_name": village.district.name if village else "",
        "province_name": province or "",
        "candidates": candidates,
        "trail": trail,
    }


@any_scope
def offers_for(*, government: Government, status: str | None = OfferStatus.PENDING) -> list[Offer]:
    """Offers made to `government` (pending by default), oldest first: one query."""
    offers = Offer.objects.filter(government=government)
    if status:
        offers = offers.filter(status=status)
    return list(offers.order_by("offered_at", "id"))


@any_scope
def offers_with_places(*, government: Government, status: str | None = OfferStatus.PENDING) -> list[dict[str, Any]]:
    """`offers_for` with each offer's kecamatan and village by name, for the offers page:
    three queries however many offers."""
    offers = offers_for(government=government, status=status)
    villages = {
        village.code: village
        for village in Village.objects.select_related("district").filter(
            code__in={offer.village_code for offer in offers}
        )
    }
    return [
        {
            "offer": offer,
            "village_name": villages[offer.village_code].name if offer.village_code in villages else "",
            "district_name": villages[offer.village_code].district.name if offer.village_code in villages else "",
        }
        for offer in offers
    ]
