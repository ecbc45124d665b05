"""The national triage desk: its queue, holds and assignment, in the national government's schema."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import membership_in, with_totp
from tests.warga.reports.helpers import BOGOR_POINT, BOGOR_VILLAGE, JAKARTA_POINT, JAKARTA_VILLAGE, counts, submit
from warga.access.policy import ActionForbidden
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.intake.services import report_transfer
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.models import Report, ReportEvent
from warga.triage.models import Offer, OfferStatus, TriageHold
from warga.triage.selectors import triage_queue
from warga.triage.services import triage_assign, triage_hold, triage_release


def in_bogor(**fields: object) -> str:
    """A report from Kabupaten Bogor: neither it nor Jawa Barat is on Warga, so it lands at the desk."""
    return submit(
        UserFactory(), latitude=BOGOR_POINT[0], longitude=BOGOR_POINT[1], village_code=BOGOR_VILLAGE, **fields
    ).tracking_number


@pytest.fixture
def overseer(national: Government) -> User:
    user = with_totp(UserFactory())
    membership_in(national, user, kind="pengawas_nasional")
    return user


@pytest.fixture
def jakarta_official(jakarta: Government) -> User:
    user = with_totp(UserFactory())
    membership_in(jakarta, user)
    return user


def queue(national: Government, **filters: object) -> list[tuple[str, str, str]]:
    with government_context(national):
        page = triage_queue(**filters)  # type: ignore[arg-type]
    return [(item["tracking_number"], item["reason"], item["category_code"]) for item in page.results]


def test_the_queue_says_why_each_report_is_at_the_desk(
    national: Government, jakarta: Government, jakarta_official: User
) -> None:
    first = in_bogor()
    second = in_bogor(category_code="sampah")
    refused = submit(
        UserFactory(), latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1], village_code=JAKARTA_VILLAGE
    ).tracking_number
    report_transfer(
        acting_user=jakarta_official,
        tracking_number=refused,
        from_government=jakarta,
        to_government_code="NAS",
        note="Jalan nasional, wewenang kementerian",
    )

    assert queue(national) == [
        (first, "not_onboarded", "jalan_rusak"),
        (second, "not_onboarded", "sampah"),
        (refused, "disputed", "jalan_rusak"),
    ]
    with government_context(national):
        page = triage_queue()
    assert page.count == 3
    by_number = {item["tracking_number"]: item for item in page.results}
    assert by_number[refused]["transfer_note"] == "Jalan nasional, wewenang kementerian"
    # Jakarta is ready: the desk sees who owns that village today. Nobody owns Bogor's yet.
    assert by_number[refused]["ready_owner"] == {"code": "31", "name": "Provinsi DKI Jakarta"}
    assert by_number[first]["ready_owner"] is None
    assert (by_number[first]["regency_name"], by_number[first]["hold"], by_number[first]["offers"]) == (
        "Kabupaten Bogor",
        None,
        [],
    )

    assert queue(national, province_code="31") == [(refused, "disputed", "jalan_rusak")]
    assert queue(national, category_code="sampah") == [(second, "not_onboarded", "sampah")]
    assert queue(national, status="verified") == []
    with government_context(national):
        second_page = triage_queue(page=2, page_size=2)
    assert (second_page.count, [item["tracking_number"] for item in second_page.results]) == (3, [refused])


def test_the_queue_costs_the_same_queries_for_one_report_or_many(national: Government) -> None:
    in_bogor()

    def queries() -> int:
        with government_context(national), CaptureQueriesContext(connection) as captured:
            page = triage_queue()
        assert page.results
        # The schema switch is sent only when the connection is not on the schema already.
        return len([query for query in captured if "search_path" not in query["sql"]])

    one = queries()
    for _ in range(6):
        in_bogor()
    # The count, the page, the ready governments, the regency names and the offers.
    assert queries() == one == 5


def test_a_held_report_leaves_the_default_view_until_released(national: Government, overseer: User) -> None:
    held, other = in_bogor(), in_bogor()
    with government_context(national):
        hold = triage_hold(acting_user=overseer, tracking_number=held, reason="  Menunggu kepastian status jalan  ")
        assert hold.reason == "Menunggu kepastian status jalan"

    assert [number for number, _, _ in queue(national)] == [other]
    with government_context(national):
        (only_held,) = triage_queue(held="only").results
        assert only_held["hold"]["reason"] == "Menunggu kepastian status jalan"
        assert triage_queue(held="all").count == 2
        trail = list(
            ReportEvent.objects.filter(report__tracking_number=held).order_by("id").values_list("actor_id", "note")
        )
        assert trail[-1] == (overseer.pk, "Ditahan di meja triase nasional: Menunggu kepastian status jalan")

        with pytest.raises(ReportInvalid) as again:
            triage_hold(acting_user=overseer, tracking_number=held, reason="lagi")
        assert again.value.errors["report"][0].code == "already_held"

        triage_release(acting_user=overseer, tracking_number=held, note="Status jalan sudah jelas")
        assert ReportEvent.objects.filter(report__tracking_number=held).order_by("-id").first().note == (  # type: ignore[union-attr]
            "Penahanan di meja triase nasional dilepas: Status jalan sudah jelas"
        )
        with pytest.raises(ReportInvalid) as not_held:
            triage_release(acting_user=overseer, tracking_number=held)
        assert not_held.value.errors["report"][0].code == "not_held"
    assert [number for number, _, _ in queue(national)] == [held, other]
    assert TriageHold.objects.filter(tracking_number=held, released_at__isnull=False).count() == 1


def test_a_hold_without_a_reason_is_refused_and_writes_nothing(national: Government, overseer: User) -> None:
    number = in_bogor()
    before = counts(national)
    with government_context(national), pytest.raises(ReportInvalid) as refused:
        triage_hold(acting_user=overseer, tracking_number=number, reason="   ")
    assert refused.value.errors["reason"][0].message == "Tuliskan mengapa laporan ini ditahan di meja triase."
    assert not TriageHold.objects.exists()
    assert counts(national) == before


def test_assigning_moves_the_report_to_a_ready_government_and_closes_its_hold_and_offers(
    national: Government, bandung: Government, jakarta: Government, overseer: User
) -> None:
    number = in_bogor()
    with government_context(national):
        triage_hold(acting_user=overseer, tracking_number=number, reason="Cek dulu")
    offer = Offer.objects.create(
        tracking_number=number,
        government=jakarta,
        type="pengaduan",
        category_code="jalan_rusak",
        district_code="32.01.01",
        village_code=BOGOR_VILLAGE,
        report_created_at=ReportIndex.objects.get(tracking_number=number).created_at,
        offered_at=ReportIndex.objects.get(tracking_number=number).created_at,
    )

    with government_context(national):
        outcome = triage_assign(
            acting_user=overseer, tracking_number=number, to_government_code="32.73", note="Jalan kota, perbatasan"
        )
    assert (outcome.to_government.code, outcome.status) == ("32.73", "received")
    assert ReportIndex.objects.get(tracking_number=number).government_id == bandung.pk
    with government_context(bandung):
        moved = Report.objects.get(tracking_number=number)
        notes = list(ReportEvent.objects.filter(report=moved).values_list("note", flat=True))
    assert "Ditugaskan oleh meja triase nasional: Jalan kota, perbatasan" in notes
    assert counts(national)[0] == 0
    assert queue(national, held="all") == []
    assert not TriageHold.objects.filter(released_at__isnull=True).exists()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN


def test_assigning_to_the_desk_itself_or_an_unknown_government_changes_nothing(
    national: Government, overseer: User
) -> None:
    number = in_bogor()
    before = counts(national)
    with government_context(national):
        with pytest.raises(ReportInvalid) as to_desk:
            triage_assign(acting_user=overseer, tracking_number=number, to_government_code="NAS")
        assert to_desk.value.errors["to_government_code"][0].code == "same_government"
        with pytest.raises(ReportInvalid) as unknown:
            # Kabupaten Bogor exists in the reference data but is not on Warga.
            triage_assign(acting_user=overseer, tracking_number=number, to_government_code="32.01")
        assert unknown.value.errors["to_government_code"][0].code == "unknown_government"
    assert counts(national) == before
    assert ReportIndex.objects.get(tracking_number=number).government_id == national.pk


def test_the_desk_cannot_reach_another_governments_report(
    national: Government, bandung: Government, overseer: User
) -> None:
    """Tenant isolation: a Bandung tracking number is not at the desk, so neither holding nor
    assigning it touches Bandung's schema."""
    number = submit(UserFactory()).tracking_number
    before = counts(bandung)
    with government_context(national):
        with pytest.raises(ReportNotFound):
            triage_hold(acting_user=overseer, tracking_number=number, reason="bukan milik meja")
        with pytest.raises(ReportNotFound):
            triage_assign(acting_user=overseer, tracking_number=number, to_government_code="31")
    assert counts(bandung) == before
    assert not TriageHold.objects.exists()
    assert ReportIndex.objects.get(tracking_number=number).government_id == bandung.pk


def test_an_official_of_another_government_cannot_work_the_desk(national: Government, jakarta_official: User) -> None:
    number = in_bogor()
    before = counts(national)
    with government_context(national):
        with pytest.raises(ActionForbidden) as refused:
            triage_hold(acting_user=jakarta_official, tracking_number=number, reason="coba")
        with pytest.raises(ActionForbidden):
            triage_assign(acting_user=jakarta_official, tracking_number=number, to_government_code="31")
    assert refused.value.reason == "not_official"
    assert counts(national) == before
    assert not TriageHold.objects.exists()
    assert ReportIndex.objects.get(tracking_number=number).government_id == national.pk
