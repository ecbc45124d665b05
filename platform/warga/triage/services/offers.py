"""Offers of the desk's reports to a government that becomes ready: made, told, reminded,
accepted (the report moves there) or declined with a reason (docs/decisions/0012)."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.context import government_context
from tenants.models import Government, Level
from tenants.scope import any_scope, public_scoped, tenant_scoped
from tenants.selectors import government_national
from tenants.tasks import send_on_commit
from warga.access.policy import GRANTS, Action, policy_require
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.services import TransferOutcome, report_move
from warga.national.services import national_day, seat_holders
from warga.notifications.models import EventKind
from warga.notifications.services import notifications_send
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.lifecycle import OPEN_STATUSES
from warga.reports.models import Report
from warga.triage.models import Offer, OfferStatus
from warga.triage.services.desk import (
    TERRITORIAL_LEVELS,
    TriageDeskUnavailable,
    _audit,
    _offers_withdraw,
    _reason,
    _require_active,
    triage_desk,
)


def _territory_column(government: Government) -> str | None:
    if government.level == Level.PROVINCE:
        return "province_code"
    if government.level in (Level.REGENCY, Level.CITY):
        return "regency_code"
    return None


@any_scope
def offers_queue_for(*, government: Government) -> None:
    """After the current transaction commits, offer the desk's pending reports to
    `government` (just made ready) in a task running in the desk's schema. Nothing is queued
    for a government without a territory or when there is no ready desk."""
    if government.level not in TERRITORIAL_LEVELS:
        return
    national = government_national()
    if national is None or not national.is_ready:
        return
    # The task module imports this one to run the offers: importing it at the top would be a cycle.
    from warga.triage.tasks import triage_offers_for_government

    with government_context(national):
        send_on_commit(triage_offers_for_government, kwargs={"government_id": government.pk})


# Tracking numbers named in one offer notification; the offers page lists them all.
OFFER_NOTICE_MAX_NUMBERS = 10
OFFERS_PAGE_PATH = "/tawaran-triase/"


def _offer_deciders(government: Government) -> list[uuid.UUID]:
    """Who holds, today, a seat that may decide `government`'s offers (warga.access.policy)."""
    kinds = [kind for kind, grants in GRANTS.items() if Action.OFFER_DECIDE in grants]
    return seat_holders(government=government, kinds=kinds)


def _offers_notify(*, government: Government, offers: list[tuple[int, str]], dedup_key: str = "") -> int:
    """Tell `government`'s deciders, in its schema, that the desk offered it `offers` (id,
    tracking number): one notification per batch and person, keyed by the batch's first
    offer (a batch is committed once, so the key is never reused) unless `dedup_key` says
    otherwise."""
    recipients = _offer_deciders(government)
    if not recipients:
        return 0
    numbers = [number for _, number in offers]
    context = {
        "government_name": government.name,
        "count": len(numbers),
        "tracking_numbers": numbers[:OFFER_NOTICE_MAX_NUMBERS],
        "more": max(len(numbers) - OFFER_NOTICE_MAX_NUMBERS, 0),
        "offers_path": OFFERS_PAGE_PATH,
    }
    with government_context(government):
        notifications_send(
            recipient_ids=recipients,
            report_id=None,
            kind=EventKind.REPORT_OFFERED,
            context=context,
            dedup_key=dedup_key or f"offered:{min(offer_id for offer_id, _ in offers)}",
        )
    return len(recipients)


@public_scoped
def offers_remind(*, on: date | None = None) -> int:
    """Remind every ready government's deciders of the offers still waiting for them, once a
    week per person (ISO week of `on`, default today in WIB); returns how many governments
    were reminded. Public scope; each notification is written in its government's schema.

    The batch notice of `offers_for_government` reaches whoever held a deciding seat when the
    offers were made, and a government that has just onboarded often seats its admin
    koordinator only later: run daily, this tells a newly seated decider within a day and
    nobody more than once a week. Idempotent (the week is part of the key)."""
    on = on or national_day(timezone.now())
    year, week, _ = on.isocalendar()
    waiting: dict[int, list[tuple[int, str]]] = {}
    for offer_id, government_id, number in (
        Offer.objects.filter(status=OfferStatus.PENDING, government__is_ready=True)
        .order_by("offered_at", "id")
        .values_list("pk", "government_id", "tracking_number")
    ):
        waiting.setdefault(government_id, []).append((offer_id, number))
    reminded = 0
    for government in Government.objects.filter(pk__in=waiting).order_by("code"):
        with transaction.atomic():
            told = _offers_notify(
                government=government, offers=waiting[government.pk], dedup_key=f"offers-waiting:{year}-W{week:02d}"
            )
        reminded += 1 if told else 0
    return reminded


