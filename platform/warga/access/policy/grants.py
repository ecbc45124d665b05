"""The actions the policy decides, and what each seat kind and API key scope allows."""

from __future__ import annotations

import enum

from warga.access.models import ApiScope
from warga.seats import PositionKind


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
