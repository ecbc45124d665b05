"""Open311 GeoReport v2 at /open311/v2/: each resource in JSON and XML shaped as the
specification's examples, its error list, the national intake's routing, rahasia and anonim
reports, status changes, and Kota Bandung (32.73) against DKI Jakarta (31) on both hosts.
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import official_of
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE, JAKARTA_POINT, JAKARTA_VILLAGE, counts, submit
from warga.access.services import api_key_create, api_key_revoke
from warga.intake.models import ReportIndex
from warga.reports.models import Report
from warga.reports.services import report_transition

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"

SERVICE_KEYS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST_KEYS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


_address: list[str] = []


@pytest.fixture(autouse=True)
def _an_address_of_its_own() -> None:
    """Reads by number spend the public look-up budget per address in the `shared` cache, which
    outlives a test: each test reads from an address of its own."""
    _address[:] = [str(ipaddress.ip_address("198.18.0.0") + uuid.uuid4().int % (2**17))]


def _key(government: Government, *scopes: str) -> str:
    return api_key_create(
        government=government, name="Aplikasi 311", scopes=list(scopes or ["reports:submit"]), acting_user=None
    ).raw


def _get(path: str, *, host: str = BANDUNG_HOST, **params: Any) -> Any:
    return Client(REMOTE_ADDR=_address[0]).get(f"/open311/v2/{path}", params, HTTP_HOST=host)


def _post(fmt: str = "json", *, host: str = BANDUNG_HOST, **fields: Any) -> Any:
    data = {
        "service_code": "jalan_rusak",
        "lat": str(BANDUNG_POINT[0]),
        "long": str(BANDUNG_POINT[1]),
        "address_id": BANDUNG_VILLAGE,
        "description": "Lubang besar di jalan depan pasar, berbahaya bagi motor.",
        "email": "warga@example.id",
        "first_name": "Siti",
        "last_name": "Rahayu",
        "phone": "081234567890",
    }
    data.update({name: value for name, value in fields.items() if value is not None})
    for name in [name for name, value in fields.items() if value is None]:
        data.pop(name, None)
    return Client(REMOTE_ADDR=_address[0]).post(f"/open311/v2/requests.{fmt}", data, HTTP_HOST=host)


def _xml(response: Any) -> ElementTree.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    return ElementTree.fromstring(response.content)  # noqa: S314 -- our own answer, in a test


def _errors(response: Any, status: int) -> list[str]:
    """The error list in both formats says the same thing; returns the descriptions."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert [error["code"] for error in body] == [status] * len(body)
    assert body
    assert all(set(error) == {"code", "description"} for error in body)
    return [error["description"] for error in body]


def _state(*governments: Government) -> dict[str, Any]:
    return {"index": ReportIndex.objects.count(), **{g.code: counts(g) for g in governments}}


# --- discovery, services, service definitions -----------------------------------------------------


