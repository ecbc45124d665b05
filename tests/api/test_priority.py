"""Report priority over HTTP: officials change it with a reason on their government's host;
the simulator takes and shows it (and who a dispute would reach); the inbox filters by it."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import official_of, with_totp
from tests.warga.reports.helpers import BANDUNG_VILLAGE, JAKARTA_POINT, JAKARTA_VILLAGE, counts, submit
from warga.accounts.models import User
from warga.organization.models import Membership, Position, PositionKind, Unit, UnitKind
from warga.reports.models import Report, ReportEvent

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"


def _set(client: Client, number: str, host: str, **data: Any) -> Any:
    return client.post(
        f"/api/v1/reports/{number}/priority/", json.dumps(data), content_type="application/json", HTTP_HOST=host
    )


def _priorities(government: Government) -> list[tuple[str, str, int]]:
    """(number, priority, audit events) of every report of a government."""
    with government_context(government):
        return [
            (r.tracking_number, r.priority, ReportEvent.objects.filter(report=r).count())
            for r in Report.objects.order_by("id")
        ]


def _seated(government: Government, **position: object) -> User:
    user = with_totp(UserFactory())
    user.save(update_fields=["password"])
    with government_context(government):
        seat = Position.objects.filter(**position).order_by("id").first()
        assert seat is not None
        Membership.objects.create(position=seat, user_id=user.pk, starts_on=datetime.date(2024, 1, 1))
    return user


def test_an_official_changes_a_reports_priority_with_a_reason(bandung: Government) -> None:
    number = submit(UserFactory(), category_code="jalan_rusak").tracking_number
    official = official_of(bandung)
    response = _set(signed_in_client(official), number, BANDUNG_HOST, priority="high", note="Dekat sekolah.")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["tracking_number"], body["priority"], body["status"]) == (number, "high", "received")
    assert body["events"][-1] == {
        "actor_id": str(official.pk),
        "from_status": "received",
        "to_status": "received",
        "note": "Prioritas diubah dari biasa ke tinggi: Dekat sekolah.",
        "at": body["events"][-1]["at"],
    }
    # The official view of the report shows it from now on.
    detail = signed_in_client(official).get(f"/api/v1/reports/{number}/", HTTP_HOST=BANDUNG_HOST).json()
    assert detail["priority"] == "high"


def test_bad_input_is_a_400_in_bahasa_indonesia_and_changes_nothing(bandung: Government) -> None:
    number = submit(UserFactory()).tracking_number
    client = signed_in_client(official_of(bandung))
    before = _priorities(bandung)

    unknown = _set(client, number, BANDUNG_HOST, priority="segera", note="Alasan.")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["fields"] == {
        "priority": [
            {
                "code": "unknown_priority",
                "message": "Prioritas 'segera' tidak dikenal. Pilih salah satu: normal, high, urgent.",
            }
        ]
    }
    no_reason = _set(client, number, BANDUNG_HOST, priority="urgent", note=" ")
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["fields"]["note"][0] == {
        "code": "note_required",
        "message": "Tuliskan alasan perubahan prioritas.",
    }
    missing = _set(client, number, BANDUNG_HOST, note="Alasan.")
    assert missing.status_code == 400
    assert list(missing.json()["error"]["fields"]) == ["priority"]
    assert _priorities(bandung) == before


def test_only_officials_who_may_act_on_it_and_only_on_the_government_host(bandung: Government) -> None:
    number = submit(UserFactory(), category_code="jalan_rusak").tracking_number  # routed to PUPR
    before = _priorities(bandung)
    with government_context(bandung):
        Position.objects.create(
            unit=Unit.objects.get(kind=UnitKind.GOVERNMENT), kind=PositionKind.PIMPINAN, title="Sekretaris Daerah"
        )
    pimpinan = _seated(bandung, kind=PositionKind.PIMPINAN)
    other_agency = _seated(bandung, kind=PositionKind.KEPALA_DINAS, unit__name="Dinas Lingkungan Hidup")
    refused = {
        "anonymous": _set(Client(), number, BANDUNG_HOST, priority="urgent", note="x"),
        "citizen": _set(signed_in_client(UserFactory()), number, BANDUNG_HOST, priority="urgent", note="x"),
        "pimpinan": _set(signed_in_client(pimpinan), number, BANDUNG_HOST, priority="urgent", note="x"),
        "other_agency": _set(signed_in_client(other_agency), number, BANDUNG_HOST, priority="urgent", note="x"),
        "public_host": _set(signed_in_client(official_of(bandung)), number, PUBLIC, priority="urgent", note="x"),
    }
    assert {who: r.status_code for who, r in refused.items()} == {
        "anonymous": 403,
        "citizen": 403,
        "pimpinan": 403,
        "other_agency": 403,
        "public_host": 404,
    }
    assert refused["pimpinan"].json()["error"]["code"] == "read_only"
    assert refused["other_agency"].json()["error"]["code"] == "outside_unit"
    assert _priorities(bandung) == before


def test_a_jakarta_official_cannot_change_a_bandung_reports_priority(bandung: Government, jakarta: Government) -> None:
    in_bandung = submit(UserFactory()).tracking_number
    in_jakarta = submit(
        UserFactory(), village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
    ).tracking_number
    before = (_priorities(bandung), counts(bandung), _priorities(jakarta), counts(jakarta))
    jakarta_official = signed_in_client(official_of(jakarta))

    # On Bandung's host a Jakarta seat is no seat at all.
    through_bandung = _set(jakarta_official, in_bandung, BANDUNG_HOST, priority="urgent", note="x")
    assert through_bandung.status_code == 403
    # On Jakarta's host, Bandung's number does not exist.
    through_jakarta = _set(jakarta_official, in_bandung, JAKARTA_HOST, priority="urgent", note="x")
    assert through_jakarta.status_code == 404
    assert through_jakarta.json()["error"]["code"] == "not_found"
    assert (_priorities(bandung), counts(bandung), _priorities(jakarta), counts(jakarta)) == before
    # The same official does change Jakarta's own report.
    assert _set(jakarta_official, in_jakarta, JAKARTA_HOST, priority="urgent", note="Banjir.").status_code == 200


def test_the_simulator_takes_and_shows_the_priority_and_names_the_dispute_supervisor(bandung: Government) -> None:
    admin = official_of(bandung)
    client = signed_in_client(admin)
    rules = [
        {k: v for k, v in r.items() if k != "order"}
        for r in client.get("/api/v1/routing/rules/", HTTP_HOST=BANDUNG_HOST).json()["rules"]
    ]
    urgent_rule = {"name": "Darurat: camat", "priorities": ["urgent"], "area_prefix": "32.73.01", "notify": ["camat"]}
    saved = client.post(
        "/api/v1/routing/rules/",
        {"rules": [urgent_rule, *rules]},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert saved.status_code == 201, saved.json()
    walikota = _seated(bandung, kind=PositionKind.WALIKOTA, unit__kind=UnitKind.GOVERNMENT)

    def simulate(**data: Any) -> Any:
        given = {"category_code": "jalan_rusak", "village_code": BANDUNG_VILLAGE, "type": "pengaduan", **data}
        return client.post("/api/v1/routing/simulate/", given, content_type="application/json", HTTP_HOST=BANDUNG_HOST)

    default = simulate().json()
    assert (default["priority"], default["rule"]["name"]) == (
        "normal",
        "Jalan rusak atau berlubang, Banjir dan genangan, Saluran air atau drainase tersumbat"
        " → Dinas Pekerjaan Umum dan Penataan Ruang",
    )
    # PUPR's supervisor is the head of government, today the wali kota seated above.
    supervisor = default["supervisor"]
    assert supervisor["unit"]["name"] == "Kota Bandung"
    assert supervisor["holders"] == [{"user_id": str(walikota.pk), "is_acting": False}]
    assert supervisor["skipped"] == []
    urgent = simulate(priority="urgent").json()
    assert (urgent["priority"], urgent["rule"]["name"], urgent["handling_unit"]) == ("urgent", "Darurat: camat", None)
    # A flood is urgent by default: the same rule without being told.
    assert simulate(category_code="banjir").json()["rule"]["name"] == "Darurat: camat"
    bad = simulate(priority="segera")
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["priority"]


def test_the_inbox_filters_and_sorts_by_priority(bandung: Government) -> None:
    road = submit(UserFactory(), category_code="jalan_rusak").tracking_number
    flood = submit(UserFactory(), category_code="banjir").tracking_number
    camat = signed_in_client(_seated(bandung, kind=PositionKind.CAMAT, unit__region_code="32.73.01"))

    def inbox(query: str) -> Any:
        return camat.get(f"/api/v1/inbox/?{query}", HTTP_HOST=BANDUNG_HOST)

    by_priority = inbox("ordering=priority").json()["results"]
    assert [(r["tracking_number"], r["priority"]) for r in by_priority] == [(flood, "urgent"), (road, "normal")]
    assert [r["tracking_number"] for r in inbox("priority=normal").json()["results"]] == [road]
    bad = inbox("priority=segera")
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["priority"]
