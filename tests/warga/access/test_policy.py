"""warga.access.policy: every seat kind against every action, at the government level and at
units inside and outside its reach; and the people who hold no seat here at all."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from tenants.context import government_context
from tenants.models import Government
from tests.personas import membership_in, verified_user, with_totp
from warga.access.officials import MESSAGES
from warga.access.policy import (
    OUTSIDE_UNIT_MESSAGE,
    READ_ONLY_MESSAGE,
    ROLE_MESSAGES,
    Action,
    ActionForbidden,
    identity_reveal_message,
    policy_allows,
    policy_decide,
    policy_require,
)
from warga.accounts.models import User
from warga.organization.models import Membership, Position, PositionKind, Unit, UnitKind
from warga.privacy.models import PrivacySettings

DLH = "Dinas Lingkungan Hidup"
ACTIONS = list(Action)
ADMINISTRATION = {
    Action.ORGANIZATION_EDIT,
    Action.MEMBERSHIP_INVITE,
    Action.MEMBERSHIP_EDIT,
    Action.RULES_EDIT,
    Action.CALENDAR_EDIT,
}
ON_REPORTS = {Action.REPORT_VIEW, Action.REPORT_ACT, Action.INBOX_VIEW}
# Where a question is asked: the whole government, two kecamatan and a kelurahan in each, a dinas.
TARGETS = ("government", "K1", "L1", "K2", "L2", "DLH")


@dataclass(frozen=True)
class Place:
    units: dict[str, int]


def _place(bandung: Government) -> Place:
    with government_context(bandung):
        k1, k2 = Unit.objects.filter(kind=UnitKind.KECAMATAN).order_by("region_code")[:2]
        l1 = Unit.objects.filter(parent=k1).order_by("region_code").first()
        l2 = Unit.objects.filter(parent=k2).order_by("region_code").first()
        dlh = Unit.objects.get(name=DLH)
        assert l1 is not None
        assert l2 is not None
        return Place(units={"K1": k1.pk, "L1": l1.pk, "K2": k2.pk, "L2": l2.pk, "DLH": dlh.pk})


def _seat(government: Government, user: User, *, kind: str, unit_id: int, **dates: Any) -> None:
    with government_context(government):
        position = Position.objects.filter(unit_id=unit_id, kind=kind).first() or Position.objects.create(
            unit_id=unit_id, kind=kind, title=f"{kind} (uji)"
        )
        Membership.objects.create(
            position=position,
            user_id=user.pk,
            starts_on=dates.get("starts_on", datetime.date(2026, 1, 1)),
            ends_on=dates.get("ends_on"),
        )


def _root(government: Government) -> int:
    with government_context(government):
        return Unit.objects.get(kind=UnitKind.GOVERNMENT).pk


def _official(government: Government, kind: str, unit_id: int, email: str) -> User:
    user = with_totp(verified_user(email))
    _seat(government, user, kind=kind, unit_id=unit_id)
    return user


def _row(actor: Any, government: Government | None, place: Place) -> dict[tuple[str, str], str]:
    """Every action at every target: "ok" or the reason of the refusal."""
    row = {}
    for action in ACTIONS:
        for target in TARGETS:
            unit_id = None if target == "government" else place.units[target]
            decision = policy_decide(actor=actor, government=government, action=action, unit_id=unit_id)
            row[(action.value, target)] = "ok" if decision.allowed else str(decision.reason)
    return row


def _expected(rule: Any) -> dict[tuple[str, str], str]:
    return {(action.value, target): rule(action, target) for action in ACTIONS for target in TARGETS}


def _government_wide(allowed: set[Action], refusal: str) -> Any:
    return lambda action, target: "ok" if action in allowed else refusal


def _head_row(action: Action, target: str) -> str:
    if action in ON_REPORTS or action in {Action.ORGANIZATION_VIEW, Action.NATIONAL_EXPORT, Action.INBOX_EXPORT}:
        return "ok"
    return "position_not_allowed"


def _pimpinan_row(action: Action, target: str) -> str:
    if action in {Action.REPORT_VIEW, Action.INBOX_VIEW, Action.ORGANIZATION_VIEW, Action.NATIONAL_EXPORT}:
        return "ok"
    if action == Action.IDENTITY_REVEAL:
        return "position_not_allowed"
    return "read_only"


def _unit_row(reach: set[str], *, exports: bool = True) -> Any:
    """A seat whose report rights reach the targets in `reach` only; heads of units (not field
    officers) may also download the inbox's list."""

    def rule(action: Action, target: str) -> str:
        if action == Action.ORGANIZATION_VIEW:
            return "ok"
        if action in ON_REPORTS or (exports and action == Action.INBOX_EXPORT):
            return "ok" if target in reach else "outside_unit"
        return "position_not_allowed"

    return rule


