"""Every official action on a report against every persona, through the API, decided by
warga.access.policy for the report's handling unit.

The report is a road report (jalan_rusak) in Kelurahan Sukarasa, Kota Bandung: routing gives
it to Dinas PUPR, and tells the village's lurah. Each persona is seated in Bandung (or not)
as its name says; every seated persona has TOTP unless its name says otherwise. A refusal is
a 403 carrying the policy's reason, and leaves the report, its trail, its outbox, its
comments and followers, the public index and Jakarta exactly as they were.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import official_of, with_totp
from tests.unchanged import assert_nothing_changed
from tests.warga.reports.helpers import BANDUNG_POINT, counts, submit
from tests.warga.reports.images import distinct_image
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.organization.models import Membership, Position, PositionKind, Unit, UnitKind
from warga.outbox.models import OutboxEvent
from warga.reports.models import Report, ReportComment, ReportEvent, ReportFollower
from warga.reports.services import report_transition

BANDUNG_HOST = "kota-bandung.localhost"
PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
DLH = "Dinas Lingkungan Hidup"
ACTIONS = ("transition", "resolve", "transfer", "merge", "comment", "detail")

ALLOWED = (200, None)
# persona -> the answer to every action but the official detail, and to the detail.
EXPECTED: dict[str, tuple[tuple[int, str | None], tuple[int, str | None]]] = {
    "kepala_dinas_pupr": (ALLOWED, ALLOWED),
    # Told about the report (notification, inbox line) because it lies in the kelurahan: may
    # read it, but the dinas is not in the kelurahan's subtree, so may not act on it.
    "lurah_of_the_village": ((403, "outside_unit"), ALLOWED),
    "kepala_dinas_dlh": ((403, "outside_unit"), (403, "outside_unit")),
    "pimpinan": ((403, "read_only"), ALLOWED),
    "petugas_pupr": (ALLOWED, ALLOWED),
    "petugas_dlh": ((403, "outside_unit"), (403, "outside_unit")),
    "walikota": (ALLOWED, ALLOWED),
    "admin_koordinator": (ALLOWED, ALLOWED),
    "admin_koordinator_without_totp": ((403, "mfa_missing"), (403, "mfa_missing")),
    "superuser": ((403, "not_official"), (403, "not_official")),
    "jakarta_official": ((403, "not_official"), (403, "not_official")),
}


def _answer(expected: tuple[int, str | None], action: str) -> tuple[int, str | None]:
    # A comment that is let through creates one: 201.
    return (201, None) if action == "comment" and expected == ALLOWED else expected


CASES = [
    (persona, action, *_answer(expected[1] if action == "detail" else expected[0], action))
    for persona, expected in EXPECTED.items()
    for action in ACTIONS
]


def _seat(government: Government, user: User, *, kind: str, unit: Unit) -> User:
    with government_context(government):
        position = Position.objects.filter(unit=unit, kind=kind).order_by("id").first()
        if position is None:
            position = Position.objects.create(unit=unit, kind=kind, title=f"{PositionKind(kind).label} {unit.name}")
        Membership.objects.create(position=position, user_id=user.pk, starts_on=datetime.date(2024, 1, 1))
    return user


def _persona(name: str, bandung: Government, jakarta: Government) -> User:
    with government_context(bandung):
        units = {
            "pupr": Unit.objects.get(name=PUPR),
            "dlh": Unit.objects.get(name=DLH),
            "government": Unit.objects.get(kind=UnitKind.GOVERNMENT),
            "village": Unit.objects.get(region_code="32.73.01.1001"),
        }
    user = UserFactory()
    user.save(update_fields=["password"])
    if name == "superuser":
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        return with_totp(user)
    if name == "jakarta_official":
        return official_of(jakarta)
    kind, unit = {
        "kepala_dinas_pupr": (PositionKind.KEPALA_DINAS, "pupr"),
        "lurah_of_the_village": (PositionKind.LURAH, "village"),
        "kepala_dinas_dlh": (PositionKind.KEPALA_DINAS, "dlh"),
        "pimpinan": (PositionKind.PIMPINAN, "government"),
        "petugas_pupr": (PositionKind.PETUGAS_LAPANGAN, "pupr"),
        "petugas_dlh": (PositionKind.PETUGAS_LAPANGAN, "dlh"),
        "walikota": (PositionKind.WALIKOTA, "government"),
        "admin_koordinator": (PositionKind.ADMIN_KOORDINATOR, "government"),
        "admin_koordinator_without_totp": (PositionKind.ADMIN_KOORDINATOR, "government"),
    }[name]
    _seat(bandung, user, kind=kind, unit=units[unit])
    return user if name.endswith("without_totp") else with_totp(user)


def _state(bandung: Government, jakarta: Government, numbers: list[str]) -> dict[str, Any]:
    """Everything an action could change, for the reports involved."""
    with government_context(bandung):
        reports = {
            r.tracking_number: (r.status, r.priority, r.unit_id, r.merged_into)
            for r in Report.objects.filter(tracking_number__in=numbers)
        }
        trail = list(ReportEvent.objects.filter(report__tracking_number__in=numbers).values_list("id", flat=True))
        outbox = list(OutboxEvent.objects.values_list("id", flat=True))
        comments = ReportComment.objects.filter(report__tracking_number__in=numbers).count()
        followers = ReportFollower.objects.filter(report__tracking_number__in=numbers).count()
    index = sorted(
        ReportIndex.objects.filter(tracking_number__in=numbers).values_list(
            "tracking_number", "government_id", "status"
        )
    )
    return {
        "reports": reports,
        "trail": trail,
        "outbox": outbox,
        "comments": comments,
        "followers": followers,
        "index": index,
        "jakarta": counts(jakarta),
    }


def _json(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(data), content_type="application/json", HTTP_HOST=BANDUNG_HOST)


def _request(client: Client, action: str, number: str, other: str) -> Any:
    base = f"/api/v1/reports/{number}/"
    if action == "transition":
        return _json(client, base + "transition/", {"to_status": "verified", "note": "Dicek di lokasi."})
    if action == "resolve":
        form = {
            "note": "Sudah ditambal.",
            "photos": [SimpleUploadedFile("bukti.jpg", distinct_image(777))],
            "captured_at": [timezone.now().isoformat()],
            "latitude": [BANDUNG_POINT[0]],
            "longitude": [BANDUNG_POINT[1]],
        }
        return client.post(base + "resolve/", form, HTTP_HOST=BANDUNG_HOST)
    if action == "transfer":
        return _json(client, base + "transfer/", {"to_government_code": "31", "note": "Jalan milik provinsi."})
    if action == "merge":
        return _json(client, base + "merge/", {"into_tracking_number": other, "note": "Lubang yang sama."})
    if action == "comment":
        return _json(client, base + "comments/", {"body": "Petugas menuju lokasi."})
    return client.get(base, HTTP_HOST=BANDUNG_HOST)


@pytest.mark.parametrize(("persona", "action", "status", "reason"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_report_action_against_persona(
    bandung: Government, jakarta: Government, persona: str, action: str, status: int, reason: str | None
) -> None:
    number = submit(UserFactory()).tracking_number
    other = submit(UserFactory()).tracking_number
    if action == "resolve":
        setup = official_of(bandung)
        with government_context(bandung):
            for step in ("verified", "in_progress"):
                report_transition(actor=setup, tracking_number=number, to_status=step)
    before = _state(bandung, jakarta, [number, other])

    response = _request(signed_in_client(_persona(persona, bandung, jakarta)), action, number, other)

    assert response.status_code == status, response.content
    if reason is not None:
        assert response.json()["error"]["code"] == reason
        assert _state(bandung, jakarta, [number, other]) == before
        return
    body = response.json()
    after = _state(bandung, jakarta, [number, other])
    if action == "transition":
        assert after["reports"][number][0] == body["status"] == "verified"
    elif action == "resolve":
        assert after["reports"][number][0] == body["status"] == "resolved"
    elif action == "transfer":
        assert (body["to_government_code"], number in after["reports"]) == ("31", False)
        assert after["jakarta"][0] == before["jakarta"][0] + 1
    elif action == "merge":
        assert after["reports"][number][0] == body["status"] == "merged"
        assert after["reports"][number][3] == other
    elif action == "comment":
        assert (body["role"], after["comments"]) == ("official", before["comments"] + 1)
    else:
        assert body["tracking_number"] == number
        assert after == before


def test_a_merge_needs_the_right_to_act_on_both_reports(bandung: Government, jakarta: Government) -> None:
    """PUPR's head may act on the road report, not on DLH's rubbish report it would absorb."""
    road = submit(UserFactory()).tracking_number
    rubbish = submit(UserFactory(), category_code="sampah").tracking_number
    before = _state(bandung, jakarta, [road, rubbish])
    kepala_pupr = signed_in_client(_persona("kepala_dinas_pupr", bandung, jakarta))

    both_ways = [
        _json(kepala_pupr, f"/api/v1/reports/{road}/merge/", {"into_tracking_number": rubbish, "note": "Sama."}),
        _json(kepala_pupr, f"/api/v1/reports/{rubbish}/merge/", {"into_tracking_number": road, "note": "Sama."}),
    ]

    assert [(r.status_code, r.json()["error"]["code"]) for r in both_ways] == [(403, "outside_unit")] * 2
    assert _state(bandung, jakarta, [road, rubbish]) == before


def test_disposing_a_report_to_a_unit_moves_who_may_act_on_it(bandung: Government, jakarta: Government) -> None:
    """The handling unit is the verified unit once there is one, else routing's choice."""
    number = submit(UserFactory()).tracking_number
    kepala_dlh = signed_in_client(_persona("kepala_dinas_dlh", bandung, jakarta))
    kepala_pupr = signed_in_client(_persona("kepala_dinas_pupr", bandung, jakarta))
    with government_context(bandung):
        dlh = Unit.objects.get(name=DLH).pk
    disposed = _json(kepala_pupr, f"/api/v1/reports/{number}/transition/", {"to_status": "verified", "unit_id": dlh})
    assert disposed.status_code == 200, disposed.content

    start = {"to_status": "in_progress"}
    with assert_nothing_changed(bandung, jakarta):
        refused = _json(kepala_pupr, f"/api/v1/reports/{number}/transition/", start)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "outside_unit")
    assert _json(kepala_dlh, f"/api/v1/reports/{number}/transition/", start).json()["status"] == "in_progress"


def test_the_inbox_is_for_seats_with_an_inbox(bandung: Government, jakarta: Government) -> None:
    submit(UserFactory())
    answers = {
        persona: signed_in_client(_persona(persona, bandung, jakarta)).get("/api/v1/inbox/", HTTP_HOST=BANDUNG_HOST)
        for persona in (
            "lurah_of_the_village",
            "pimpinan",
            "admin_koordinator_without_totp",
            "superuser",
            "jakarta_official",
        )
    }
    assert {p: (r.status_code, r.json().get("error", {}).get("code")) for p, r in answers.items()} == {
        "lurah_of_the_village": (200, None),
        "pimpinan": (200, None),
        "admin_koordinator_without_totp": (403, "mfa_missing"),
        "superuser": (403, "not_official"),
        "jakarta_official": (403, "not_official"),
    }
    # The lurah is told about the road report, so it is in the lurah's inbox.
    assert answers["lurah_of_the_village"].json()["total"] == 1
