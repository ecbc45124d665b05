"""The triage desk and its offers over HTTP: who may, on which host, and what is refused."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import membership_in, verified_user, with_totp
from tests.warga.reports.helpers import BOGOR_POINT, BOGOR_VILLAGE, counts, submit
from warga.intake.models import ReportIndex
from warga.intake.services import report_transfer
from warga.triage.models import Offer, OfferStatus, TriageHold
from warga.triage.services import offers_for_government

NATIONAL_HOST = "nasional.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
BANDUNG_HOST = "kota-bandung.localhost"
QUEUE = "/api/v1/triage/queue/"


def in_bogor() -> str:
    return submit(
        UserFactory(), latitude=BOGOR_POINT[0], longitude=BOGOR_POINT[1], village_code=BOGOR_VILLAGE
    ).tracking_number


def client_of(government: Government, email: str, kind: str = "admin_koordinator", *, totp: bool = True) -> Client:
    user = verified_user(email)
    if totp:
        with_totp(user)
    membership_in(government, user, kind=kind)
    return signed_in_client(user)


@pytest.fixture
def desk(national: Government) -> Client:
    return client_of(national, "pengawas@nasional.go.id", "pengawas_nasional")


def test_the_queue_over_http(national: Government, desk: Client) -> None:
    numbers = [in_bogor(), in_bogor()]
    response = desk.get(QUEUE + "?page_size=1", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 1)
    (item,) = body["results"]
    assert {key: item[key] for key in ("tracking_number", "reason", "regency_code", "regency_name", "hold")} == {
        "tracking_number": numbers[0],
        "reason": "not_onboarded",
        "regency_code": "32.01",
        "regency_name": "Kabupaten Bogor",
        "hold": None,
    }
    refused = desk.get(QUEUE + "?held=sometimes&page_size=500", HTTP_HOST=NATIONAL_HOST)
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"held", "page_size"}


def test_hold_release_and_assign_over_http(national: Government, bandung: Government, desk: Client) -> None:
    number = in_bogor()
    base = f"/api/v1/triage/reports/{number}"

    empty = desk.post(f"{base}/hold/", {"reason": ""}, content_type="application/json", HTTP_HOST=NATIONAL_HOST)
    assert empty.status_code == 400
    assert empty.json()["error"]["fields"]["reason"][0]["message"] == (
        "Tuliskan mengapa laporan ini ditahan di meja triase."
    )
    assert not TriageHold.objects.exists()

    held = desk.post(
        f"{base}/hold/", {"reason": "Cek lokasi"}, content_type="application/json", HTTP_HOST=NATIONAL_HOST
    )
    assert held.status_code == 200
    assert (held.json()["reason"], held.json()["released_at"]) == ("Cek lokasi", None)
    assert desk.get(QUEUE, HTTP_HOST=NATIONAL_HOST).json()["count"] == 0
    assert desk.get(QUEUE + "?held=only", HTTP_HOST=NATIONAL_HOST).json()["count"] == 1

    released = desk.post(f"{base}/release/", {}, content_type="application/json", HTTP_HOST=NATIONAL_HOST)
    assert released.status_code == 200
    assert released.json()["released_at"] is not None

    assigned = desk.post(
        f"{base}/assign/",
        {"to_government_code": "32.73", "note": "Perbatasan kota"},
        content_type="application/json",
        HTTP_HOST=NATIONAL_HOST,
    )
    assert assigned.status_code == 200, assigned.content
    assert assigned.json() == {
        "tracking_number": number,
        "to_government_code": "32.73",
        "to_government_name": "Kota Bandung",
        "status": "received",
    }
    assert ReportIndex.objects.get(tracking_number=number).government_id == bandung.pk
    # Gone from the desk: a second assignment finds nothing there.
    again = desk.post(
        f"{base}/assign/", {"to_government_code": "31"}, content_type="application/json", HTTP_HOST=NATIONAL_HOST
    )
    assert again.status_code == 404


def test_the_desk_is_for_national_overseers_with_two_step_verification_only(
    national: Government, bandung: Government, desk: Client
) -> None:
    number = in_bogor()
    hold = f"/api/v1/triage/reports/{number}/hold/"
    data = {"reason": "coba"}
    # Off the national host the desk does not exist, whoever asks.
    assert desk.get(QUEUE, HTTP_HOST=BANDUNG_HOST).status_code == 404
    assert desk.get(QUEUE, HTTP_HOST="localhost").status_code == 404
    # An official of Kota Bandung holds no seat in the national government.
    bandung_admin = client_of(bandung, "admin@bandung.go.id")
    refused = bandung_admin.post(hold, data, content_type="application/json", HTTP_HOST=NATIONAL_HOST)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_official"
    # An overseer without an authenticator app is told to set one up first.
    no_totp = client_of(national, "tanpa-totp@nasional.go.id", "pengawas_nasional", totp=False)
    assert no_totp.get(QUEUE, HTTP_HOST=NATIONAL_HOST).json()["error"]["code"] == "mfa_missing"
    assert Client().get(QUEUE, HTTP_HOST=NATIONAL_HOST).status_code == 403
    assert signed_in_client(UserFactory()).get(QUEUE, HTTP_HOST=NATIONAL_HOST).status_code == 403
    # None of the refusals wrote anything.
    assert not TriageHold.objects.exists()
    assert ReportIndex.objects.get(tracking_number=number).government_id == national.pk


@pytest.fixture
def bandung_offer(national: Government, bandung: Government) -> Offer:
    """A Bandung report sent to the desk, then offered to Bandung as on its onboarding."""
    actor = with_totp(UserFactory())
    membership_in(bandung, actor)
    number = submit(UserFactory()).tracking_number
    report_transfer(
        actor=actor, tracking_number=number, from_government=bandung, to_government_code="NAS", note="Milik BBWS"
    )
    with government_context(national):
        offers_for_government(government=bandung)
    return Offer.objects.get(tracking_number=number, government=bandung)


def test_offers_are_listed_and_accepted_on_the_offered_governments_host(
    national: Government, bandung: Government, bandung_offer: Offer
) -> None:
    admin = client_of(bandung, "admin-tawaran@bandung.go.id")
    listed = admin.get("/api/v1/triage/offers/", HTTP_HOST=BANDUNG_HOST)
    assert listed.status_code == 200
    assert [(o["id"], o["tracking_number"], o["status"]) for o in listed.json()] == [
        (bandung_offer.pk, bandung_offer.tracking_number, "pending")
    ]
    accepted = admin.post(f"/api/v1/triage/offers/{bandung_offer.pk}/accept/", HTTP_HOST=BANDUNG_HOST)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["to_government_code"] == "32.73"
    assert ReportIndex.objects.get(tracking_number=bandung_offer.tracking_number).government_id == bandung.pk
    assert admin.get("/api/v1/triage/offers/", HTTP_HOST=BANDUNG_HOST).json() == []
    decided = admin.get("/api/v1/triage/offers/?status=accepted", HTTP_HOST=BANDUNG_HOST).json()
    assert [o["id"] for o in decided] == [bandung_offer.pk]


def test_declining_needs_a_reason(bandung: Government, bandung_offer: Offer) -> None:
    admin = client_of(bandung, "admin-tolak@bandung.go.id")
    path = f"/api/v1/triage/offers/{bandung_offer.pk}/decline/"
    empty = admin.post(path, {"reason": " "}, content_type="application/json", HTTP_HOST=BANDUNG_HOST)
    assert empty.status_code == 400
    assert empty.json()["error"]["fields"]["reason"][0]["message"] == (
        "Tuliskan mengapa laporan ini tidak diambil alih."
    )
    declined = admin.post(path, {"reason": "Milik BBWS"}, content_type="application/json", HTTP_HOST=BANDUNG_HOST)
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["decline_reason"]) == ("declined", "Milik BBWS")


def test_jakarta_cannot_see_or_accept_bandungs_offer_over_http(
    national: Government, bandung: Government, jakarta: Government, bandung_offer: Offer
) -> None:
    jakarta_admin = client_of(jakarta, "admin@jakarta.go.id")
    accept = f"/api/v1/triage/offers/{bandung_offer.pk}/accept/"
    before = (counts(national), counts(bandung), counts(jakarta))

    assert jakarta_admin.get("/api/v1/triage/offers/", HTTP_HOST=JAKARTA_HOST).json() == []
    on_own_host = jakarta_admin.post(accept, HTTP_HOST=JAKARTA_HOST)
    assert on_own_host.status_code == 404
    assert on_own_host.json()["error"]["message"] == "Tawaran dengan nomor itu tidak ditemukan untuk pemerintah ini."
    on_bandungs_host = jakarta_admin.post(accept, HTTP_HOST=BANDUNG_HOST)
    assert on_bandungs_host.status_code == 403
    # The national host has no offers to decide.
    assert jakarta_admin.post(accept, HTTP_HOST=NATIONAL_HOST).status_code == 404
    # A seat other than admin koordinator in Bandung may not decide either.
    lurah = client_of(bandung, "lurah@bandung.go.id", "lurah")
    assert lurah.post(accept, HTTP_HOST=BANDUNG_HOST).json()["error"]["code"] == "position_not_allowed"

    bandung_offer.refresh_from_db()
    assert (bandung_offer.status, bandung_offer.decided_at) == (OfferStatus.PENDING, None)
    assert (counts(national), counts(bandung), counts(jakarta)) == before
    assert ReportIndex.objects.get(tracking_number=bandung_offer.tracking_number).government_id == national.pk


def test_the_triage_routes_are_in_the_openapi_schema(db: None) -> None:
    schema = Client().get("/api/v1/schema/?format=json", HTTP_HOST="localhost")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/v1/triage/queue/",
        "/api/v1/triage/reports/{tracking_number}/assign/",
        "/api/v1/triage/reports/{tracking_number}/hold/",
        "/api/v1/triage/reports/{tracking_number}/release/",
        "/api/v1/triage/offers/",
        "/api/v1/triage/offers/{offer_id}/accept/",
        "/api/v1/triage/offers/{offer_id}/decline/",
    } <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/triage/queue/"]["get"]["parameters"]}
    assert parameters == {"province", "category", "status", "held", "page", "page_size"}
