"""Deciding for a person: the seats they hold today, their TOTP, the reach of each grant, the
premium lock; and the DRF permission built on it. API keys are passed on to `keys`."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from tenants.context import current_schema, government_context
from tenants.models import Government
from warga.access.facts import identity_viewer_kind, premium_refusal, seats_held, unit_ancestor_ids
from warga.access.officials import user_has_totp
from warga.access.policy.decision import ALLOWED, ActionForbidden, Decision, denied
from warga.access.policy.grants import GRANTS, PREMIUM_ACTIONS, Action, Reach
from warga.access.policy.keys import api_key_of, policy_key_decide
from warga.access.policy.messages import (
    OFFICIAL_MESSAGES,
    OUTSIDE_UNIT_MESSAGE,
    READ_ONLY_MESSAGE,
    ROLE_MESSAGES,
    identity_reveal_message,
)
from warga.seats import PositionKind, Seat
from warga.web.hosts import government_of
from warga.web.mfa import request_mfa_passed

if TYPE_CHECKING:
    from rest_framework.views import APIView


def _actor_id(actor: object) -> uuid.UUID | None:
    """A signed-in account's id from a request's user, or an id given by a service whose
    caller already authenticated it; None for anyone else."""
    if isinstance(actor, uuid.UUID):
        return actor
    user_id = getattr(actor, "pk", None)
    if getattr(actor, "is_authenticated", False) and isinstance(user_id, uuid.UUID):
        return user_id
    return None


def _seat_grants(seats: list[Seat], action: Action) -> list[tuple[Reach, int]]:
    if action == Action.IDENTITY_REVEAL:
        designated = identity_viewer_kind()
        return [(Reach.GOVERNMENT, seat.unit_id) for seat in seats if seat.kind == designated]
    return [(GRANTS[seat.kind][action], seat.unit_id) for seat in seats if action in GRANTS.get(seat.kind, {})]


def _role_refusal(seats: list[Seat], action: Action) -> Decision:
    if action == Action.IDENTITY_REVEAL:
        return denied("position_not_allowed", identity_reveal_message(identity_viewer_kind()))
    if all(seat.kind == PositionKind.PIMPINAN for seat in seats):
        return denied("read_only", READ_ONLY_MESSAGE)
    return denied("position_not_allowed", ROLE_MESSAGES[action])


def _in_schema_of(government: Government) -> AbstractContextManager[object]:
    # Already on the government's schema (its own host): switching again would cost a query.
    return nullcontext() if current_schema() == government.schema_name else government_context(government)


def _official_refusal(seats: list[Seat], *, user_id: uuid.UUID) -> Decision | None:
    if not seats:
        return denied("not_official", OFFICIAL_MESSAGES["not_official"])
    if not user_has_totp(user_id=user_id):
        return denied("mfa_missing", OFFICIAL_MESSAGES["mfa_missing"])
    # The request's own session must have passed TOTP; a task or the shell has no session.
    if request_mfa_passed(user_id) is False:
        return denied("mfa_not_passed", OFFICIAL_MESSAGES["mfa_not_passed"])
    return None


def policy_official(*, actor: object, government: Government | None) -> Decision:
    """Whether `actor` is an official of `government` (a seat held today) with TOTP active,
    whatever the seat: the gate of what every seat may use (the workspace's pages, the
    routing simulator, the calendar). Anything about reports, the organisation or the rules
    asks `policy_decide` for its action instead. Two queries. An API key is no official."""
    if api_key_of(actor) is not None:
        return denied("not_official", OFFICIAL_MESSAGES["not_official"])
    user_id = _actor_id(actor)
    if user_id is None:
        return denied("anonymous", OFFICIAL_MESSAGES["anonymous"])
    if government is None:
        return denied("not_official", OFFICIAL_MESSAGES["not_official"])
    with _in_schema_of(government):
        refusal = _official_refusal(seats_held(government=government, user_id=user_id), user_id=user_id)
    return refusal or ALLOWED


def policy_decide(
    *,
    actor: object,
    government: Government | None,
    action: Action,
    unit_id: int | None = None,
    anywhere: bool = False,
) -> Decision:
    """Whether `actor` may do `action` in `government`.

    `actor` is a request's user or the id of an account already signed in. `government` is
    None on the public host, where nobody acts for a government. The question is asked for
    the unit `unit_id` (for a report: its handling unit), or, without one, for the whole
    government; `anywhere=True` asks instead whether any of the actor's seats allows the
    action for some unit (a first gate before the object is known, which must be followed by
    a decision for the object's unit).

    Reads, in the government's schema: the seats held today (one query), whether TOTP is
    active (one query), and only when a seat's reach is limited, the unit's ancestors (one
    query); `identity.reveal` also reads the privacy settings.

    An API key (a request authenticated by one) is decided by `policy_key_decide` instead.
    """
    key = api_key_of(actor)
    if key is not None:
        return policy_key_decide(key=key, government=government, action=action)
    user_id = _actor_id(actor)
    if user_id is None:
        return denied("anonymous", OFFICIAL_MESSAGES["anonymous"])
    if government is None:
        return denied("not_official", OFFICIAL_MESSAGES["not_official"])
    with _in_schema_of(government):
        seats = seats_held(government=government, user_id=user_id)
        refusal = _official_refusal(seats, user_id=user_id)
        if refusal is not None:
            return refusal
        grants = _seat_grants(seats, action)
        if not grants:
            return _role_refusal(seats, action)
        if action in PREMIUM_ACTIONS:
            locked = premium_refusal(government=government)
            if locked is not None:
                return denied("premium", locked)
        if anywhere or any(reach == Reach.GOVERNMENT for reach, _ in grants):
            return ALLOWED
        if unit_id is None:
            return denied("outside_unit", OUTSIDE_UNIT_MESSAGE)
        if any(reach == Reach.UNIT and seat_unit == unit_id for reach, seat_unit in grants):
            return ALLOWED
        subtree_roots = {seat_unit for reach, seat_unit in grants if reach == Reach.SUBTREE}
        if subtree_roots and subtree_roots.intersection(unit_ancestor_ids(unit_id=unit_id)):
            return ALLOWED
        return denied("outside_unit", OUTSIDE_UNIT_MESSAGE)


def policy_allowed_anywhere(
    *, actor: object, government: Government | None, actions: Collection[Action]
) -> frozenset[Action]:
    """Which of `actions` some seat of `actor` allows in `government` (policy_decide with
    `anywhere=True` for each), with the reads of a single decision (two queries): what a menu
    asks before it shows its links. Each page still decides for itself when opened."""
    user_id = _actor_id(actor)
    if user_id is None or government is None:
        return frozenset()
    with _in_schema_of(government):
        seats = seats_held(government=government, user_id=user_id)
        if _official_refusal(seats, user_id=user_id) is not None:
            return frozenset()
        return frozenset(action for action in actions if _seat_grants(seats, action))


def policy_allows(
    *,
    actor: object,
    government: Government | None,
    action: Action,
    unit_id: int | None = None,
    anywhere: bool = False,
) -> bool:
    return policy_decide(actor=actor, government=government, action=action, unit_id=unit_id, anywhere=anywhere).allowed


def policy_require(
    *,
    actor: object,
    government: Government | None,
    action: Action,
    unit_id: int | None = None,
    anywhere: bool = False,
) -> None:
    """Raise ActionForbidden (reason and message in Bahasa Indonesia) unless allowed."""
    decision = policy_decide(actor=actor, government=government, action=action, unit_id=unit_id, anywhere=anywhere)
    if not decision.allowed:
        raise ActionForbidden(action=action, decision=decision)


def permission_for(action: Action, *, anywhere: bool = False) -> type[BasePermission]:
    """A DRF permission class allowing `action` in the host's government (see policy_decide
    for `anywhere`); a refusal is a 403 whose message says why."""

    class ActionPermission(BasePermission):
        message = ""
        code = ""

        def has_permission(self, request: Request, view: APIView) -> bool:
            decision = policy_decide(
                actor=request.user, government=government_of(request), action=action, anywhere=anywhere
            )
            if not decision.allowed:
                self.message = decision.message
                self.code = decision.reason or ""
            return decision.allowed

    ActionPermission.__name__ = ActionPermission.__qualname__ = f"May_{action.name}"
    return ActionPermission
