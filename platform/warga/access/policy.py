"""Who may do what in a government: the one place that answers it.

Every check of a role goes through `policy_decide` (or `policy_require`, or the DRF
permission from `permission_for`). The answer depends only on:

- the seats the person holds *today* in that government's own schema and time zone
  (`warga.organization.selectors.seats_held`); seats in another government count for nothing
  there, and `is_staff`/`is_superuser` count for nothing anywhere;
- an activated TOTP authenticator, and, while a request is served, a session in which its code
  was typed (`warga.access.mfa`): an official does nothing in a government without both, on
  any host, however the session was opened (the operator admin's sign-in included);
- the table `GRANTS` below: for each seat kind, which actions it allows and how far its reach
  goes: the whole government, its unit's subtree, or its own unit only;
- for `identity.reveal`, the one seat kind the government designated
  (`PrivacySettings.identity_viewer_kind`), which is data, not code;
- for the premium actions (`PREMIUM_ACTIONS`), the government's billing standing
  (`warga.billing.selectors.premium_refusal`): a seat that allows one is refused with the
  reason `premium` while the subscription does not cover it. This is the one place the
  premium lock is decided, so every page and the API show the same message.

The matrix is summarised in docs/architecture.md ("Who may do what").
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Collection
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from tenants.context import current_schema, government_context
from tenants.models import Government, Level
from warga.access.hosts import government_of
from warga.access.mfa import request_mfa_passed
from warga.access.models import ApiKey, ApiScope
from warga.access.officials import MESSAGES as OFFICIAL_MESSAGES
from warga.access.officials import user_has_totp
from warga.billing.selectors import premium_refusal
from warga.errors import Forbidden
from warga.organization.models import PositionKind
from warga.organization.selectors import Seat, seats_held, unit_ancestor_ids
from warga.privacy.selectors import privacy_settings_current

if TYPE_CHECKING:
    from rest_framework.views import APIView


class Action(enum.StrEnum):
    REPORT_VIEW = "report.view"
    # Verify (disposisi), defer, assign, resolve, transfer ("bukan wewenang"), merge.
    REPORT_ACT = "report.act"
    INBOX_VIEW = "inbox.view"
    # A CSV file of the inbox's filtered list: heads of government and of units, admins.
    INBOX_EXPORT = "inbox.export"
    ORGANIZATION_VIEW = "organization.view"
    ORGANIZATION_EDIT = "organization.edit"
    MEMBERSHIP_INVITE = "membership.invite"
    # End a membership, mark it Plt.
    MEMBERSHIP_EDIT = "membership.edit"
    RULES_EDIT = "rules.edit"
    CALENDAR_EDIT = "calendar.edit"
    # The government's own settings: privacy (retention, who may reveal a reporter) and branding.
    SETTINGS_EDIT = "settings.edit"
    # The audit log of reports, routing, the organisation and the calendar, with its export.
    AUDIT_VIEW = "audit.view"
    IDENTITY_REVEAL = "identity.reveal"
    # The national triage desk (on the national government's host): its queue, assigning a
    # report to a government, holding and releasing it.
    TRIAGE_ACT = "triage.act"
    # Taking over (or declining) a report the triage desk offered a newly ready government.
    OFFER_DECIDE = "offer.decide"
    # Downloading every report fact of the oversight scope as CSV (national or province host):
    # the whole government's picture, so for those who see the whole government.
    NATIONAL_EXPORT = "national.export"
    # Seeing and revoking the government's API keys (revoking is never locked).
    API_KEYS_EDIT = "api_keys.edit"
    # The government's outbound webhooks: endpoints, their secrets, deliveries and replays.
    WEBHOOKS_MANAGE = "webhooks.manage"
    # Making a new API key: a premium feature.
    API_KEYS_CREATE = "api_keys.create"
    # The government's branding (display name, colour, logo): a premium feature.
    BRANDING_EDIT = "branding.edit"
    # The government's subscription: plan, checkout, Stripe's customer portal, invoicing details.
    BILLING_MANAGE = "billing.manage"
    # Filing a report for someone else through intake: only API keys are asked this.
    REPORT_SUBMIT = "report.submit"


class Reach(enum.Enum):
    GOVERNMENT = "government"  # everything in the government
    SUBTREE = "subtree"  # the seat's unit and every unit below it
    UNIT = "unit"  # the seat's unit only (the reports assigned to it)


_HEADS_OF_GOVERNMENT = (
    PositionKind.GUBERNUR,
    PositionKind.BUPATI,
    PositionKind.WALIKOTA,
    PositionKind.PENGAWAS_NASIONAL,
)
_HEADS_OF_UNIT = (
    PositionKind.WALIKOTA_ADMINISTRASI,
    PositionKind.CAMAT,
    PositionKind.LURAH,
    PositionKind.KEPALA_DESA,
    PositionKind.KEPALA_DINAS,
    PositionKind.ADMIN_PENGHUBUNG,
)
_ADMINISTRATION = (
    Action.API_KEYS_EDIT,
    Action.WEBHOOKS_MANAGE,
    Action.API_KEYS_CREATE,
    Action.BRANDING_EDIT,
    Action.BILLING_MANAGE,
    Action.ORGANIZATION_EDIT,
    Action.MEMBERSHIP_INVITE,
    Action.MEMBERSHIP_EDIT,
    Action.RULES_EDIT,
    Action.CALENDAR_EDIT,
    Action.SETTINGS_EDIT,
    Action.AUDIT_VIEW,
)


def _grants(reach: Reach, *actions: Action) -> dict[Action, Reach]:
    return dict.fromkeys(actions, reach)


GRANTS: dict[str, dict[Action, Reach]] = {
    **{
        kind: _grants(Reach.GOVERNMENT, Action.REPORT_VIEW, Action.REPORT_ACT, Action.INBOX_VIEW, Action.INBOX_EXPORT)
        | _grants(Reach.GOVERNMENT, Action.ORGANIZATION_VIEW, Action.NATIONAL_EXPORT)
        for kind in _HEADS_OF_GOVERNMENT
    },
    PositionKind.ADMIN_KOORDINATOR: _grants(
        Reach.GOVERNMENT,
        Action.REPORT_VIEW,
        Action.REPORT_ACT,
        Action.INBOX_VIEW,
        Action.INBOX_EXPORT,
        Action.ORGANIZATION_VIEW,
        Action.TRIAGE_ACT,
        Action.OFFER_DECIDE,
        Action.NATIONAL_EXPORT,
        *_ADMINISTRATION,
    ),
    # Leadership reads everything and acts on nothing.
    PositionKind.PIMPINAN: _grants(
        Reach.GOVERNMENT, Action.REPORT_VIEW, Action.INBOX_VIEW, Action.ORGANIZATION_VIEW, Action.NATIONAL_EXPORT
    ),
    **{
        kind: _grants(Reach.SUBTREE, Action.REPORT_VIEW, Action.REPORT_ACT, Action.INBOX_VIEW, Action.INBOX_EXPORT)
        | _grants(Reach.GOVERNMENT, Action.ORGANIZATION_VIEW)
        for kind in _HEADS_OF_UNIT
    },
    PositionKind.PETUGAS_LAPANGAN: _grants(Reach.UNIT, Action.REPORT_VIEW, Action.REPORT_ACT, Action.INBOX_VIEW)
    | _grants(Reach.GOVERNMENT, Action.ORGANIZATION_VIEW),
}
# The national overseers work the triage desk (the view answers on the national host only).
GRANTS[PositionKind.PENGAWAS_NASIONAL] = GRANTS[PositionKind.PENGAWAS_NASIONAL] | _grants(
    Reach.GOVERNMENT, Action.TRIAGE_ACT
)

Reason = Literal[
    "premium",
    "anonymous",
    "not_official",
    "mfa_missing",
    "mfa_not_passed",
    "position_not_allowed",
    "read_only",
    "outside_unit",
    "other_government",
    "scope_missing",
    "key_not_accepted",
]

# Premium features: locked when the government's subscription does not cover them (unpaid
# after the grace period, canceled, a trial ended, a basic plan).
# Citizen intake, officials' work on reports, notifications, escalations and the national view
# are never here: they work in every billing state. Custom domains join by name when they exist.
DOMAINS_MANAGE = "domains.manage"
PREMIUM_ACTIONS: frozenset[str] = frozenset(
    {
        Action.BRANDING_EDIT,
        Action.INBOX_EXPORT,
        Action.NATIONAL_EXPORT,
        Action.API_KEYS_CREATE,
        Action.WEBHOOKS_MANAGE,
        DOMAINS_MANAGE,
    }
)

# What each API key scope lets a key do, in its own government only and always government-wide.
SCOPE_ACTIONS: dict[str, frozenset[Action]] = {
    ApiScope.REPORTS_READ: frozenset({Action.REPORT_VIEW}),
    ApiScope.REPORTS_SUBMIT: frozenset({Action.REPORT_SUBMIT}),
    # Changing a report's status needs reading the report being changed.
    ApiScope.REPORTS_STATUS: frozenset({Action.REPORT_ACT, Action.REPORT_VIEW}),
}
KEY_OTHER_GOVERNMENT_MESSAGE = (
    "Kunci API ini milik {name} dan hanya berlaku di alamat pemerintah itu. "
    "(This API key belongs to {name} and works on that government's address only.)"
)
KEY_SCOPE_MESSAGE = "Kunci API ini tidak memiliki hak akses {scope}. (This API key lacks the {scope} scope.)"
KEY_NOT_ACCEPTED_MESSAGE = (
    "Layanan ini tidak dapat dipakai dengan kunci API; masuk sebagai pengguna. "
    "(This operation does not accept API keys; sign in instead.)"
)

ROLE_MESSAGES: dict[Action, str] = {
    Action.REPORT_VIEW: "Jabatan Anda tidak dapat melihat laporan di sini. (Your position cannot view reports here.)",
    Action.REPORT_ACT: ("Jabatan Anda tidak dapat menindaklanjuti laporan. (Your position cannot act on reports.)"),
    Action.INBOX_VIEW: "Jabatan Anda tidak memiliki kotak masuk laporan. (Your position has no report inbox.)",
    Action.INBOX_EXPORT: (
        "Hanya kepala unit dan admin yang dapat mengunduh daftar laporan. "
        "(Only heads of units and admins can download the report list.)"
    ),
    Action.ORGANIZATION_VIEW: (
        "Jabatan Anda tidak dapat melihat susunan organisasi. (Your position cannot view the organisation.)"
    ),
    Action.ORGANIZATION_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengubah unit dan jabatan. "
        "(Only this government's admin koordinator can change units and positions.)"
    ),
    Action.MEMBERSHIP_INVITE: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengundang petugas. "
        "(Only this government's admin koordinator can invite officials.)"
    ),
    Action.MEMBERSHIP_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengakhiri atau mengubah masa jabatan. "
        "(Only this government's admin koordinator can end or change memberships.)"
    ),
    Action.RULES_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengubah aturan penerusan. "
        "(Only this government's admin koordinator can change the routing rules.)"
    ),
    Action.CALENDAR_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengubah kalender kerja. "
        "(Only this government's admin koordinator can change the working calendar.)"
    ),
    Action.SETTINGS_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengubah pengaturan privasi dan tampilan. "
        "(Only this government's admin koordinator can change its privacy and branding settings.)"
    ),
    Action.AUDIT_VIEW: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat membuka log audit. "
        "(Only this government's admin koordinator can open the audit log.)"
    ),
    Action.TRIAGE_ACT: (
        "Hanya pengawas nasional dan admin koordinator pemerintah pusat yang menangani meja triase. "
        "(Only national overseers and the national admin koordinator work the triage desk.)"
    ),
    Action.NATIONAL_EXPORT: (
        "Hanya pimpinan pemerintah, pengawas nasional dan admin koordinator yang dapat mengunduh seluruh data laporan. "
        "(Only the government's leadership, national overseers and the admin koordinator can download all report data.)"
    ),
    Action.OFFER_DECIDE: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat menerima atau menolak tawaran meja triase. "
        "(Only this government's admin koordinator can accept or decline the triage desk's offers.)"
    ),
    Action.API_KEYS_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat membuat atau mencabut kunci API. "
        "(Only this government's admin koordinator can create or revoke API keys.)"
    ),
    Action.WEBHOOKS_MANAGE: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengelola webhook. "
        "(Only this government's admin koordinator can manage webhooks.)"
    ),
    Action.API_KEYS_CREATE: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat membuat atau mencabut kunci API. "
        "(Only this government's admin koordinator can create or revoke API keys.)"
    ),
    Action.BRANDING_EDIT: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengubah pengaturan privasi dan tampilan. "
        "(Only this government's admin koordinator can change its privacy and branding settings.)"
    ),
    Action.BILLING_MANAGE: (
        "Hanya admin koordinator pemerintah daerah ini yang dapat mengatur langganan dan tagihan. "
        "(Only this government's admin koordinator can manage the subscription and billing.)"
    ),
    Action.REPORT_SUBMIT: "Jabatan Anda tidak mengirim laporan lewat API. (Your position does not file reports.)",
}
READ_ONLY_MESSAGE = (
    "Jabatan pimpinan hanya dapat melihat, tidak menindaklanjuti atau mengubah. (Leadership positions are read-only.)"
)
OUTSIDE_UNIT_MESSAGE = "Tindakan ini di luar wilayah tugas unit Anda. (This is outside your unit's responsibility.)"


def identity_reveal_message(designated_kind: str) -> str:
    label = PositionKind(designated_kind).label
    return (
        f"Hanya {label} yang boleh melihat identitas pelapor laporan rahasia. "
        f"(Only the {label} may see who sent a confidential report.)"
    )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: Reason | None = None
    message: str = ""


ALLOWED = Decision(allowed=True)


class ActionForbidden(Forbidden, PermissionDenied):
    """The one refusal of the policy: 403 with the reason as its code and its message."""

    def __init__(self, *, action: Action, decision: Decision) -> None:
        assert decision.reason is not None
        self.action = action
        self.reason: Reason = decision.reason
        super().__init__(decision.message, code=str(decision.reason))


def _actor_id(actor: object) -> uuid.UUID | None:
    """A signed-in account's id from a request's user, or an id given by a service whose
    caller already authenticated it; None for anyone else."""
    if isinstance(actor, uuid.UUID):
        return actor
    user_id = getattr(actor, "pk", None)
    if getattr(actor, "is_authenticated", False) and isinstance(user_id, uuid.UUID):
        return user_id
    return None


def _denied(reason: Reason, message: str) -> Decision:
    return Decision(allowed=False, reason=reason, message=message)


def api_key_of(actor: object) -> ApiKey | None:
    """The API key a request's user acts through (set by the API's key authentication on the
    key's service account), else None."""
    key = getattr(actor, "acting_api_key", None)
    return key if isinstance(key, ApiKey) else None