def test_discovery_in_both_formats_on_every_host(bandung: Government) -> None:
    for host in (PUBLIC, BANDUNG_HOST):
        body = _get("discovery.json", host=host).json()
        assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
        [endpoint] = body["endpoints"]
        assert endpoint == {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": f"http://{host}/open311/v2",
            "changeset": body["changeset"],
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
        root = _xml(_get("discovery.xml", host=host))
        assert root.tag == "discovery"
        assert [e.text for e in root.findall("endpoints/endpoint/formats/format")] == endpoint["formats"]
        assert root.findtext("endpoints/endpoint/url") == endpoint["url"]
    assert "Kota Bandung" in _get("discovery.json").json()["contact"]


def test_services_are_the_categories_that_accept_reports(bandung: Government) -> None:
    response = _get("services.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = response.json()
    codes = [service["service_code"] for service in services]
    assert "jalan_rusak" in codes
    assert "kebakaran" not in codes  # an emergency: referred to 112, not queued
    assert all(list(service) == SERVICE_KEYS for service in services)
    road = next(service for service in services if service["service_code"] == "jalan_rusak")
    # metadata: whether the category asks questions (services/{code} lists them).
    assert road["metadata"] is True
    assert road["type"] == "realtime"
    assert any(service["metadata"] is False for service in services)
    root = _xml(_get("services.xml", host=PUBLIC))
    assert root.tag == "services"
    assert [service.findtext("service_code") for service in root.findall("service")] == codes
    first = root.find("service")
    assert first is not None
    assert [child.tag for child in first] == SERVICE_KEYS
    assert first.findtext("metadata") == "true"
    english = Client().get("/open311/v2/services.json", HTTP_HOST=BANDUNG_HOST, HTTP_ACCEPT_LANGUAGE="en")
    assert next(s for s in english.json() if s["service_code"] == "jalan_rusak")["service_name"] != road["service_name"]


def test_service_definitions_carry_the_category_questions(bandung: Government) -> None:
    assert _get("services/jalan_rusak.json").json() == {
        "service_code": "jalan_rusak",
        "attributes": [
            {
                "variable": True,
                "code": "ukuran_kerusakan",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": None,
                "order": 10,
                "description": "Perkiraan ukuran kerusakan jalan",
                "values": [
                    {"key": "kecil", "name": "Kecil (kurang dari 30 cm, sebesar piring)"},
                    {"key": "sedang", "name": "Sedang (30 cm sampai 1 m)"},
                    {"key": "besar", "name": "Besar (lebih dari 1 m, selebar ban mobil atau lebih)"},
                ],
            }
        ],
    }
    root = _xml(_get("services/jalan_rusak.xml", host=PUBLIC))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "jalan_rusak"
    [attribute] = root.findall("attributes/attribute")
    assert [child.tag for child in attribute] == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert (attribute.findtext("variable"), attribute.findtext("required")) == ("true", "false")
    assert [value.findtext("key") for value in attribute.findall("values/value")] == ["kecil", "sedang", "besar"]
    english = Client().get("/open311/v2/services/lampu_jalan.json", HTTP_HOST=BANDUNG_HOST, HTTP_ACCEPT_LANGUAGE="en")
    assert [(a["code"], a["datatype"], a["values"]) for a in english.json()["attributes"]] == [
        ("nomor_tiang", "string", []),
        ("mati_sejak", "datetime", []),
    ]
    assert english.json()["attributes"][1]["description"] == "Since when has the light been out?"


def test_an_unknown_service_code_and_an_unknown_resource(bandung: Government) -> None:
    [description] = _errors(_get("services/tidak_ada.json"), 404)
    assert "service_code" in description
    for code in ("tidak_ada", "kebakaran"):
        root = _xml(_get(f"services/{code}.xml"))
        assert _get(f"services/{code}.xml").status_code == 404
        assert root.tag == "errors"
        assert root.findtext("error/code") == "404"
        assert "service_code" in (root.findtext("error/description") or "")
    # Another format or resource: the specification's 404, not an HTML page.
    assert _errors(Client().get("/open311/v2/services.csv.json", HTTP_HOST=BANDUNG_HOST), 404)
    assert _xml(Client().get("/open311/v2/services.yaml", HTTP_HOST=BANDUNG_HOST)).tag == "errors"


# --- POST requests ------------------------------------------------------------------------------


def test_a_key_files_a_request_with_the_api_key_field_and_keeps_no_contact_details(bandung: Government) -> None:
    raw = _key(bandung)
    before = counts(bandung)
    response = _post(api_key=raw, idempotency_key="sp4n-000123")
    assert response.status_code == 201, response.content
    [answer] = response.json()
    assert answer == {"service_request_id": answer["service_request_id"], "service_notice": None, "account_id": None}
    number = answer["service_request_id"]
    assert number.startswith("32.73-")
    assert counts(bandung) == (before[0] + 1, before[1] + 1, before[2] + 1)
    with government_context(bandung):
        report = Report.objects.get(tracking_number=number)
    assert (report.category_code, report.village_code, report.privacy, report.type) == (
        "jalan_rusak",
        BANDUNG_VILLAGE,
        "publik",
        "pengaduan",
    )
    entry = ReportIndex.objects.get(tracking_number=number)
    assert entry.reporter is not None
    assert entry.reporter.email.endswith("@api.warga.invalid")
    # The same token again is the same request (a client retrying after a timeout).
    again = _post("xml", api_key=raw, idempotency_key="sp4n-000123")
    assert again.status_code == 201
    assert _xml(again).findtext("request/service_request_id") == number
    assert counts(bandung)[0] == before[0] + 1
    # tokens/{token}: the request a token became, for the key that filed it.
    headers = {"HTTP_X_API_KEY": raw}
    token = Client().get("/open311/v2/tokens/sp4n-000123.json", HTTP_HOST=BANDUNG_HOST, **headers)
    assert token.json() == [{"service_request_id": number, "token": "sp4n-000123"}]
    root = _xml(Client().get("/open311/v2/tokens/sp4n-000123.xml", HTTP_HOST=BANDUNG_HOST, **headers))
    assert [child.tag for child in root.find("request") or []] == ["service_request_id", "token"]
    assert _errors(Client().get("/open311/v2/tokens/sp4n-000999.json", HTTP_HOST=BANDUNG_HOST, **headers), 404)
    assert _errors(_get("tokens/sp4n-000123.json"), 403)
    # Contact details are not kept anywhere, and nothing read back names a reporter.
    shown = _get(f"requests/{number}.json").content.decode()
    for personal in ("warga@example.id", "Siti", "Rahayu", "081234567890", "api.warga.invalid"):
        assert personal not in shown


def test_attributes_are_the_answers_to_the_category_questions(bandung: Government) -> None:
    raw = _key(bandung)
    response = _post(api_key=raw, **{"attribute[ukuran_kerusakan]": "besar"})
    assert response.status_code == 201, response.content
    rubbish = _post(api_key=raw, service_code="sampah", **{"attribute[jenis_sampah][]": ["puing", "plastik"]})
    assert rubbish.status_code == 201, rubbish.content
    with government_context(bandung):
        answers = dict(Report.objects.values_list("tracking_number", "answers"))
    assert answers[response.json()[0]["service_request_id"]] == {"ukuran_kerusakan": "besar"}
    assert answers[rubbish.json()[0]["service_request_id"]] == {"jenis_sampah": ["plastik", "puing"]}
    before = counts(bandung)
    [wrong] = _errors(_post(api_key=raw, **{"attribute[ukuran_kerusakan]": "raksasa"}), 400)
    assert wrong.startswith("attribute[ukuran_kerusakan]: ")
    [unasked] = _errors(_post(api_key=raw, **{"attribute[warna]": "merah"}), 400)
    assert unasked.startswith("attribute: ")
    assert counts(bandung) == before


def test_post_refusals_are_the_error_list_and_write_nothing(bandung: Government, national: Government) -> None:
    raw = _key(bandung)
    before = _state(bandung)
    [missing] = _errors(_post(), 403)
    assert "api_key" in missing
    root = _xml(_post("xml"))
    assert (root.tag, root.findtext("error/code")) == ("errors", "403")
    unknown = _post(api_key="wrg_000000000000_" + "x" * 43)
    _errors(unknown, 401)
    assert unknown["WWW-Authenticate"] == 'Bearer realm="warga"'
    [scope] = _errors(_post(api_key=_key(bandung, "reports:read")), 403)
    assert "reports:submit" in scope
    assert "service_code" in _errors(_post(api_key=raw, service_code=None), 400)[0]
    assert "lat" in _errors(_post(api_key=raw, lat=None), 400)[0]
    assert "long" in _errors(_post(api_key=raw, long="timur"), 400)[0]
    assert "address_id" in _errors(_post(api_key=raw, address_id=None), 400)[0]
    [category] = _errors(_post(api_key=raw, service_code="tidak_ada"), 400)
    assert category.startswith("service_code: ")
    described = _errors(_post(api_key=raw, description="  ", privacy="rahasia-sekali"), 400)
    assert len(described) == 2
    assert _errors(_post(api_key=raw, jurisdiction_id="31"), 404)
    # A place Jakarta owns is not Bandung's to file.
    [outside] = _errors(
        _post(api_key=raw, address_id=JAKARTA_VILLAGE, lat=str(JAKARTA_POINT[0]), long=str(JAKARTA_POINT[1])), 400
    )
    assert outside.startswith("address_id: ")
    assert "DKI Jakarta" in outside
    assert _state(bandung) == before


def test_the_national_intake_routes_a_request_to_the_government_that_owns_the_place(
    bandung: Government, jakarta: Government, national: Government
) -> None:
    raw = _key(national)
    before = _state(bandung, jakarta)
    response = _post(host=PUBLIC, api_key=raw)
    assert response.status_code == 201, response.content
    number = response.json()[0]["service_request_id"]
    assert ReportIndex.objects.get(tracking_number=number).government == bandung
    # jurisdiction_id names the government that must own it: Jakarta does not own Bandung's village.
    [outside] = _errors(_post(host=PUBLIC, api_key=raw, jurisdiction_id="31"), 400)
    assert "Kota Bandung" in outside
    assert _errors(_post(host=PUBLIC, api_key=raw, jurisdiction_id="99.99"), 404)
    owned = _post(host=PUBLIC, api_key=raw, jurisdiction_id="32.73", idempotency_key=str(uuid.uuid4()))
    assert owned.status_code == 201
    after = _state(bandung, jakarta)
    assert after["index"] == before["index"] + 2
    assert after["31"] == before["31"]


# --- GET requests, one request, rahasia and anonim --------------------------------------------------


@pytest.fixture
def filed(bandung: Government, jakarta: Government) -> dict[str, str]:
    citizen = UserFactory()
    numbers = {
        privacy: submit(citizen, privacy=privacy, category_code=category).tracking_number
        for privacy, category in (("publik", "jalan_rusak"), ("anonim", "sampah"), ("rahasia", "jalan_rusak"))
    }
    numbers["jakarta"] = submit(
        citizen, village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
    ).tracking_number
    return numbers


def test_requests_in_both_formats_never_show_rahasia_reports_or_any_reporter(filed: dict[str, str]) -> None:
    response = _get("requests.json")
    assert response.status_code == 200
    listed = response.json()
    assert [item["service_request_id"] for item in listed] == [filed["anonim"], filed["publik"]]
    assert all(list(item) == REQUEST_KEYS for item in listed)
    public = listed[1]
    assert public["status"] == "open"
    assert public["status_notes"] == "Diterima (received)"
    assert public["agency_responsible"] == "Kota Bandung"
    assert public["address_id"] == BANDUNG_VILLAGE
    assert public["address"].startswith("Sukarasa, ")
    assert (public["lat"], public["long"]) == BANDUNG_POINT
    assert public["requested_datetime"].endswith("+07:00")
    root = _xml(_get("requests.xml"))
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [filed["anonim"], filed["publik"]]
    first = root.find("request")
    assert first is not None
    assert [child.tag for child in first] == REQUEST_KEYS
    # The national host lists every government's; jurisdiction_id narrows it to one.
    everywhere = [item["service_request_id"] for item in _get("requests.json", host=PUBLIC).json()]
    assert filed["jakarta"] in everywhere
    assert filed["publik"] in everywhere
    assert filed["rahasia"] not in everywhere
    only = _get("requests.json", host=PUBLIC, jurisdiction_id="31").json()
    assert [item["service_request_id"] for item in only] == [filed["jakarta"]]
    # rahasia answers exactly like a number never used, by id and in a list of ids.
    for host in (PUBLIC, BANDUNG_HOST):
        assert _errors(_get(f"requests/{filed['rahasia']}.json", host=host), 404) == _errors(
            _get("requests/32.73-1999-999999.json", host=host), 404
        )
    by_ids = _get("requests.json", service_request_id=f"{filed['rahasia']},{filed['anonim']}").json()
    assert [item["service_request_id"] for item in by_ids] == [filed["anonim"]]
    # Nothing names a reporter, anonim or not.
    text = _get("requests.json", host=PUBLIC).content.decode() + _get("requests.xml").content.decode()
    for word in ("reporter", "email", "phone", "first_name", "@example"):
        assert word not in text


def test_requests_filters_and_the_ninety_day_window(filed: dict[str, str]) -> None:
    assert [r["service_request_id"] for r in _get("requests.json", service_code="sampah").json()] == [filed["anonim"]]
    assert _get("requests.json", status="closed").json() == []
    assert len(_get("requests.json", status="open,closed").json()) == 2
    now = timezone.now()
    long_ago = {
        "start_date": (now - timedelta(days=400)).isoformat(),
        "end_date": (now - timedelta(days=330)).isoformat(),
    }
    assert _get("requests.json", **long_ago).json() == []
    assert _get("requests.json", start_date=(now - timedelta(hours=1)).isoformat()).json() != []
    [span] = _errors(
        _get("requests.json", start_date=(now - timedelta(days=91)).isoformat(), end_date=now.isoformat()), 400
    )
    assert "90" in span
    assert "start_date" in _errors(_get("requests.json", start_date="kemarin"), 400)[0]
    assert "start_date" in _errors(_get("requests.json", start_date="2026-12-01T00:00:00"), 400)[0]
    assert "status" in _errors(_get("requests.json", status="selesai"), 400)[0]
    root = _xml(_get("requests.xml", status="selesai"))
    assert root.findtext("error/code") == "400"


def test_a_status_change_shows_in_the_request_and_in_the_updates(filed: dict[str, str], bandung: Government) -> None:
    official = official_of(bandung)
    start = timezone.now() - timedelta(minutes=1)
    with government_context(bandung):
        report_transition(acting_user=official, tracking_number=filed["publik"], to_status="verified")
        report_transition(acting_user=official, tracking_number=filed["rahasia"], to_status="verified")
    [request] = _get(f"requests/{filed['publik']}.json").json()
    assert (request["status"], request["status_notes"]) == ("open", "Diverifikasi (verified)")
    updates = _get("servicerequestupdates.json", start_date=start.isoformat()).json()
    assert [(u["service_request_id"], u["status"], u["description"]) for u in updates] == [
        (filed["publik"], "open", "Diverifikasi (verified)")
    ]
    assert list(updates[0]) == [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    ]
    root = _xml(_get("servicerequestupdates.xml", start_date=start.isoformat()))
    assert root.tag == "service_request_updates"
    assert [u.findtext("service_request_id") for u in root.findall("request_update")] == [filed["publik"]]
    # The national host needs to know which government's updates.
    assert "jurisdiction_id" in _errors(_get("servicerequestupdates.json", host=PUBLIC), 400)[0]
    national = _get("servicerequestupdates.json", host=PUBLIC, jurisdiction_id="32.73", start_date=start.isoformat())
    assert national.json() == updates


# --- Kota Bandung against DKI Jakarta -----------------------------------------------------------


def test_a_bandung_key_neither_reads_nor_writes_jakarta_on_either_host(
    filed: dict[str, str], bandung: Government, jakarta: Government
) -> None:
    raw = _key(bandung, "reports:read", "reports:submit", "reports:status")
    before = _state(bandung, jakarta)
    jakarta_fields = {"address_id": JAKARTA_VILLAGE, "lat": str(JAKARTA_POINT[0]), "long": str(JAKARTA_POINT[1])}
    for host in (JAKARTA_HOST, PUBLIC):
        [refused] = _errors(_post(host=host, api_key=raw, **jakarta_fields), 403)
        assert "Kota Bandung" in refused
        _errors(_post(host=host, api_key=raw), 403)
        _errors(Client().get(f"/open311/v2/requests/{filed['jakarta']}.json", {"api_key": raw}, HTTP_HOST=host), 403)
        _errors(Client().get("/open311/v2/requests.json", HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {raw}"), 403)
    # On its own host, Jakarta's reports do not exist, by id or by jurisdiction.
    assert _errors(_get(f"requests/{filed['jakarta']}.json", api_key=raw), 404)
    assert _get("requests.json", service_request_id=filed["jakarta"], api_key=raw).json() == []
    assert _errors(_get("requests.json", jurisdiction_id="31", api_key=raw), 404)
    assert _errors(_post(api_key=raw, jurisdiction_id="31", **jakarta_fields), 404)
    assert _state(bandung, jakarta) == before


def test_a_revoked_key_is_refused_at_once(bandung: Government) -> None:
    issued = api_key_create(government=bandung, name="Mitra", scopes=["reports:submit"], acting_user=None)
    api_key_revoke(key_id=issued.key.pk, government=bandung, acting_user=None)
    before = counts(bandung)
    _errors(_post(api_key=issued.raw), 401)
    assert counts(bandung) == before


def test_json_bodies_are_not_how_open311_posts(bandung: Government) -> None:
    response = Client().post(
        "/open311/v2/requests.json",
        json.dumps({"service_code": "jalan_rusak"}),
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
        HTTP_X_API_KEY=_key(bandung),
    )
    assert _errors(response, 415)


def test_key_and_anonymous_traffic_is_throttled_like_the_rest_of_the_api(bandung: Government, settings: Any) -> None:
    settings.REST_FRAMEWORK = django_settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"anonymous": "2/minute", "session": "2/minute", "api_key": "2/minute"}
    }
    caches["shared"].clear()
    raw = _key(bandung, "reports:read")
    for _ in range(2):
        assert _get("services.json", api_key=raw).status_code == 200
    throttled = _get("services.xml", api_key=raw)
    assert throttled.status_code == 429
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert _xml(throttled).findtext("error/code") == "429"
    # The key's budget is its own: anonymous traffic from the same address still has one.
    assert _get("services.json").status_code == 200
    caches["shared"].clear()


def test_a_list_reads_each_owner_once_however_many_requests(filed: dict[str, str], bandung: Government) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _get("requests.json", host=PUBLIC).status_code == 200
        return len(captured)

    few = queries()
    citizen = UserFactory()
    for _ in range(3):
        submit(citizen)
    assert queries() == few


def test_a_rahasia_request_is_seen_by_the_key_that_filed_it_and_by_no_one_else(bandung: Government) -> None:
    raw, other = _key(bandung), _key(bandung, "reports:read")
    response = _post(api_key=raw, privacy="rahasia")
    assert response.status_code == 201, response.content
    number = response.json()[0]["service_request_id"]
    assert ReportIndex.objects.get(tracking_number=number).latitude is None
    [own] = _get(f"requests/{number}.json", api_key=raw).json()
    assert (own["service_request_id"], own["lat"], own["long"]) == (number, *BANDUNG_POINT)
    assert [r["service_request_id"] for r in _get("requests.json", api_key=raw).json()] == [number]
    for host, key in ((BANDUNG_HOST, None), (BANDUNG_HOST, other), (PUBLIC, None)):
        params = {"api_key": key} if key else {}
        _errors(_get(f"requests/{number}.json", host=host, **params), 404)
        assert _get("requests.json", host=host, **params).json() == []


def test_reads_by_number_spend_the_public_look_up_budget(filed: dict[str, str], settings: Any) -> None:
    settings.WARGA_LOOKUP_IP_LIMIT = 3
    settings.WARGA_LOOKUP_IP_WINDOW_SECONDS = 60
    unknown = "32.73-2026-999999"
    assert _get("requests.json", service_request_id=f"{filed['publik']},{unknown}").status_code == 200
    assert _get(f"requests/{filed['publik']}.json").status_code == 200
    on_secret, on_unknown = _get(f"requests/{filed['rahasia']}.json"), _get(f"requests/{unknown}.json")
    # Refused before the number is looked at: a hidden number and an unknown one answer alike.
    assert on_secret.status_code == on_unknown.status_code == 429
    assert on_secret.content == on_unknown.content
    assert 1 <= int(on_secret["Retry-After"]) <= 60
    # Lists without numbers, and other addresses, are not affected.
    assert _get("requests.json").status_code == 200
    _address[0] = "203.0.113.211"
    assert _get(f"requests/{filed['publik']}.json", host=PUBLIC).status_code == 200