EXPECTED_FOR_SEATS = {
    # kind, where the seat is -> what it may do where
    "walikota": (PositionKind.WALIKOTA, "root", _head_row),
    # Everything but filing reports through the API, which only API keys are asked.
    "admin_koordinator": (
        PositionKind.ADMIN_KOORDINATOR,
        "root",
        lambda action, target: "position_not_allowed" if action == Action.REPORT_SUBMIT else "ok",
    ),
    "pimpinan": (PositionKind.PIMPINAN, "root", _pimpinan_row),
    "camat": (PositionKind.CAMAT, "K1", _unit_row({"K1", "L1"})),
    "lurah": (PositionKind.LURAH, "L1", _unit_row({"L1"})),
    "kepala_dinas": (PositionKind.KEPALA_DINAS, "DLH", _unit_row({"DLH"})),
    "admin_penghubung": (PositionKind.ADMIN_PENGHUBUNG, "K2", _unit_row({"K2", "L2"})),
    # A field officer of the kecamatan acts on what is assigned to the kecamatan itself, not
    # on its kelurahan (the camat does).
    "petugas_lapangan": (PositionKind.PETUGAS_LAPANGAN, "K1", _unit_row({"K1"}, exports=False)),
}


@pytest.mark.parametrize("persona", list(EXPECTED_FOR_SEATS))
def test_every_seat_kind_against_every_action_and_unit(bandung: Government, persona: str) -> None:
    place = _place(bandung)
    kind, where, rule = EXPECTED_FOR_SEATS[persona]
    unit_id = _root(bandung) if where == "root" else place.units[where]
    official = _official(bandung, kind, unit_id, f"{persona}@bandung.go.id")

    assert _row(official, bandung, place) == _expected(rule)


@pytest.mark.parametrize(
    ("persona", "reason"),
    [
        ("anonymous", "anonymous"),
        ("citizen", "not_official"),
        ("superuser_with_totp", "not_official"),
        ("staff_with_totp", "not_official"),
        ("admin_of_jakarta", "not_official"),
        ("former_admin", "not_official"),
        ("future_admin", "not_official"),
        ("admin_without_totp", "mfa_missing"),
    ],
)
def test_nobody_without_a_seat_held_today_here_and_totp_gets_anything(
    bandung: Government, jakarta: Government, persona: str, reason: str
) -> None:
    place = _place(bandung)
    root = _root(bandung)
    people: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "citizen": verified_user("warga@example.id"),
        "superuser_with_totp": with_totp(User.objects.create_superuser("operator@example.id", "x" * 12)),
        "staff_with_totp": with_totp(verified_user("staf@example.id", is_staff=True)),
        "admin_of_jakarta": with_totp(verified_user("admin@jakarta.go.id")),
        "former_admin": with_totp(verified_user("mantan@bandung.go.id")),
        "future_admin": with_totp(verified_user("calon@bandung.go.id")),
        "admin_without_totp": verified_user("tanpa-totp@bandung.go.id"),
    }
    membership_in(jakarta, people["admin_of_jakarta"])
    _seat(
        bandung,
        people["former_admin"],
        kind=PositionKind.ADMIN_KOORDINATOR,
        unit_id=root,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2021, 1, 1),
    )
    _seat(
        bandung,
        people["future_admin"],
        kind=PositionKind.ADMIN_KOORDINATOR,
        unit_id=root,
        starts_on=datetime.date(2999, 1, 1),
    )
    _seat(bandung, people["admin_without_totp"], kind=PositionKind.ADMIN_KOORDINATOR, unit_id=root)

    assert _row(people[persona], bandung, place) == _expected(lambda action, target: reason)


def test_the_public_host_is_no_government_and_a_jakarta_admin_is_nobody_in_bandung(
    bandung: Government, jakarta: Government
) -> None:
    admin = with_totp(verified_user("admin@jakarta.go.id"))
    membership_in(jakarta, admin)
    assert policy_allows(actor=admin, government=jakarta, action=Action.MEMBERSHIP_INVITE) is True
    assert policy_decide(actor=admin, government=None, action=Action.MEMBERSHIP_INVITE).reason == "not_official"
    with government_context(jakarta):
        # Being in Jakarta's schema does not carry Jakarta's seats into a question about Bandung.
        decision = policy_decide(actor=admin, government=bandung, action=Action.RULES_EDIT)
    assert (decision.allowed, decision.reason, decision.message) == (False, "not_official", MESSAGES["not_official"])


def test_an_account_id_from_a_service_is_judged_like_the_signed_in_user(bandung: Government) -> None:
    admin = with_totp(verified_user("admin@bandung.go.id"))
    membership_in(bandung, admin)
    lurah = with_totp(verified_user("lurah@bandung.go.id"))
    membership_in(bandung, lurah, kind=PositionKind.LURAH)
    assert policy_allows(actor=admin.pk, government=bandung, action=Action.RULES_EDIT) is True
    assert policy_decide(actor=lurah.pk, government=bandung, action=Action.RULES_EDIT).reason == "position_not_allowed"