@tenant_scoped
def offers_for_government(*, government: Government) -> int:
    """Offer `government` every open, unheld report at the desk whose village lies in its
    territory; returns how many offers were made now. Idempotent: a report is offered to a
    government once, ever (a declined offer is not repeated). Runs in the desk's schema.

    When offers are made, the people who may decide them (its admin koordinator) are told
    once, in the same transaction: a rerun that offers nothing new tells nobody."""
    triage_desk()
    column = _territory_column(government)
    if column is None or not government.is_ready or not government.code:
        return 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One statement however many reports wait: the desk's reports (this schema) joined
            # to the public holds and offers the connection also sees.
            cursor.execute(
                f"""
                INSERT INTO national_offer (tracking_number, government_id, status, type, category_code,
                                            district_code, village_code, report_created_at, offered_at,
                                            decline_reason)
                SELECT r.tracking_number, %s, %s, r.type, r.category_code, r.district_code, r.village_code,
                       r.created_at, %s, ''
                FROM {Report._meta.db_table} AS r
                WHERE r.{column} = %s AND r.status = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM national_triage_hold AS h
                                  WHERE h.tracking_number = r.tracking_number AND h.released_at IS NULL)
                ORDER BY r.created_at, r.id
                ON CONFLICT (tracking_number, government_id) DO NOTHING
                RETURNING id, tracking_number
                """,
                [government.pk, OfferStatus.PENDING, timezone.now(), government.code, sorted(OPEN_STATUSES)],
            )
            made = sorted(cursor.fetchall())
        if made:
            _offers_notify(government=government, offers=made)
        return len(made)


def _offer_decider_check(*, acting_user: User, government: Government) -> None:
    _require_active(acting_user)
    policy_require(actor=acting_user, government=government, action=Action.OFFER_DECIDE)


class OfferNotFound(ReportNotFound):
    default_message = _("No offer with that number was found for this government.")


def _offer_pending_locked(*, government: Government, offer_id: int) -> Offer:
    offer = Offer.objects.select_for_update().filter(pk=offer_id, government=government).first()
    if offer is None:
        raise OfferNotFound()
    if offer.status != OfferStatus.PENDING:
        raise ReportInvalid.single(
            "offer",
            "already_decided",
            f"Tawaran laporan {offer.tracking_number} sudah diputuskan ({OfferStatus(offer.status).label}).",
        )
    return offer


@any_scope
def offer_accept(*, acting_user: User, government: Government, offer_id: int) -> TransferOutcome:
    """`government`'s admin koordinator takes an offered report: it is transferred from the
    desk into `government`'s schema, the offer accepted and the report's other pending offers
    withdrawn, in one transaction. An offer of another government is OfferNotFound. A report
    that meanwhile left the desk withdraws the offer (committed) and raises ReportInvalid."""
    _offer_decider_check(acting_user=acting_user, government=government)
    national = government_national()
    if national is None or not national.is_ready:
        raise TriageDeskUnavailable()
    stale = False
    with transaction.atomic():
        offer = _offer_pending_locked(government=government, offer_id=offer_id)
        now = timezone.now()
        at_desk = ReportIndex.objects.filter(tracking_number=offer.tracking_number, government=national).exists()
        if not at_desk:
            offer.status, offer.decided_at = OfferStatus.WITHDRAWN, now
            offer.save(update_fields=["status", "decided_at"])
            stale = True
        else:
            # The taker holds no seat at the desk: `offer.decide` above is the decision.
            outcome = report_move(
                acting_user=acting_user,
                tracking_number=offer.tracking_number,
                from_government=national,
                to_government_code=government.code or "",
                note=f"Diambil alih oleh {government.name} dari meja triase nasional (tawaran {offer.pk}).",
            )
            offer.status, offer.decided_at = OfferStatus.ACCEPTED, now
            offer.save(update_fields=["status", "decided_at"])
            _offers_withdraw(offer.tracking_number, now=now, keep=offer.pk)
    if stale:
        raise ReportInvalid.single(
            "offer",
            "report_left_desk",
            f"Laporan {offer.tracking_number} sudah tidak berada di meja triase nasional; tawaran ditarik.",
        )
    return outcome


@any_scope
def offer_decline(*, acting_user: User, government: Government, offer_id: int, reason: str) -> Offer:
    """`government`'s admin koordinator declines an offered report with a reason: it stays at
    the desk, which sees the reason on the offer and in the report's audit trail."""
    _offer_decider_check(acting_user=acting_user, government=government)
    text = _reason(reason, field="reason", missing="Tuliskan mengapa laporan ini tidak diambil alih.")
    national = government_national()
    if national is None or not national.is_ready:
        raise TriageDeskUnavailable()
    with transaction.atomic():
        offer = _offer_pending_locked(government=government, offer_id=offer_id)
        now = timezone.now()
        offer.status, offer.decided_at, offer.decline_reason = OfferStatus.DECLINED, now, text
        offer.save(update_fields=["status", "decided_at", "decline_reason"])
        with government_context(national):
            report = Report.objects.filter(tracking_number=offer.tracking_number).first()
            if report is not None:
                _audit(report, actor_id=acting_user.pk, note=f"Tawaran ke {government.name} ditolak: {text}", at=now)
    return offer
