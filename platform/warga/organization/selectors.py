"""Reads of the current government's organisation (always the schema in context)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tenants.scope import any_scope, tenant_scoped
from warga.accounts.models import User
from warga.organization.models import (
    Branding,
    Invitation,
    Membership,
    OrganizationEvent,
    Position,
    PositionKind,
    Unit,
    UnitKind,
)
from warga.organization.tokens import token_hash
from warga.seats import Seat


@tenant_scoped
def unit_root() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.GOVERNMENT).first()


@tenant_scoped
def unit_name(*, unit_id: int) -> str:
    """A unit's name in the current schema, or "" when it is gone."""
    return Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""


@tenant_scoped
def unit_counts_by_kind() -> dict[str, int]:
    rows = Unit.objects.values("kind").annotate(total=Count("id")).order_by()
    return {row["kind"]: row["total"] for row in rows}


@tenant_scoped
def unit_id_for_region(*, code: str) -> int | None:
    """The territorial unit (kecamatan, kelurahan/desa, ...) for exactly this region code."""
    return Unit.objects.filter(region_code=code).order_by("pk").values_list("pk", flat=True).first()


@tenant_scoped
def units_for_region_prefix(*, prefix: str) -> QuerySet[Unit]:
    return Unit.objects.filter(region_code__startswith=prefix)