def policy_key_host(*, key: ApiKey, government: Government | None) -> Decision:
    """Whether `key` may be used on this host at all: its own government's host, and for the
    national government's keys also the public host (the national intake). No query."""
    own = key.government.level == Level.NATIONAL if government is None else government.pk == key.government_id
    if own:
        return ALLOWED
    return _denied("other_government", KEY_OTHER_GOVERNMENT_MESSAGE.format(name=key.government.name))


def policy_key_decide(*, key: ApiKey, government: Government | None, action: Action | None) -> Decision:
    """Whether `key` may do `action` here: on a host where it works (policy_key_host) and with a
    scope granting the action, government-wide. `action` None is an operation that takes no
    key at all. No query."""
    on_host = policy_key_host(key=key, government=government)
    if not on_host.allowed:
        return on_host
    if action is None:
        return _denied("key_not_accepted", KEY_NOT_ACCEPTED_MESSAGE)
    if any(action in SCOPE_ACTIONS.get(scope, frozenset()) for scope in key.scopes):
        return ALLOWED
    needed = next((scope for scope, actions in SCOPE_ACTIONS.items() if action in actions), None)
    if needed is None:
        return _denied("key_not_accepted", KEY_NOT_ACCEPTED_MESSAGE)
    return _denied("scope_missing", KEY_SCOPE_MESSAGE.format(scope=needed))


