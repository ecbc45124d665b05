"""Offers: when a government becomes ready, the triage desk offers it the reports from its
territory that waited there; its admin koordinator accepts (the report moves in) or declines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from config.celery import app as celery_app
from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import membership_in, with_totp
from tests.warga.reports.helpers import BOGOR_POINT, BOGOR_VILLAGE, counts, submit
from warga.access.policy import ActionForbidden
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.services import report_transfer
from warga.onboarding.services import government_provision, plan_for_codes
from warga.reports.errors import ReportInvalid
from warga.reports.models import Report, ReportEvent
from warga.triage.models import Offer, OfferStatus
from warga.triage.selectors import offers_for, triage_queue
from warga.triage.services import (
    OfferNotFound,
    offer_accept,
    offer_decline,
    offers_for_government,
    triage_assign,
    triage_hold,
)


def in_bogor(**fields: Any) -> str:
    return submit(
        UserFactory(), latitude=BOGOR_POINT[0], longitude=BOGOR_POINT[1], village_code=BOGOR_VILLAGE, **fields
    ).tracking_number


def official(government: Government, kind: str = "admin_koordinator") -> User:
    user = with_totp(UserFactory())
    membership_in(government, user, kind=kind)
    return user


@pytest.fixture
def tasks_run_in_process() -> Iterator[None]:
    """Tasks queued after commit run right here, through Celery's own eager path, instead of
    waiting in the broker for a worker (tests/worker runs the real one)."""
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = False


def test_a_newly_ready_government_is_offered_the_waiting_reports_of_its_territory(
    national: Government, jakarta: Government, tasks_run_in_process: None, django_capture_on_commit_callbacks: Any
) -> None:
    overseer = official(national, "pengawas_nasional")
    waiting = [in_bogor(), in_bogor(category_code="sampah")]
    held = in_bogor()
    with government_context(national):
        triage_hold(acting_user=overseer, tracking_number=held, reason="Lokasi diragukan")

    # Kabupaten Bogor joins: provisioning marks it ready, then the offers follow in a task.
    (planned,) = plan_for_codes(codes=["32.01"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = government_provision(planned=planned)
    bogor = outcome.government
    assert (bogor.code, bogor.is_ready, len(callbacks)) == ("32.01", True, 1)

    offers = offers_for(government=bogor)
    assert [(o.tracking_number, o.status, o.category_code, o.village_code) for o in offers] == [
        (waiting[0], "pending", "jalan_rusak", BOGOR_VILLAGE),
        (waiting[1], "pending", "sampah", BOGOR_VILLAGE),
    ]
    # Nothing was offered to anyone else, and the reports are still at the desk.
    assert Offer.objects.exclude(government=bogor).count() == 0
    assert set(ReportIndex.objects.filter(tracking_number__in=waiting).values_list("government", flat=True)) == {
        national.pk
    }
    # Offering again (a retried task) adds nothing.
    with government_context(national):
        assert offers_for_government(government=bogor) == 0
    assert Offer.objects.count() == 2


@pytest.fixture
def refused_by_bandung(bandung: Government, national: Government) -> str:
    """A Bandung report sent to the desk, then offered to Bandung as on its onboarding."""
    number = submit(UserFactory()).tracking_number
    report_transfer(
        acting_user=official(bandung),
        tracking_number=number,
        from_government=bandung,
        to_government_code="NAS",
        note="Saluran milik BBWS",
    )
    with government_context(national):
        assert offers_for_government(government=bandung) == 1
    return number


def test_accepting_moves_the_report_in_and_withdraws_its_other_offers(
    national: Government, bandung: Government, jakarta: Government, refused_by_bandung: str
) -> None:
    number = refused_by_bandung
    (offer,) = offers_for(government=bandung)
    elsewhere = Offer.objects.create(
        tracking_number=number,
        government=jakarta,
        type=offer.type,
        category_code=offer.category_code,
        district_code=offer.district_code,
        village_code=offer.village_code,
        report_created_at=offer.report_created_at,
        offered_at=offer.offered_at,
    )
    admin = official(bandung)

    outcome = offer_accept(acting_user=admin, government=bandung, offer_id=offer.pk)

    assert (outcome.to_government.code, outcome.status) == ("32.73", "received")
    assert ReportIndex.objects.get(tracking_number=number).government_id == bandung.pk
    with government_context(bandung):
        trail = list(ReportEvent.objects.filter(report__tracking_number=number).values_list("actor_id", "note"))
    assert (admin.pk, f"Diambil alih oleh Kota Bandung dari meja triase nasional (tawaran {offer.pk}).") in trail
    assert counts(national)[0] == 0
    offer.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (offer.status, elsewhere.status) == (OfferStatus.ACCEPTED, OfferStatus.WITHDRAWN)
    with pytest.raises(ReportInvalid) as twice:
        offer_accept(acting_user=admin, government=bandung, offer_id=offer.pk)
    assert twice.value.errors["offer"][0].code == "already_decided"
    assert twice.value.errors["offer"][0].message == f"Tawaran laporan {number} sudah diputuskan (Diterima)."


def test_declining_keeps_the_report_at_the_desk_with_the_reason(
    national: Government, bandung: Government, refused_by_bandung: str
) -> None:
    number = refused_by_bandung
    (offer,) = offers_for(government=bandung)
    admin = official(bandung)
    with pytest.raises(ReportInvalid) as no_reason:
        offer_decline(acting_user=admin, government=bandung, offer_id=offer.pk, reason=" ")
    assert no_reason.value.errors["reason"][0].code == "required"
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING

    offer_decline(acting_user=admin, government=bandung, offer_id=offer.pk, reason="Saluran primer milik BBWS Citarum")

    assert ReportIndex.objects.get(tracking_number=number).government_id == national.pk
    with government_context(national):
        (item,) = triage_queue().results
        last = ReportEvent.objects.filter(report__tracking_number=number).order_by("-id").first()
    assert [(o["government_code"], o["status"], o["decline_reason"]) for o in item["offers"]] == [
        ("32.73", "declined", "Saluran primer milik BBWS Citarum")
    ]
    assert last is not None
    assert (last.actor_id, last.note) == (
        admin.pk,
        "Tawaran ke Kota Bandung ditolak: Saluran primer milik BBWS Citarum",
    )


def test_jakarta_cannot_accept_or_decline_bandungs_offer(
    national: Government, bandung: Government, jakarta: Government, refused_by_bandung: str
) -> None:
    """Tenant isolation: on its own host Jakarta does not find Bandung's offer; acting for
    Bandung it holds no seat there. Nothing moves either way."""
    number = refused_by_bandung
    (offer,) = offers_for(government=bandung)
    jakarta_admin = official(jakarta)
    before = (counts(national), counts(bandung), counts(jakarta))

    assert offers_for(government=jakarta) == []
    with pytest.raises(OfferNotFound):
        offer_accept(acting_user=jakarta_admin, government=jakarta, offer_id=offer.pk)
    with pytest.raises(OfferNotFound):
        offer_decline(acting_user=jakarta_admin, government=jakarta, offer_id=offer.pk, reason="bukan urusan kami")
    with pytest.raises(ActionForbidden) as not_there:
        offer_accept(acting_user=jakarta_admin, government=bandung, offer_id=offer.pk)
    assert not_there.value.reason == "not_official"

    offer.refresh_from_db()
    assert (offer.status, offer.decided_at, offer.decline_reason) == (OfferStatus.PENDING, None, "")
    assert (counts(national), counts(bandung), counts(jakarta)) == before
    assert ReportIndex.objects.get(tracking_number=number).government_id == national.pk


def test_only_the_admin_koordinator_decides_an_offer(
    national: Government, bandung: Government, refused_by_bandung: str
) -> None:
    (offer,) = offers_for(government=bandung)
    lurah = official(bandung, "lurah")
    with pytest.raises(ActionForbidden) as refused:
        offer_accept(acting_user=lurah, government=bandung, offer_id=offer.pk)
    assert refused.value.reason == "position_not_allowed"
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING
    assert ReportIndex.objects.get(tracking_number=refused_by_bandung).government_id == national.pk


def test_a_report_that_left_the_desk_withdraws_its_offer(
    national: Government, bandung: Government, refused_by_bandung: str
) -> None:
    number = refused_by_bandung
    (offer,) = offers_for(government=bandung)
    overseer = official(national, "pengawas_nasional")
    with government_context(national):
        triage_assign(acting_user=overseer, tracking_number=number, to_government_code="31", note="Ternyata di DKI")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    with pytest.raises(ReportInvalid) as late:
        offer_accept(acting_user=official(bandung), government=bandung, offer_id=offer.pk)
    assert late.value.errors["offer"][0].code == "already_decided"
    assert late.value.errors["offer"][0].message == f"Tawaran laporan {number} sudah diputuskan (Ditarik)."
    with government_context(bandung):
        assert not Report.objects.filter(tracking_number=number).exists()


def test_an_offer_whose_report_left_the_desk_unseen_is_withdrawn_naming_the_report(
    national: Government, bandung: Government, jakarta: Government, refused_by_bandung: str
) -> None:
    """A report that left the desk by a way that did not withdraw its offers (a move racing the
    offer): accepting it withdraws the offer and says which report left."""
    number = refused_by_bandung
    (offer,) = offers_for(government=bandung)
    ReportIndex.objects.filter(tracking_number=number, government=national).update(government=jakarta)
    with pytest.raises(ReportInvalid) as late:
        offer_accept(acting_user=official(bandung), government=bandung, offer_id=offer.pk)
    assert late.value.errors["offer"][0].code == "report_left_desk"
    assert late.value.errors["offer"][0].message == (
        f"Laporan {number} sudah tidak berada di meja triase nasional; tawaran ditarik."
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    with government_context(bandung):
        assert not Report.objects.filter(tracking_number=number).exists()


def test_holding_a_report_withdraws_its_pending_offers(
    national: Government, bandung: Government, refused_by_bandung: str
) -> None:
    (offer,) = offers_for(government=bandung)
    with government_context(national):
        triage_hold(
            acting_user=official(national, "pengawas_nasional"),
            tracking_number=refused_by_bandung,
            reason="Tunggu BBWS",
        )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert offers_for(government=bandung) == []
