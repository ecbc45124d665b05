"""The organisation admin API on government hosts: who may read and change what, the answers'
shapes, the refusals, and that a refusal changes nothing here or in any other government."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import membership_in, verified_user, with_totp
from warga.access.policy import OUTSIDE_UNIT_MESSAGE, READ_ONLY_MESSAGE, ROLE_MESSAGES, Action, policy_decide
from warga.accounts.models import User
from warga.organization.models import (
    Invitation,
    Membership,
    OrganizationEvent,
    Position,
    PositionKind,
    Unit,
    UnitKind,
)
from warga.organization.selectors import today_in
from warga.organization.services import invitations
from warga.routing.models import RuleSet
from warga.web.ratelimit import Limit

BANDUNG = "kota-bandung.localhost"
PUBLIC = "localhost"
LINK = re.compile(r"http://kota-bandung\.localhost/undangan/([A-Za-z0-9_-]+)/")


def _official(government: Government, kind: str = "admin_koordinator", email: str | None = None) -> User:
    user = UserFactory(**({"email": email} if email else {}))
    user.save(update_fields=["password"])
    membership_in(government, user, kind=kind)
    return with_totp(user)


@pytest.fixture
def admin(bandung: Government) -> User:
    return _official(bandung, email="admin@bandung.go.id")


def _counts(government: Government) -> dict[str, int]:
    models: list[type[Model]] = [Unit, Position, Membership, Invitation, OrganizationEvent, RuleSet]
    with government_context(government):
        return {model.__name__: model.objects.count() for model in models}


def _post(user: User | None, path: str, data: Any = None, host: str = BANDUNG) -> Any:
    return signed_in_client(user).post(
        f"/api/v1/organization/{path}", data or {}, content_type="application/json", HTTP_HOST=host
    )


def _patch(user: User, path: str, data: Any, host: str = BANDUNG) -> Any:
    return signed_in_client(user).patch(
        f"/api/v1/organization/{path}", data, content_type="application/json", HTTP_HOST=host
    )


def _get(user: User | None, path: str, host: str = BANDUNG) -> Any:
    return signed_in_client(user).get(f"/api/v1/organization/{path}", HTTP_HOST=host)


def _lurah_position(government: Government) -> Position:
    with government_context(government):
        position = Position.objects.filter(kind=PositionKind.LURAH).order_by("id").first()
        assert position is not None
        return position


# --- units and positions ------------------------------------------------------------------------


def test_officials_read_the_units_as_a_list_and_as_a_tree(bandung: Government, admin: User) -> None:
    lurah = _official(bandung, kind="lurah")
    with government_context(bandung):
        root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
        total = Unit.objects.count()
        kecamatan = Unit.objects.filter(kind=UnitKind.KECAMATAN).count()

    flat = _get(lurah, "units/")
    assert flat.status_code == 200
    assert len(flat.json()) == total
    assert flat.json()[0].keys() == {"id", "parent_id", "kind", "name", "region_code"}
    only = _get(lurah, f"units/?parent_id={root.pk}&kind=kecamatan").json()
    assert len(only) == kecamatan
    assert {unit["kind"] for unit in only} == {"kecamatan"}

    tree = _get(lurah, "units/tree/").json()
    assert [(node["id"], node["name"], node["parent_id"]) for node in tree] == [(root.pk, "Kota Bandung", None)]

    def count(nodes: list[dict[str, Any]]) -> int:
        return sum(1 + count(node["children"]) for node in nodes)

    assert count(tree) == total


def test_an_admin_adds_and_renames_units_and_positions(bandung: Government, admin: User) -> None:
    created = _post(admin, "units/", {"name": "Badan Riset Daerah", "kind": "agency"})
    assert created.status_code == 201
    unit = created.json()
    assert {k: unit[k] for k in ("kind", "name", "region_code")} == {
        "kind": "agency",
        "name": "Badan Riset Daerah",
        "region_code": "",
    }
    renamed = _patch(admin, f"units/{unit['id']}/", {"name": "BRIDA Kota Bandung"})
    assert (renamed.status_code, renamed.json()["name"]) == (200, "BRIDA Kota Bandung")

    position = _post(admin, "positions/", {"unit_id": unit["id"], "kind": "kepala_dinas", "title": "Kepala BRIDA"})
    assert position.status_code == 201
    assert {k: position.json()[k] for k in ("unit_id", "unit_name", "kind", "title")} == {
        "unit_id": unit["id"],
        "unit_name": "BRIDA Kota Bandung",
        "kind": "kepala_dinas",
        "title": "Kepala BRIDA",
    }
    retitled = _patch(admin, f"positions/{position.json()['id']}/", {"title": "Kepala Badan Riset"})
    assert retitled.json()["title"] == "Kepala Badan Riset"
    listed = _get(admin, f"positions/?unit_id={unit['id']}").json()
    assert [(p["id"], p["title"]) for p in listed] == [(position.json()["id"], "Kepala Badan Riset")]
    with government_context(bandung):
        assert list(OrganizationEvent.objects.order_by("id").values_list("action", "actor_id")) == [
            ("unit.create", admin.pk),
            ("unit.rename", admin.pk),
            ("position.create", admin.pk),
            ("position.rename", admin.pk),
        ]


def test_refusals_use_the_api_error_body(bandung: Government, admin: User) -> None:
    before = _counts(bandung)
    invalid = _post(admin, "units/", {"name": "Kecamatan Baru", "kind": "kecamatan"})
    assert invalid.status_code == 400
    assert invalid.json()["error"]["code"] == "invalid"
    assert list(invalid.json()["error"]["fields"]) == ["kind"]
    assert invalid.json()["error"]["fields"]["kind"][0]["code"] == "invalid_kind"
    assert invalid.json()["error"]["message"].startswith("Jenis unit yang dapat ditambahkan")

    missing = _patch(admin, "units/999999999/", {"name": "X"})
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {
            "code": "not_found",
            "message": "Unit 999999999 tidak ada di pemerintah daerah ini. (No such unit here.)",
        }
    }
    malformed = _post(admin, "positions/", {"unit_id": "satu"})
    assert malformed.status_code == 400
    assert set(malformed.json()["error"]["fields"]) == {"unit_id", "kind", "title"}
    assert _counts(bandung) == before


# --- who may: 403s change nothing ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "reason", "message"),
    [
        ("lurah", "position_not_allowed", None),
        ("pimpinan", "read_only", READ_ONLY_MESSAGE),
    ],
)
def test_other_officials_are_refused_every_change_and_nothing_happens(
    bandung: Government, admin: User, kind: str, reason: str, message: str | None
) -> None:
    if kind == "pimpinan":
        with government_context(bandung):
            root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
            Position.objects.create(unit=root, kind=PositionKind.PIMPINAN, title="Sekretaris Daerah")
    official = _official(bandung, kind=kind)
    with government_context(bandung):
        held = Membership.objects.get(user_id=admin.pk)
        root_id = Unit.objects.get(kind=UnitKind.GOVERNMENT).pk
    position = _lurah_position(bandung)
    before = _counts(bandung)
    attempts = {
        Action.ORGANIZATION_EDIT: [
            _post(official, "units/", {"name": "Dinas Bayangan", "kind": "agency"}),
            _patch(official, f"units/{root_id}/", {"name": "Kota Lain"}),
        ],
        Action.MEMBERSHIP_EDIT: [
            _post(official, f"memberships/{held.pk}/end/", {"ends_on": str(today_in(government=bandung))}),
            _post(official, f"memberships/{held.pk}/acting/", {"is_acting": True}),
        ],
        Action.MEMBERSHIP_INVITE: [
            _post(
                official,
                "invitations/",
                {"email": "x@example.id", "position_id": position.pk, "starts_on": str(today_in(government=bandung))},
            )
        ],
    }
    for action, responses in attempts.items():
        for response in responses:
            assert response.status_code == 403
            assert response.json() == {"error": {"code": reason, "message": message or ROLE_MESSAGES[action]}}
    rules = signed_in_client(official).post(
        "/api/v1/routing/rules/", {"rules": [{"name": "semua"}]}, content_type="application/json", HTTP_HOST=BANDUNG
    )
    assert rules.status_code == 403
    assert rules.json()["error"] == {"code": reason, "message": message or ROLE_MESSAGES[Action.RULES_EDIT]}
    assert _counts(bandung) == before
    with government_context(bandung):
        assert Membership.objects.get(pk=held.pk).ends_on is None
        assert Membership.objects.get(pk=held.pk).is_acting is False
    assert mail.outbox == []


def test_an_admin_of_jakarta_changes_nothing_in_bandung_and_the_public_host_has_no_organisation(
    bandung: Government, jakarta: Government, admin: User
) -> None:
    jakarta_admin = _official(jakarta, email="admin@jakarta.go.id")
    with government_context(bandung):
        held = Membership.objects.get(user_id=admin.pk)
    position = _lurah_position(bandung)
    invite = {"email": "x@example.id", "position_id": position.pk, "starts_on": str(today_in(government=bandung))}
    before = {"bandung": _counts(bandung), "jakarta": _counts(jakarta)}

    refused = [
        _get(jakarta_admin, "units/"),
        _get(jakarta_admin, "invitations/"),
        _post(jakarta_admin, "invitations/", invite),
        _post(jakarta_admin, f"memberships/{held.pk}/end/", {"ends_on": str(today_in(government=bandung))}),
        _post(jakarta_admin, "units/", {"name": "Dinas Titipan", "kind": "agency"}),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    assert {r.json()["error"]["code"] for r in refused} == {"not_official"}
    for path in ("units/", "units/tree/", "positions/", "memberships/", "invitations/"):
        assert _get(admin, path, host=PUBLIC).status_code == 404, path
    assert _get(None, "units/").status_code == 403
    assert {"bandung": _counts(bandung), "jakarta": _counts(jakarta)} == before
    with government_context(bandung):
        assert Membership.objects.get(pk=held.pk).ends_on is None
    assert mail.outbox == []


# --- memberships ---------------------------------------------------------------------------------


def test_memberships_are_listed_with_their_holders_in_a_fixed_number_of_queries(
    bandung: Government, admin: User
) -> None:
    client = signed_in_client(admin)

    def listing() -> tuple[int, Any]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/organization/memberships/?active=true", HTTP_HOST=BANDUNG)
        assert response.status_code == 200
        return len(queries), response.json()

    listing()  # warm the session and the host cache
    one_row, _ = listing()
    for number in range(5):
        _official(bandung, kind="lurah", email=f"lurah{number}@bandung.go.id")
    six_rows, rows = listing()
    # The holders' accounts come in one query, not one per row.
    assert six_rows == one_row
    assert len(rows) == 6
    assert {row["email"] for row in rows} == {"admin@bandung.go.id"} | {f"lurah{n}@bandung.go.id" for n in range(5)}
    assert rows[0].keys() == {
        "id",
        "position_id",
        "position_title",
        "unit_id",
        "unit_name",
        "user_id",
        "email",
        "full_name",
        "starts_on",
        "ends_on",
        "is_acting",
    }


def test_an_admin_ends_a_membership_and_marks_another_plt(bandung: Government, admin: User) -> None:
    lurah = _official(bandung, kind="lurah", email="lurah@bandung.go.id")
    with government_context(bandung):
        held = Membership.objects.get(user_id=lurah.pk)
    today = str(today_in(government=bandung))
    acting = _post(admin, f"memberships/{held.pk}/acting/", {"is_acting": True})
    assert (acting.status_code, acting.json()["is_acting"], acting.json()["email"]) == (
        200,
        True,
        "lurah@bandung.go.id",
    )
    ended = _post(admin, f"memberships/{held.pk}/end/", {"ends_on": today})
    assert (ended.status_code, ended.json()["ends_on"]) == (200, today)
    too_early = _post(admin, f"memberships/{held.pk}/end/", {"ends_on": "2020-01-01"})
    assert too_early.status_code == 400
    assert too_early.json()["error"]["fields"]["ends_on"][0]["code"] == "before_start"
    # The lurah's seat ends today: from tomorrow the inbox is closed to them, today it is not.
    assert signed_in_client(lurah).get("/api/v1/inbox/", HTTP_HOST=BANDUNG).status_code == 200


# --- invitations ---------------------------------------------------------------------------------


def test_invitations_are_created_listed_resent_and_revoked(
    bandung: Government, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    position = _lurah_position(bandung)
    today = str(today_in(government=bandung))
    with django_capture_on_commit_callbacks(execute=True):
        created = _post(
            admin, "invitations/", {"email": "calon@example.id", "position_id": position.pk, "starts_on": today}
        )
    assert created.status_code == 201
    invitation = created.json()
    assert "token" not in json.dumps(invitation)
    assert {k: invitation[k] for k in ("email", "position_id", "state", "send_count", "is_acting", "ends_on")} == {
        "email": "calon@example.id",
        "position_id": position.pk,
        "state": "pending",
        "send_count": 1,
        "is_acting": False,
        "ends_on": None,
    }
    [message] = mail.outbox
    first_token = LINK.search(message.body)
    assert first_token is not None

    duplicate = _post(
        admin, "invitations/", {"email": "CALON@example.id", "position_id": position.pk, "starts_on": today}
    )
    assert duplicate.status_code == 400
    assert duplicate.json()["error"]["fields"]["email"][0]["code"] == "already_invited"

    with django_capture_on_commit_callbacks(execute=True):
        resent = _post(admin, f"invitations/{invitation['id']}/resend/")
    assert (resent.status_code, resent.json()["send_count"]) == (200, 2)
    assert len(mail.outbox) == 2
    second_token = LINK.search(mail.outbox[1].body)
    assert second_token is not None
    assert second_token.group(1) != first_token.group(1)

    assert [i["id"] for i in _get(admin, "invitations/?state=pending").json()] == [invitation["id"]]
    revoked = _post(admin, f"invitations/{invitation['id']}/revoke/")
    assert (revoked.status_code, revoked.json()["state"]) == (200, "revoked")
    assert _get(admin, "invitations/?state=pending").json() == []
    assert [i["state"] for i in _get(admin, "invitations/").json()] == ["revoked"]
    again = _post(admin, f"invitations/{invitation['id']}/resend/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invitation_revoked"
    assert _get(admin, "invitations/?state=kapan").status_code == 400


def test_too_many_invitations_answer_429_with_retry_after(
    bandung: Government, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(invitations, "INVITATIONS_PER_HOUR", Limit(amount=1, seconds=3600))
    position = _lurah_position(bandung)
    today = str(today_in(government=bandung))
    assert (
        _post(
            admin, "invitations/", {"email": "a@example.id", "position_id": position.pk, "starts_on": today}
        ).status_code
        == 201
    )
    limited = _post(admin, "invitations/", {"email": "b@example.id", "position_id": position.pk, "starts_on": today})
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited["Retry-After"]) == limited.json()["error"]["retry_after"]
    with government_context(bandung):
        assert list(Invitation.objects.values_list("email", flat=True)) == ["a@example.id"]


def test_a_camat_acts_only_inside_the_kecamatan(bandung: Government) -> None:
    """The policy with a unit, as report actions use it (api/v1/government/reports.py keeps its own gate)."""
    camat = _official(bandung, kind="camat")
    with government_context(bandung):
        seat_unit = Membership.objects.get(user_id=camat.pk).position.unit
        inside = Unit.objects.filter(parent=seat_unit).first()
        outside = Unit.objects.filter(kind=UnitKind.KELURAHAN).exclude(parent=seat_unit).first()
        assert inside is not None
        assert outside is not None
    assert policy_decide(actor=camat, government=bandung, action=Action.REPORT_ACT, unit_id=inside.pk).allowed
    refused = policy_decide(actor=camat, government=bandung, action=Action.REPORT_ACT, unit_id=outside.pk)
    assert (refused.reason, refused.message) == ("outside_unit", OUTSIDE_UNIT_MESSAGE)


def test_the_openapi_schema_documents_the_organisation_endpoints(db: None) -> None:
    response = signed_in_client(verified_user("pembaca@example.id")).get(
        "/api/v1/schema/?format=json", HTTP_HOST=PUBLIC
    )
    assert response.status_code == 200
    paths = set(json.loads(response.content)["paths"])
    assert {
        "/api/v1/organization/units/",
        "/api/v1/organization/units/tree/",
        "/api/v1/organization/units/{unit_id}/",
        "/api/v1/organization/positions/",
        "/api/v1/organization/positions/{position_id}/",
        "/api/v1/organization/memberships/",
        "/api/v1/organization/memberships/{membership_id}/end/",
        "/api/v1/organization/memberships/{membership_id}/acting/",
        "/api/v1/organization/invitations/",
        "/api/v1/organization/invitations/{invitation_id}/resend/",
        "/api/v1/organization/invitations/{invitation_id}/revoke/",
    } <= paths