def test_anywhere_asks_whether_some_unit_is_in_reach(bandung: Government) -> None:
    place = _place(bandung)
    lurah = _official(bandung, PositionKind.LURAH, place.units["L1"], "lurah@bandung.go.id")
    pimpinan = _official(bandung, PositionKind.PIMPINAN, _root(bandung), "pimpinan@bandung.go.id")
    assert policy_allows(actor=lurah, government=bandung, action=Action.REPORT_ACT) is False
    assert policy_allows(actor=lurah, government=bandung, action=Action.REPORT_ACT, anywhere=True) is True
    assert policy_allows(actor=lurah, government=bandung, action=Action.RULES_EDIT, anywhere=True) is False
    assert policy_allows(actor=pimpinan, government=bandung, action=Action.REPORT_ACT, anywhere=True) is False


def test_an_unknown_unit_is_outside_everyones_reach_but_the_government_wide(bandung: Government) -> None:
    place = _place(bandung)
    camat = _official(bandung, PositionKind.CAMAT, place.units["K1"], "camat@bandung.go.id")
    head = _official(bandung, PositionKind.WALIKOTA, _root(bandung), "walikota@bandung.go.id")
    assert policy_decide(actor=camat, government=bandung, action=Action.REPORT_ACT, unit_id=10**9).reason == (
        "outside_unit"
    )
    assert policy_allows(actor=head, government=bandung, action=Action.REPORT_ACT, unit_id=10**9) is True


def test_the_designated_identity_role_is_the_governments_setting(bandung: Government) -> None:
    place = _place(bandung)
    admin = _official(bandung, PositionKind.ADMIN_KOORDINATOR, _root(bandung), "admin@bandung.go.id")
    lurah = _official(bandung, PositionKind.LURAH, place.units["L1"], "lurah@bandung.go.id")
    assert policy_allows(actor=admin, government=bandung, action=Action.IDENTITY_REVEAL) is True
    assert policy_allows(actor=lurah, government=bandung, action=Action.IDENTITY_REVEAL) is False

    with government_context(bandung):
        PrivacySettings.objects.update_or_create(singleton=True, defaults={"identity_viewer_kind": PositionKind.LURAH})

    assert policy_allows(actor=lurah, government=bandung, action=Action.IDENTITY_REVEAL) is True
    refused = policy_decide(actor=admin, government=bandung, action=Action.IDENTITY_REVEAL)
    assert (refused.reason, refused.message) == ("position_not_allowed", identity_reveal_message(PositionKind.LURAH))
    assert refused.message == (
        "Hanya Lurah yang boleh melihat identitas pelapor laporan rahasia. "
        "(Only the Lurah may see who sent a confidential report.)"
    )


def test_require_raises_one_exception_carrying_the_reason_and_the_message(bandung: Government) -> None:
    place = _place(bandung)
    pimpinan = _official(bandung, PositionKind.PIMPINAN, _root(bandung), "pimpinan@bandung.go.id")
    lurah = _official(bandung, PositionKind.LURAH, place.units["L1"], "lurah@bandung.go.id")
    cases = [
        (pimpinan, Action.REPORT_ACT, None, "read_only", READ_ONLY_MESSAGE),
        (lurah, Action.MEMBERSHIP_INVITE, None, "position_not_allowed", ROLE_MESSAGES[Action.MEMBERSHIP_INVITE]),
        (lurah, Action.REPORT_ACT, place.units["L2"], "outside_unit", OUTSIDE_UNIT_MESSAGE),
    ]
    for actor, action, unit_id, reason, message in cases:
        with pytest.raises(ActionForbidden) as refused:
            policy_require(actor=actor, government=bandung, action=action, unit_id=unit_id)
        assert (refused.value.action, refused.value.reason, refused.value.message) == (action, reason, message)
    policy_require(actor=lurah, government=bandung, action=Action.REPORT_ACT, unit_id=place.units["L1"])


def test_a_decision_costs_at_most_three_queries(bandung: Government, django_assert_num_queries: Any) -> None:
    place = _place(bandung)
    camat = _official(bandung, PositionKind.CAMAT, place.units["K1"], "camat@bandung.go.id")
    admin = _official(bandung, PositionKind.ADMIN_KOORDINATOR, _root(bandung), "admin@bandung.go.id")
    # Seats, TOTP, and the unit's ancestors only when the seat's reach is limited. Measured on
    # the government's own schema, as on its host (from elsewhere, one SET search_path more).
    with government_context(bandung):
        assert Unit.objects.exists()  # the schema switch itself happens here
        with django_assert_num_queries(3):
            assert policy_allows(actor=camat, government=bandung, action=Action.REPORT_ACT, unit_id=place.units["L1"])
        with django_assert_num_queries(2):
            assert policy_allows(actor=admin, government=bandung, action=Action.REPORT_ACT, unit_id=place.units["L1"])