@any_scope
def membership_active_q(*, on: datetime.date, prefix: str = "") -> Q:
    """Memberships held on `on` (start and end dates inclusive); `prefix` for a related lookup."""
    return Q(**{f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


@any_scope
def today_in(*, government: Government) -> datetime.date:
    """Today's date where the government is (WIB/WITA/WIT): when a seat is held is local."""
    return timezone.now().astimezone(ZoneInfo(government.time_zone)).date()


@any_scope
def memberships_active_for_user(*, user_id: uuid.UUID, government: Government) -> list[Membership]:
    """Memberships held today (in the government's own time zone), read in its schema."""
    today = today_in(government=government)
    with government_context(government):
        return list(
            Membership.objects.filter(membership_active_q(on=today), user_id=user_id).select_related("position__unit")
        )


@tenant_scoped
def seats_held(*, government: Government, user_id: uuid.UUID) -> list[Seat]:
    """The seats the person holds today in the government's time zone (read in the schema in
    context, which must be the government's), in one query."""
    rows = (
        Membership.objects.filter(membership_active_q(on=today_in(government=government)), user_id=user_id)
        .values_list("position__kind", "position__unit_id")
        .order_by()
    )
    return [Seat(kind=kind, unit_id=unit_id) for kind, unit_id in rows]


@tenant_scoped
def unit_ancestor_ids(*, unit_id: int) -> list[int]:
    """The unit itself, its parent, ... up to the government root, in one query; empty when
    no such unit exists here."""
    table = Unit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH RECURSIVE up(id, parent_id, depth) AS (
                    SELECT id, parent_id, 0 FROM {table} WHERE id = %s
                    UNION ALL
                    SELECT u.id, u.parent_id, up.depth + 1 FROM {table} u JOIN up ON u.id = up.parent_id
                )
                SELECT id FROM up ORDER BY depth""",
            [unit_id],
        )
        return [row[0] for row in cursor.fetchall()]


# --- for the organisation admin ----------------------------------------------------------------


@tenant_scoped
def units_list() -> list[Unit]:
    """Every unit, parents before children within each region code order."""
    return list(Unit.objects.order_by("region_code", "name", "id"))


@tenant_scoped
def units_tree() -> list[dict[str, object]]:
    """The units as nested dicts from the root(s) down, built from one query."""
    nodes: dict[int, dict[str, object]] = {}
    children: dict[int | None, list[dict[str, object]]] = {}
    for unit in Unit.objects.order_by("kind", "name", "id").values(
        "id", "parent_id", "kind", "name", "region_code", "ended_on"
    ):
        node = {**unit, "children": []}
        nodes[unit["id"]] = node
        children.setdefault(unit["parent_id"], []).append(node)
    for unit_id, node in nodes.items():
        node["children"] = children.get(unit_id, [])
    return children.get(None, [])


@tenant_scoped
def positions_list(*, unit_id: int | None = None) -> QuerySet[Position]:
    positions = Position.objects.select_related("unit").order_by("unit_id", "kind", "id")
    return positions if unit_id is None else positions.filter(unit_id=unit_id)


@tenant_scoped
def memberships_list(
    *, government: Government, unit_id: int | None = None, active_only: bool = False
) -> QuerySet[Membership]:
    memberships = Membership.objects.select_related("position__unit").order_by("-starts_on", "-id")
    if unit_id is not None:
        memberships = memberships.filter(position__unit_id=unit_id)
    if active_only:
        memberships = memberships.filter(membership_active_q(on=today_in(government=government)))
    return memberships


class InvitationState:
    PENDING = "pending"
    EXPIRED = "expired"
    REVOKED = "revoked"
    ACCEPTED = "accepted"


@any_scope
def invitation_state(invitation: Invitation, *, now: datetime.datetime | None = None) -> str:
    if invitation.accepted_at is not None:
        return InvitationState.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationState.REVOKED
    if invitation.expires_at <= (now or timezone.now()):
        return InvitationState.EXPIRED
    return InvitationState.PENDING


@tenant_scoped
def invitations_list(*, state: str | None = None) -> list[Invitation]:
    """Invitations, newest first, optionally only those in `state` (see InvitationState)."""
    now = timezone.now()
    invitations = Invitation.objects.select_related("position__unit").order_by("-created_at", "-id")
    if state == InvitationState.ACCEPTED:
        invitations = invitations.filter(accepted_at__isnull=False)
    elif state == InvitationState.REVOKED:
        invitations = invitations.filter(revoked_at__isnull=False)
    elif state == InvitationState.EXPIRED:
        invitations = invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now)
    elif state == InvitationState.PENDING:
        invitations = invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
    return list(invitations)


@tenant_scoped
def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation `token` was issued for, in this government only."""
    return Invitation.objects.select_related("position__unit").filter(token_hash=token_hash(token)).first()


@any_scope
def invitation_addressed_to(*, invitation: Invitation, user_id: uuid.UUID) -> bool:
    """Whether the account owns the invited address, verified (allauth's email addresses)."""
    return EmailAddress.objects.filter(user_id=user_id, email__iexact=invitation.email, verified=True).exists()


@dataclass(frozen=True)
class FieldOfficer:
    """Someone who holds a petugas lapangan seat of a unit on a given day."""

    user_id: uuid.UUID
    title: str
    is_acting: bool


@tenant_scoped
def field_officers_of(*, unit_id: int, on: datetime.date) -> list[FieldOfficer]:
    """The petugas lapangan of `unit_id` on `on` (one query), each person once, by seat title:
    whom a report handled by that unit may be assigned to."""
    rows = (
        Membership.objects.filter(
            membership_active_q(on=on), position__unit_id=unit_id, position__kind=PositionKind.PETUGAS_LAPANGAN
        )
        .order_by("position__title", "user_id")
        .values_list("user_id", "position__title", "is_acting")
    )
    found: dict[uuid.UUID, FieldOfficer] = {}
    for user_id, title, is_acting in rows:
        found.setdefault(user_id, FieldOfficer(user_id=user_id, title=title, is_acting=is_acting))
    return list(found.values())


# --- branding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrandingView:
    """What a page or an email shows of the government: its name, colour and whether it has a
    logo (the logo's bytes are read only by the view serving it)."""

    name: str
    display_name: str
    colour: str
    logo_sha256: str


@tenant_scoped
def branding_current(*, government: Government) -> BrandingView:
    """The current schema's branding (one query, without the logo's bytes); the official
    name and Warga's colour stand in for what is not set."""
    row = Branding.objects.values_list("display_name", "colour", "logo_sha256").first()
    display_name, colour, logo_sha256 = row if row is not None else ("", "", "")
    return BrandingView(
        name=display_name or government.name, display_name=display_name, colour=colour, logo_sha256=logo_sha256
    )


@tenant_scoped
def branding_logo() -> tuple[bytes, str] | None:
    """The logo's PNG bytes and their SHA-256, or None without a logo."""
    row = Branding.objects.exclude(logo_sha256="").values_list("logo", "logo_sha256").first()
    if row is None or row[0] is None:
        return None
    return bytes(row[0]), row[1]


# --- audit -------------------------------------------------------------------------------------


@tenant_scoped
def organization_events(*, limit: int) -> QuerySet[OrganizationEvent]:
    return OrganizationEvent.objects.order_by("-created_at", "-id")[:limit]


# --- the admin console -------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Someone holding a seat today: the membership and how to name the person."""

    membership_id: int
    user_id: uuid.UUID
    name: str
    email: str
    is_acting: bool
    starts_on: datetime.date
    ends_on: datetime.date | None


@tenant_scoped
def holders_today(*, government: Government, position_ids: list[int]) -> dict[int, list[Holder]]:
    """Who holds each of `position_ids` today (acting holders marked), in two queries: the
    memberships here, the accounts in public."""
    memberships = list(
        Membership.objects.filter(
            membership_active_q(on=today_in(government=government)), position_id__in=position_ids
        ).order_by("position_id", "starts_on", "id")
    )
    people = {user.pk: user for user in User.objects.filter(pk__in={m.user_id for m in memberships})}
    held: dict[int, list[Holder]] = {}
    for membership in memberships:
        person = people.get(membership.user_id)
        held.setdefault(membership.position_id, []).append(
            Holder(
                membership_id=membership.pk,
                user_id=membership.user_id,
                name=(person.full_name or person.email) if person else "(akun dihapus)",
                email=person.email if person else "",
                is_acting=membership.is_acting,
                starts_on=membership.starts_on,
                ends_on=membership.ends_on,
            )
        )
    return held


@tenant_scoped
def unit_get(*, unit_id: int) -> Unit | None:
    return Unit.objects.select_related("parent").filter(pk=unit_id).first()


@tenant_scoped
def unit_children(*, unit_id: int) -> QuerySet[Unit]:
    return Unit.objects.filter(parent_id=unit_id).order_by("kind", "name", "id")


@tenant_scoped
def units_for_choice(*, parents_only: bool = False, include_ended: bool = False) -> list[Unit]:
    """Units still running (or every unit), for a form's choice list (parents only: those that
    may hold sub-units, i.e. not external organisations)."""
    units = Unit.objects.order_by("region_code", "name", "id")
    if not include_ended:
        units = units.filter(ended_on__isnull=True)
    if parents_only:
        units = units.exclude(kind=UnitKind.EXTERNAL)
    return list(units)


@any_scope
def people_named(*, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Accounts' names (or email addresses) by id, for showing who holds a seat."""
    return {user.pk: user.full_name or user.email for user in User.objects.filter(pk__in=set(user_ids))}