def _seat_grants(seats: list[Seat], action: Action) -> list[tuple[Reach, int]]:
    if action == Action.IDENTITY_REVEAL:
        designated = privacy_settings_current().identity_viewer_kind
        return [(Reach.GOVERNMENT, seat.unit_id) for seat in seats if seat.kind == designated]
    return [(GRANTS[seat.kind][action], seat.unit_id) for seat in seats if action in GRANTS.get(seat.kind, {})]


def _role_refusal(seats: list[Seat], action: Action) -> Decision:
    if action == Action.IDENTITY_REVEAL:
        return _denied("position_not_allowed", identity_reveal_message(privacy_settings_current().identity_viewer_kind))
    if all(seat.kind == PositionKind.PIMPINAN for seat in seats):
        return _denied("read_only", READ_ONLY_MESSAGE)
    return _denied("position_not_allowed", ROLE_MESSAGES[action])


def _in_schema_of(government: Government) -> AbstractContextManager[object]:
    # Already on the government's schema (its own host): switching again would cost a query.
    return nullcontext() if current_schema() == government.schema_name else government_context(government)


def _official_refusal(seats: list[Seat], *, user_id: uuid.UUID) -> Decision | None:
    if not seats:
        return _denied("not_official", OFFICIAL_MESSAGES["not_official"])
    if not user_has_totp(user_id=user_id):
        return _denied("mfa_missing", OFFICIAL_MESSAGES["mfa_missing"])
    # The request's own session must have passed TOTP; a task or the shell has no session.
    if request_mfa_passed(user_id) is False:
        return _denied("mfa_not_passed", OFFICIAL_MESSAGES["mfa_not_passed"])
    return None


def policy_official(*, actor: object, government: Government | None) -> Decision:
    """Whether `actor` is an official of `government` (a seat held today) with TOTP active,
    whatever the seat: the gate of what every seat may use (the workspace's pages, the
    routing simulator, the calendar). Anything about reports, the organisation or the rules
    asks `policy_decide` for its action instead. Two queries. An API key is no official."""
    if api_key_of(actor) is not None:
        return _denied("not_official", OFFICIAL_MESSAGES["not_official"])
    user_id = _actor_id(actor)
    if user_id is None:
        return _denied("anonymous", OFFICIAL_MESSAGES["anonymous"])
    if government is None:
        return _denied("not_official", OFFICIAL_MESSAGES["not_official"])
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
        return _denied("anonymous", OFFICIAL_MESSAGES["anonymous"])
    if government is None:
        return _denied("not_official", OFFICIAL_MESSAGES["not_official"])
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
                return _denied("premium", locked)
        if anywhere or any(reach == Reach.GOVERNMENT for reach, _ in grants):
            return ALLOWED
        if unit_id is None:
            return _denied("outside_unit", OUTSIDE_UNIT_MESSAGE)
        if any(reach == Reach.UNIT and seat_unit == unit_id for reach, seat_unit in grants):
            return ALLOWED
        subtree_roots = {seat_unit for reach, seat_unit in grants if reach == Reach.SUBTREE}
        if subtree_roots and subtree_roots.intersection(unit_ancestor_ids(unit_id=unit_id)):
            return ALLOWED
        return _denied("outside_unit", OUTSIDE_UNIT_MESSAGE)


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
