"""Writes to the current government's organisation: the territory seed, and the admin's
changes to units, positions, memberships and invitations."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import uuid
from collections.abc import Collection
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image, ImageOps

from tenants.context import current_schema, in_public_schema, tenant_connection
from tenants.models import Government, Level
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.errors import Defect, WrongScope
from warga.organization.errors import (
    InvitationEmailMismatch,
    InvitationRateLimited,
    InvitationUnavailable,
    OrganizationInvalid,
    OrganizationNotFound,
)
from warga.organization.models import (
    Branding,
    Invitation,
    Membership,
    OrganizationAction,
    OrganizationEvent,
    Position,
    PositionKind,
    Unit,
    UnitKind,
)
from warga.organization.selectors import (
    InvitationState,
    branding_current,
    invitation_state,
    membership_active_q,
    today_in,
    unit_ancestor_ids,
    unit_root,
)
from warga.organization.tokens import token_hash, token_new
from warga.reports.errors import FieldError
from warga.reports.photos import ACCEPTED_FORMATS, photo_check
from warga.web.ratelimit import Limit, rate_limit_consume

_UNIT = Unit._meta.db_table
_POSITION = Position._meta.db_table

_HEAD_OF_GOVERNMENT = {
    Level.PROVINCE: PositionKind.GUBERNUR,
    Level.REGENCY: PositionKind.BUPATI,
    Level.CITY: PositionKind.WALIKOTA,
    Level.NATIONAL: PositionKind.PENGAWAS_NASIONAL,
}
# The head seat of each territorial unit kind, and how its title is written.
_HEAD_OF_UNIT = {
    UnitKind.KECAMATAN: (PositionKind.CAMAT, "Camat "),
    UnitKind.KELURAHAN: (PositionKind.LURAH, "Lurah "),
    UnitKind.DESA: (PositionKind.KEPALA_DESA, "Kepala Desa "),
}


@transaction.atomic
def territory_seed(*, government: Government) -> dict[str, int]:
    """Create the unit tree of the government's territory in its (current) schema.

    government -> [areas: a province's regencies/cities] -> kecamatan -> kelurahan/desa.
    Idempotent: units already present (by region code) are left as they are. Returns how
    many units of each kind exist afterwards.
    """
    if in_public_schema() or current_schema() != government.schema_name:
        raise WrongScope(f"territory_seed must run inside {government.schema_name}, not {current_schema()}.")
    root, _ = Unit.objects.get_or_create(
        kind=UnitKind.GOVERNMENT, defaults={"name": government.name, "region_code": government.code or ""}
    )
    code = government.code
    if code and government.level in (Level.PROVINCE, Level.REGENCY, Level.CITY):
        with connection.cursor() as cursor:
            if government.level == Level.PROVINCE:
                cursor.execute(
                    f"""INSERT INTO {_UNIT} (parent_id, kind, name, region_code, created_at)
                        SELECT %s, %s, r.name, r.code, now() FROM public.regions_regency r
                        WHERE r.province_id = %s
                        ON CONFLICT (region_code) WHERE region_code <> '' DO NOTHING""",
                    [root.pk, UnitKind.AREA, code],
                )
                district_parent = f"(SELECT id FROM {_UNIT} p WHERE p.region_code = d.regency_id)"
            else:
                district_parent = "%s"
            cursor.execute(
                f"""INSERT INTO {_UNIT} (parent_id, kind, name, region_code, created_at)
                    SELECT {district_parent}, %s, d.name, d.code, now() FROM public.regions_district d
                    WHERE d.code LIKE %s
                    ON CONFLICT (region_code) WHERE region_code <> '' DO NOTHING""",
                ([] if government.level == Level.PROVINCE else [root.pk]) + [UnitKind.KECAMATAN, f"{code}.%"],
            )
            cursor.execute(
                f"""INSERT INTO {_UNIT} (parent_id, kind, name, region_code, created_at)
                    SELECT k.id, v.kind, v.name, v.code, now()
                    FROM public.regions_village v JOIN {_UNIT} k ON k.region_code = v.district_id
                    WHERE v.code LIKE %s
                    ON CONFLICT (region_code) WHERE region_code <> '' DO NOTHING""",
                [f"{code}.%"],
            )
    _positions_seed(government=government, root=root)
    from warga.organization.selectors import unit_counts_by_kind

    return unit_counts_by_kind()


def _positions_seed(*, government: Government, root: Unit) -> None:
    """The default seats: the head of government and an admin koordinator at the root, and the
    head of every kecamatan and kelurahan/desa. Seats already present are left alone."""
    head = _HEAD_OF_GOVERNMENT.get(Level(government.level))
    root_seats = [(PositionKind.ADMIN_KOORDINATOR, f"Admin Koordinator {government.name}")]
    if head is not None:
        root_seats.insert(0, (head, f"{PositionKind(head).label} {government.name.removeprefix('Provinsi ')}"))
    for kind, title in root_seats:
        Position.objects.get_or_create(unit=root, kind=kind, defaults={"title": title})
    with connection.cursor() as cursor:
        for unit_kind, (position_kind, prefix) in _HEAD_OF_UNIT.items():
            cursor.execute(
                f"""INSERT INTO {_POSITION} (unit_id, kind, title, created_at)
                    SELECT u.id, %s, %s || u.name, now() FROM {_UNIT} u
                    WHERE u.kind = %s
                      AND NOT EXISTS (SELECT 1 FROM {_POSITION} p WHERE p.unit_id = u.id AND p.kind = %s)""",
                [position_kind, prefix, unit_kind, position_kind],
            )


# --- the organisation admin --------------------------------------------------------------------
# Every write below takes the acting account's id, checks it against warga.access.policy,
# validates everything before writing, runs in one transaction and leaves an OrganizationEvent.

INVITATION_VALID_FOR = datetime.timedelta(days=7)
# Invitations (new and resent) one admin may send per hour, wherever they send them from.
INVITATIONS_PER_HOUR = Limit(amount=30, seconds=3600)
NAME_MAX = 200

_GOVERNMENT_WIDE_KINDS = {
    PositionKind.ADMIN_KOORDINATOR,
    PositionKind.PIMPINAN,
}
_SEEDED_ONLY_KINDS = set(_HEAD_OF_GOVERNMENT.values())
_NEW_UNIT_KINDS = {UnitKind.AGENCY, UnitKind.EXTERNAL}


def _government() -> Government:
    if in_public_schema():
        raise WrongScope("Organisation services run inside a government's schema, not public.")
    government = tenant_connection().tenant
    assert isinstance(government, Government)
    return government


def _require(*, actor_id: uuid.UUID, action: Action) -> Government:
    government = _government()
    policy_require(actor=actor_id, government=government, action=action)
    return government


def _event(*, actor_id: uuid.UUID | None, action: str, object_id: int, data: dict[str, Any]) -> None:
    OrganizationEvent.objects.create(
        actor_id=actor_id, action=action, object_id=object_id, data=data, created_at=timezone.now()
    )


def _clean_text(value: str, *, field: str, what: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise OrganizationInvalid(field, "required", f"{what} wajib diisi. ({what} is required.)")
    if len(text) > NAME_MAX:
        raise OrganizationInvalid(
            field, "too_long", f"{what} paling panjang {NAME_MAX} karakter. ({what} is too long.)"
        )
    return text


def _unit(unit_id: int, *, field: str = "unit_id") -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise OrganizationNotFound(f"Unit {unit_id} tidak ada di pemerintah daerah ini. (No such unit here.)")
    return unit


def _sibling_named(*, parent_id: int | None, name: str, excluding: int | None = None) -> bool:
    siblings = Unit.objects.filter(parent_id=parent_id, name__iexact=name)
    if excluding is not None:
        siblings = siblings.exclude(pk=excluding)
    return siblings.exists()


def unit_create(*, actor_id: uuid.UUID, name: str, kind: str, parent_id: int | None = None) -> Unit:
    """Add a perangkat daerah (dinas, badan, bidang) or an external organisation (PLN, PDAM)
    under `parent_id` (the government itself when omitted). Territorial units come only from
    the reference data. Raises OrganizationInvalid / OrganizationNotFound; ActionForbidden."""
    _require(actor_id=actor_id, action=Action.ORGANIZATION_EDIT)
    name = _clean_text(name, field="name", what="Nama unit")
    if kind not in _NEW_UNIT_KINDS:
        raise OrganizationInvalid(
            "kind",
            "invalid_kind",
            "Jenis unit yang dapat ditambahkan: agency (perangkat daerah) atau external (organisasi eksternal); "
            "unit wilayah berasal dari data Kemendagri. (Only agency or external units can be added.)",
        )
    parent = unit_root() if parent_id is None else _unit(parent_id, field="parent_id")
    if parent is None:
        raise Defect("The government has no root unit: territory_seed has not run.")
    if parent.kind == UnitKind.EXTERNAL:
        raise OrganizationInvalid(
            "parent_id",
            "external_parent",
            "Organisasi eksternal tidak dapat memiliki sub-unit. (External organisations have no sub-units.)",
        )
    with transaction.atomic():
        if _sibling_named(parent_id=parent.pk, name=name):
            raise OrganizationInvalid(
                "name",
                "duplicate",
                f"Sudah ada unit bernama {name} di bawah {parent.name}. (A unit of that name exists there.)",
            )
        unit = Unit.objects.create(parent=parent, kind=kind, name=name)
        _event(
            actor_id=actor_id,
            action=OrganizationAction.UNIT_CREATE,
            object_id=unit.pk,
            data={"name": [None, name], "kind": [None, kind], "parent_id": [None, parent.pk]},
        )
    return unit


def unit_rename(*, actor_id: uuid.UUID, unit_id: int, name: str) -> Unit:
    """Give a unit a new name (its region code, if any, stays)."""
    _require(actor_id=actor_id, action=Action.ORGANIZATION_EDIT)
    name = _clean_text(name, field="name", what="Nama unit")
    with transaction.atomic():
        unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
        if unit is None:
            raise OrganizationNotFound(f"Unit {unit_id} tidak ada di pemerintah daerah ini. (No such unit here.)")
        if _sibling_named(parent_id=unit.parent_id, name=name, excluding=unit.pk):
            raise OrganizationInvalid(
                "name", "duplicate", f"Sudah ada unit bernama {name} di tingkat ini. (A unit of that name exists.)"
            )
        before = unit.name
        if before != name:
            unit.name = name
            unit.save(update_fields=["name"])
            _event(
                actor_id=actor_id,
                action=OrganizationAction.UNIT_RENAME,
                object_id=unit.pk,
                data={"name": [before, name]},
            )
    return unit


def position_create(*, actor_id: uuid.UUID, unit_id: int, kind: str, title: str) -> Position:
    """Add a seat to a unit. Heads of government are seeded, never added; government-wide
    seats (admin koordinator, pimpinan) sit at the government's root unit."""
    _require(actor_id=actor_id, action=Action.ORGANIZATION_EDIT)
    title = _clean_text(title, field="title", what="Nama jabatan")
    if kind not in PositionKind.values:
        raise OrganizationInvalid(
            "kind", "invalid_kind", f"Jenis jabatan tidak dikenal: {kind}. (Unknown position kind.)"
        )
    if kind in _SEEDED_ONLY_KINDS:
        raise OrganizationInvalid(
            "kind",
            "seeded_only",
            "Jabatan kepala daerah dibuat saat pemerintah daerah disiapkan. (The head of government is seeded.)",
        )
    unit = _unit(unit_id)
    if kind in _GOVERNMENT_WIDE_KINDS and unit.kind != UnitKind.GOVERNMENT:
        raise OrganizationInvalid(
            "unit_id",
            "government_wide",
            f"{PositionKind(kind).label} berlaku untuk seluruh pemerintah daerah: tempatkan di unit pemerintah daerah. "
            "(This position is government-wide: place it in the government's root unit.)",
        )
    with transaction.atomic():
        position = Position.objects.create(unit=unit, kind=kind, title=title)
        _event(
            actor_id=actor_id,
            action=OrganizationAction.POSITION_CREATE,
            object_id=position.pk,
            data={"title": [None, title], "kind": [None, kind], "unit_id": [None, unit.pk]},
        )
    return position


def position_rename(*, actor_id: uuid.UUID, position_id: int, title: str) -> Position:
    _require(actor_id=actor_id, action=Action.ORGANIZATION_EDIT)
    title = _clean_text(title, field="title", what="Nama jabatan")
    with transaction.atomic():
        position = Position.objects.select_for_update().filter(pk=position_id).first()
        if position is None:
            raise OrganizationNotFound(
                f"Jabatan {position_id} tidak ada di pemerintah daerah ini. (No such position here.)"
            )
        before = position.title
        if before != title:
            position.title = title
            position.save(update_fields=["title"])
            _event(
                actor_id=actor_id,
                action=OrganizationAction.POSITION_RENAME,
                object_id=position.pk,
                data={"title": [before, title]},
            )
    return position


def _membership_locked(membership_id: int) -> Membership:
    membership = Membership.objects.select_for_update().select_related("position").filter(pk=membership_id).first()
    if membership is None:
        raise OrganizationNotFound(
            f"Keanggotaan {membership_id} tidak ada di pemerintah daerah ini. (No such membership here.)"
        )
    return membership


def membership_end(*, actor_id: uuid.UUID, membership_id: int, ends_on: datetime.date) -> Membership:
    """End a membership on `ends_on` (the last day the seat is held, inclusive). A membership
    that has already ended stays as it was; the last admin koordinator cannot be ended, so a
    government never locks itself out of its own administration."""
    government = _require(actor_id=actor_id, action=Action.MEMBERSHIP_EDIT)
    today = today_in(government=government)
    with transaction.atomic():
        membership = _membership_locked(membership_id)
        if membership.ends_on is not None and membership.ends_on < today:
            raise OrganizationInvalid(
                "ends_on",
                "already_ended",
                f"Keanggotaan ini sudah berakhir pada {membership.ends_on:%Y-%m-%d}. (It has already ended.)",
            )
        if ends_on < membership.starts_on:
            raise OrganizationInvalid(
                "ends_on",
                "before_start",
                f"Tanggal selesai tidak boleh sebelum tanggal mulai ({membership.starts_on:%Y-%m-%d}). "
                "(The end date cannot be before the start date.)",
            )
        if membership.position.kind == PositionKind.ADMIN_KOORDINATOR and not _other_admin_after(
            membership=membership, ends_on=ends_on, today=today
        ):
            raise OrganizationInvalid(
                "membership_id",
                "last_admin",
                "Ini admin koordinator terakhir: undang penggantinya dan tunggu sampai undangan diterima. "
                "(This is the last admin koordinator; invite a successor first.)",
            )
        before = membership.ends_on
        membership.ends_on = ends_on
        membership.save(update_fields=["ends_on"])
        _event(
            actor_id=actor_id,
            action=OrganizationAction.MEMBERSHIP_END,
            object_id=membership.pk,
            data={"ends_on": [before.isoformat() if before else None, ends_on.isoformat()]},
        )
    return membership


def _other_admin_after(*, membership: Membership, ends_on: datetime.date, today: datetime.date) -> bool:
    """Whether another admin koordinator holds a seat today and still after `ends_on`."""
    return (
        Membership.objects.filter(membership_active_q(on=today), position__kind=PositionKind.ADMIN_KOORDINATOR)
        .exclude(pk=membership.pk)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=ends_on))
        .exists()
    )


def membership_set_acting(*, actor_id: uuid.UUID, membership_id: int, is_acting: bool) -> Membership:
    """Mark a membership as held by a Pelaksana Tugas (Plt.), or as a definitive holder."""
    _require(actor_id=actor_id, action=Action.MEMBERSHIP_EDIT)
    with transaction.atomic():
        membership = _membership_locked(membership_id)
        before = membership.is_acting
        if before != is_acting:
            membership.is_acting = is_acting
            membership.save(update_fields=["is_acting"])
            _event(
                actor_id=actor_id,
                action=OrganizationAction.MEMBERSHIP_ACTING,
                object_id=membership.pk,
                data={"is_acting": [before, is_acting]},
            )
    return membership


# --- invitations -------------------------------------------------------------------------------


def _invitation_link(*, link_origin: str, token: str) -> str:
    return f"{link_origin.rstrip('/')}/undangan/{token}/"


def _spend_invitation_budget(actor_id: uuid.UUID) -> None:
    decision = rate_limit_consume(
        action="organization:invitation",
        account_id=str(actor_id),
        ip=None,
        per_account=INVITATIONS_PER_HOUR,
        per_ip=INVITATIONS_PER_HOUR,
    )
    if not decision.allowed:
        raise InvitationRateLimited(decision.retry_after)


def _send_invitation_email(*, invitation: Invitation, token: str, link_origin: str, government: Government) -> None:
    """Queue the invitation email for after commit: a rolled-back invitation sends nothing.

    The raw token exists only in this email, never in a table or a task message. A mail
    server that refuses is logged; the admin resends (which issues a new token)."""
    inviter = User.objects.filter(pk=invitation.invited_by_id).first() if invitation.invited_by_id else None
    context = {
        # The name the government chose to show (its branding), else its official name.
        "government": branding_current(government=government).name,
        "position": invitation.position.title,
        "unit": invitation.position.unit.name,
        "is_acting": invitation.is_acting,
        "starts_on": invitation.starts_on,
        "ends_on": invitation.ends_on,
        "inviter": (inviter.full_name or inviter.email) if inviter else "",
        "link": _invitation_link(link_origin=link_origin, token=token),
        "expires_at": invitation.expires_at.astimezone(ZoneInfo(government.time_zone)),
    }
    subject = render_to_string("organization/email/invitation_subject.txt", context).strip()
    body = render_to_string("organization/email/invitation.txt", context)
    recipient = invitation.email

    def send() -> None:
        send_mail(subject, body, None, [recipient])

    transaction.on_commit(send, robust=True)


def invitation_create(
    *,
    actor_id: uuid.UUID,
    email: str,
    position_id: int,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    is_acting: bool = False,
    link_origin: str,
) -> Invitation:
    """Invite `email` to a seat from `starts_on` (to `ends_on`, inclusive), valid for seven
    days; the email with the link to `<link_origin>/undangan/<token>/` leaves after commit.

    One open invitation per address and seat (resend it instead). Spends one of the admin's
    hourly invitations (InvitationRateLimited). Raises OrganizationInvalid / NotFound."""
    government = _require(actor_id=actor_id, action=Action.MEMBERSHIP_INVITE)
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise OrganizationInvalid(
            "email", "invalid_email", "Alamat email tidak valid. (The email address is not valid.)"
        ) from None
    position = Position.objects.select_related("unit").filter(pk=position_id).first()
    if position is None:
        raise OrganizationNotFound(
            f"Jabatan {position_id} tidak ada di pemerintah daerah ini. (No such position here.)"
        )
    _check_invitation_dates(government=government, starts_on=starts_on, ends_on=ends_on)
    if Invitation.objects.filter(email=address, position=position, accepted_at=None, revoked_at=None).exists():
        raise OrganizationInvalid(
            "email",
            "already_invited",
            "Alamat ini sudah diundang ke jabatan ini dan undangannya belum dipakai: kirim ulang atau batalkan. "
            "(An open invitation exists; resend or revoke it.)",
        )
    _spend_invitation_budget(actor_id)
    token, digest = token_new()
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    email=address,
                    position=position,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    is_acting=is_acting,
                    token_hash=digest,
                    expires_at=now + INVITATION_VALID_FOR,
                    invited_by_id=actor_id,
                    created_at=now,
                    sent_at=now,
                )
        except IntegrityError:  # a concurrent twin won the unique constraint
            raise OrganizationInvalid(
                "email", "already_invited", "Alamat ini baru saja diundang ke jabatan ini. (Already invited.)"
            ) from None
        _event(
            actor_id=actor_id,
            action=OrganizationAction.INVITATION_CREATE,
            object_id=invitation.pk,
            data={
                "position_id": [None, position.pk],
                "starts_on": [None, starts_on.isoformat()],
                "ends_on": [None, ends_on.isoformat() if ends_on else None],
                "is_acting": [None, is_acting],
            },
        )
        _send_invitation_email(invitation=invitation, token=token, link_origin=link_origin, government=government)
    return invitation


def admin_koordinator_invite(
    *, email: str, link_origin: str, operator_id: uuid.UUID | None = None
) -> tuple[Invitation, bool]:
    """The operator invites the current government's admin koordinator (its first official:
    nobody in the government can invite yet). The same invitation as an admin's, to the
    government's admin koordinator seat, from today, with TOTP set up on acceptance; an open
    invitation of the same address to that seat is sent again with a new token instead.
    Returns the invitation and whether it was a resend.

    The operator is trusted as the one who provisions governments (the command line, or a
    superuser of the operator admin), so no seat is asked for and no invitation budget
    spent; `operator_id` (None from the command line) is recorded as the inviter. Raises
    OrganizationInvalid for a bad address, OrganizationNotFound when the government has no
    admin koordinator seat. Nothing is written then.
    """
    government = _government()
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise OrganizationInvalid(
            "email", "invalid_email", f"Alamat email '{email}' tidak valid. (The email address is not valid.)"
        ) from None
    root = unit_root()
    position = (
        Position.objects.select_related("unit").filter(unit=root, kind=PositionKind.ADMIN_KOORDINATOR).first()
        if root is not None
        else None
    )
    if position is None:
        raise OrganizationNotFound(
            f"{government.name} belum memiliki jabatan admin koordinator: jalankan provision_regions lagi. "
            "(No admin koordinator seat yet.)"
        )
    token, digest = token_new()
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("position__unit")
            .filter(email=address, position=position, accepted_at=None, revoked_at=None)
            .first()
        )
        resent = invitation is not None
        data: dict[str, Any]
        if invitation is not None:
            invitation.token_hash = digest
            invitation.expires_at = now + INVITATION_VALID_FOR
            invitation.sent_at = now
            invitation.send_count = F("send_count") + 1
            invitation.save(update_fields=["token_hash", "expires_at", "sent_at", "send_count"])
            invitation.refresh_from_db()
            action, data = (
                OrganizationAction.INVITATION_RESEND,
                {"send_count": [invitation.send_count - 1, invitation.send_count]},
            )
        else:
            starts_on = today_in(government=government)
            invitation = Invitation.objects.create(
                email=address,
                position=position,
                starts_on=starts_on,
                token_hash=digest,
                expires_at=now + INVITATION_VALID_FOR,
                invited_by_id=operator_id,
                created_at=now,
                sent_at=now,
            )
            action, data = (
                OrganizationAction.INVITATION_CREATE,
                {
                    "position_id": [None, position.pk],
                    "starts_on": [None, starts_on.isoformat()],
                    "ends_on": [None, None],
                    "is_acting": [None, False],
                    "by_operator": [None, True],
                },
            )
        _event(actor_id=operator_id, action=action, object_id=invitation.pk, data=data)
        _send_invitation_email(invitation=invitation, token=token, link_origin=link_origin, government=government)
    return invitation, resent


def _check_invitation_dates(*, government: Government, starts_on: datetime.date, ends_on: datetime.date | None) -> None:
    today = today_in(government=government)
    if starts_on < today:
        raise OrganizationInvalid(
            "starts_on",
            "in_the_past",
            f"Tanggal mulai tidak boleh sebelum hari ini ({today:%Y-%m-%d}). (The start date is in the past.)",
        )
    if ends_on is not None and ends_on < starts_on:
        raise OrganizationInvalid(
            "ends_on",
            "before_start",
            "Tanggal selesai tidak boleh sebelum tanggal mulai. (The end date cannot be before the start date.)",
        )


def _invitation_locked(invitation_id: int) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        raise OrganizationNotFound(
            f"Undangan {invitation_id} tidak ada di pemerintah daerah ini. (No such invitation here.)"
        )
    return invitation


def invitation_resend(*, actor_id: uuid.UUID, invitation_id: int, link_origin: str) -> Invitation:
    """Send an open (pending or expired) invitation again with a new token, valid seven days
    from now; the old link stops working. Spends one of the admin's hourly invitations."""
    government = _require(actor_id=actor_id, action=Action.MEMBERSHIP_INVITE)
    with transaction.atomic():
        invitation = _invitation_locked(invitation_id)
        state = invitation_state(invitation)
        if state in (InvitationState.ACCEPTED, InvitationState.REVOKED):
            raise InvitationUnavailable(state, UNAVAILABLE_MESSAGES[state])
        _spend_invitation_budget(actor_id)
        token, digest = token_new()
        now = timezone.now()
        invitation.token_hash = digest
        invitation.expires_at = now + INVITATION_VALID_FOR
        invitation.sent_at = now
        invitation.send_count = F("send_count") + 1
        invitation.save(update_fields=["token_hash", "expires_at", "sent_at", "send_count"])
        invitation.refresh_from_db()
        _event(
            actor_id=actor_id,
            action=OrganizationAction.INVITATION_RESEND,
            object_id=invitation.pk,
            data={"send_count": [invitation.send_count - 1, invitation.send_count]},
        )
        _send_invitation_email(invitation=invitation, token=token, link_origin=link_origin, government=government)
    return invitation


def invitation_revoke(*, actor_id: uuid.UUID, invitation_id: int) -> Invitation:
    """Withdraw an invitation not yet accepted; its link then answers that it was revoked."""
    _require(actor_id=actor_id, action=Action.MEMBERSHIP_INVITE)
    with transaction.atomic():
        invitation = _invitation_locked(invitation_id)
        state = invitation_state(invitation)
        if state in (InvitationState.ACCEPTED, InvitationState.REVOKED):
            raise InvitationUnavailable(state, UNAVAILABLE_MESSAGES[state])
        invitation.revoked_at = timezone.now()
        invitation.revoked_by_id = actor_id
        invitation.save(update_fields=["revoked_at", "revoked_by_id"])
        _event(
            actor_id=actor_id,
            action=OrganizationAction.INVITATION_REVOKE,
            object_id=invitation.pk,
            data={"revoked_at": [None, invitation.revoked_at.isoformat()]},
        )
    return invitation


UNAVAILABLE_MESSAGES = {
    InvitationState.EXPIRED: (
        "Undangan ini sudah kedaluwarsa. Minta admin koordinator mengirim ulang undangan. "
        "(This invitation has expired; ask the admin to resend it.)"
    ),
    InvitationState.REVOKED: ("Undangan ini sudah dibatalkan oleh admin koordinator. (This invitation was revoked.)"),
    InvitationState.ACCEPTED: "Undangan ini sudah dipakai. (This invitation has already been used.)",
}
INVITATION_NOT_FOUND = "Undangan tidak ditemukan. (No such invitation.)"


def invitation_email_mismatch_message(invited: str) -> str:
    return (
        f"Undangan ini untuk {invited}, sedangkan Anda masuk dengan akun lain. Keluar, lalu masuk atau daftar "
        f"dengan {invited}. (This invitation is for {invited}; sign in with that address.)"
    )


def invitation_accept(*, user_id: uuid.UUID, token: str) -> Membership:
    """Accept the invitation behind `token` for the signed-in account `user_id`, which must own
    the invited address (verified): creates the membership in this government only.

    Raises OrganizationNotFound (no such token here), InvitationUnavailable (expired, revoked,
    used), InvitationEmailMismatch, OrganizationInvalid (the person already holds the seat)."""
    government = _government()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("position")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if invitation is None:
            raise OrganizationNotFound(INVITATION_NOT_FOUND)
        state = invitation_state(invitation)
        if state != InvitationState.PENDING:
            raise InvitationUnavailable(state, UNAVAILABLE_MESSAGES[state])
        owned = EmailAddress.objects.filter(user_id=user_id, email__iexact=invitation.email).first()
        if owned is None:
            raise InvitationEmailMismatch(invitation_email_mismatch_message(invitation.email))
        if not owned.verified:
            raise InvitationEmailMismatch(
                f"Alamat {invitation.email} di akun Anda belum diverifikasi: buka tautan verifikasi yang kami "
                "kirim ke alamat itu, lalu terima undangan ini lagi. (Verify that address first.)"
            )
        today = today_in(government=government)
        if invitation.ends_on is not None and invitation.ends_on < today:
            raise InvitationUnavailable(
                InvitationState.EXPIRED,
                "Masa jabatan dalam undangan ini sudah lewat. (The invited term has already ended.)",
            )
        overlapping = Membership.objects.filter(position=invitation.position, user_id=user_id).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=invitation.starts_on)
        )
        if invitation.ends_on is not None:
            overlapping = overlapping.filter(starts_on__lte=invitation.ends_on)
        if overlapping.exists():
            raise OrganizationInvalid(
                "token",
                "already_member",
                f"Anda sudah memegang jabatan {invitation.position.title}. (You already hold this position.)",
            )
        membership = Membership.objects.create(
            position=invitation.position,
            user_id=user_id,
            starts_on=invitation.starts_on,
            ends_on=invitation.ends_on,
            is_acting=invitation.is_acting,
            created_by_id=invitation.invited_by_id,
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by_id = user_id
        invitation.membership = membership
        invitation.save(update_fields=["accepted_at", "accepted_by_id", "membership"])
        _event(
            actor_id=user_id,
            action=OrganizationAction.INVITATION_ACCEPT,
            object_id=invitation.pk,
            data={"membership_id": [None, membership.pk]},
        )
    return membership


# --- moving and ending units ---------------------------------------------------------------------


def _unit_locked(unit_id: int) -> Unit:
    unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
    if unit is None:
        raise OrganizationNotFound(f"Unit {unit_id} tidak ada di pemerintah daerah ini. (No such unit here.)")
    return unit


def _check_changeable(unit: Unit, *, what: str) -> None:
    if unit.kind not in _NEW_UNIT_KINDS:
        raise OrganizationInvalid(
            "unit_id",
            "territorial",
            f"{unit.name} adalah unit wilayah dari data Kemendagri: tidak dapat {what}. "
            "(Territorial units follow the reference data.)",
        )
    if unit.ended_on is not None:
        raise OrganizationInvalid(
            "unit_id",
            "ended",
            f"{unit.name} sudah diakhiri pada {unit.ended_on:%Y-%m-%d}. (This unit has ended.)",
        )


def unit_move(*, actor_id: uuid.UUID, unit_id: int, parent_id: int) -> Unit:
    """Put an agency or external organisation under another parent (a bidang moving to another
    dinas). Territorial units stay where the reference data puts them; a unit never moves
    under itself or its own sub-units, nor under an external organisation or an ended unit."""
    _require(actor_id=actor_id, action=Action.ORGANIZATION_EDIT)
    with transaction.atomic():
        unit = _unit_locked(unit_id)
        _check_changeable(unit, what="dipindah")
        parent = Unit.objects.filter(pk=parent_id).first()
        if parent is None:
            raise OrganizationInvalid(
                "parent_id", "not_found", "Unit induk itu tidak ada di pemerintah daerah ini. (No such parent.)"
            )
        if parent.pk == unit.pk or unit.pk in unit_ancestor_ids(unit_id=parent.pk):
            raise OrganizationInvalid(
                "parent_id",
                "cycle",
                f"{unit.name} tidak dapat dipindah ke bawah dirinya sendiri atau sub-unitnya. "
                "(A unit cannot move under itself.)",
            )
        if parent.kind == UnitKind.EXTERNAL or parent.ended_on is not None:
            raise OrganizationInvalid(
                "parent_id",
                "bad_parent",
                f"{parent.name} tidak dapat menjadi induk: organisasi eksternal atau unit yang sudah diakhiri. "
                "(That unit cannot hold sub-units.)",
            )
        if _sibling_named(parent_id=parent.pk, name=unit.name, excluding=unit.pk):
            raise OrganizationInvalid(
                "parent_id",
                "duplicate",
                f"Sudah ada unit bernama {unit.name} di bawah {parent.name}. (A unit of that name exists there.)",
            )
        before = unit.parent_id
        if before != parent.pk:
            unit.parent = parent
            unit.save(update_fields=["parent"])
            _event(
                actor_id=actor_id,
                action=OrganizationAction.UNIT_MOVE,
                object_id=unit.pk,
                data={"parent_id": [before, parent.pk]},
            )
    return unit


def unit_end(
    *, actor_id: uuid.UUID, unit_id: int, ends_on: datetime.date, handling_unit_ids: Collection[int] = ()
) -> Unit:
    """End an agency or external organisation on `ends_on` (today or later, the last day it
    exists). It keeps its history; nothing new reaches it. Refused while a sub-unit is still
    running, while anyone holds one of its seats after `ends_on`, or while a rule of the active
    routing rules hands reports to it (`handling_unit_ids`, given by the caller that read the
    rules): change those first, so that no report is ever routed to a unit that is gone."""
    government = _require(actor_id=actor_id, action=Action.ORGANIZATION_EDIT)
    with transaction.atomic():
        unit = _unit_locked(unit_id)
        _check_changeable(unit, what="diakhiri")
        if ends_on < today_in(government=government):
            raise OrganizationInvalid(
                "ends_on", "in_the_past", "Tanggal berakhir tidak boleh sebelum hari ini. (The date is in the past.)"
            )
        if Unit.objects.filter(parent=unit, ended_on__isnull=True).exists():
            raise OrganizationInvalid(
                "unit_id",
                "has_children",
                f"{unit.name} masih memiliki sub-unit aktif: pindahkan atau akhiri sub-unitnya dulu. "
                "(End or move its sub-units first.)",
            )
        seated = Membership.objects.filter(position__unit=unit).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=ends_on))
        if seated.exists():
            raise OrganizationInvalid(
                "unit_id",
                "seated",
                f"Masih ada petugas yang memegang jabatan di {unit.name} setelah tanggal itu: akhiri masa jabatannya "
                "dulu. (End its memberships first.)",
            )
        if unit.pk in set(handling_unit_ids):
            raise OrganizationInvalid(
                "unit_id",
                "routed",
                f"Aturan penerusan yang berlaku masih meneruskan laporan ke {unit.name}: ubah aturannya dulu. "
                "(The routing rules still send reports to it.)",
            )
        unit.ended_on = ends_on
        unit.save(update_fields=["ended_on"])
        _event(
            actor_id=actor_id,
            action=OrganizationAction.UNIT_END,
            object_id=unit.pk,
            data={"ended_on": [None, ends_on.isoformat()]},
        )
    return unit


def organization_event_record(
    *, actor_id: uuid.UUID, action: OrganizationAction, object_id: int, data: dict[str, Any]
) -> None:
    """An audit event for a change the organisation's log covers but another app makes (its
    privacy settings); runs in the caller's transaction."""
    _event(actor_id=actor_id, action=action, object_id=object_id, data=data)


# --- branding --------------------------------------------------------------------------------------

COLOUR_PATTERN = re.compile(r"#[0-9a-f]{6}")
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_DIMENSION = 512
# White text sits on the colour (the header, buttons): WCAG AA asks for 4.5:1.
MIN_CONTRAST_WITH_WHITE = 4.5


def _relative_luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else float(((value + 0.055) / 1.055) ** 2.4)

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def colour_contrast_with_white(colour: str) -> float:
    return 1.05 / (_relative_luminance(colour) + 0.05)


def _clean_colour(colour: str) -> str:
    value = (colour or "").strip().lower()
    if not value:
        return ""
    if not COLOUR_PATTERN.fullmatch(value):
        raise OrganizationInvalid(
            "colour",
            "invalid_colour",
            "Warna harus ditulis sebagai kode heksadesimal #rrggbb, misalnya #1d4ed8. (Write the colour as #rrggbb.)",
        )
    contrast = colour_contrast_with_white(value)
    if contrast < MIN_CONTRAST_WITH_WHITE:
        raise OrganizationInvalid(
            "colour",
            "low_contrast",
            f"Warna {value} terlalu terang: tulisan putih di atasnya sulit dibaca (kontras {contrast:.1f}:1, "
            f"paling sedikit {MIN_CONTRAST_WITH_WHITE}:1). Pilih warna yang lebih gelap. "
            "(Too light for white text; choose a darker colour.)",
        )
    return value


def _clean_logo(data: bytes) -> tuple[bytes, str]:
    """The logo checked like a citizen's photo (type by content, pixel bomb, truncation), then
    written out again as a PNG without metadata, at most LOGO_MAX_DIMENSION a side."""
    if len(data) > LOGO_MAX_BYTES:
        raise OrganizationInvalid(
            "logo",
            "too_large",
            f"Logo lebih besar dari {LOGO_MAX_BYTES // 1024 // 1024} MB. Kecilkan ukurannya. (The logo is too large.)",
        )
    checked = photo_check(data=data, position=1)
    if isinstance(checked, FieldError):
        messages = {
            "too_many_pixels": "Logo terlalu besar ukuran pikselnya. (The logo has too many pixels.)",
            "too_large": "Logo terlalu besar. (The logo is too large.)",
        }
        raise OrganizationInvalid(
            "logo",
            checked.code,
            messages.get(
                checked.code,
                "Logo bukan gambar JPEG, PNG, WebP atau HEIC yang utuh. (The logo is not a complete image.)",
            ),
        )
    with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGBA")
    image.thumbnail((LOGO_MAX_DIMENSION, LOGO_MAX_DIMENSION), Image.Resampling.LANCZOS)
    image.info.clear()
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    content = out.getvalue()
    return content, hashlib.sha256(content).hexdigest()


def branding_update(
    *,
    actor_id: uuid.UUID,
    display_name: str,
    colour: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Branding:
    """Set the government's display name (empty: its official name), colour (#rrggbb dark
    enough for white text; empty: Warga's) and, when given, a new logo (or remove it). Every
    input is checked before anything is written; one audit event says what changed."""
    _require(actor_id=actor_id, action=Action.BRANDING_EDIT)
    name = " ".join((display_name or "").split())
    if len(name) > NAME_MAX:
        raise OrganizationInvalid(
            "display_name", "too_long", f"Nama tampilan paling panjang {NAME_MAX} karakter. (The name is too long.)"
        )
    clean_colour = _clean_colour(colour)
    new_logo = _clean_logo(logo) if logo is not None else None
    with transaction.atomic():
        branding = Branding.objects.select_for_update().first() or Branding()
        changes: dict[str, list[Any]] = {}
        if branding.display_name != name:
            changes["display_name"] = [branding.display_name, name]
            branding.display_name = name
        if branding.colour != clean_colour:
            changes["colour"] = [branding.colour, clean_colour]
            branding.colour = clean_colour
        if new_logo is not None and new_logo[1] != branding.logo_sha256:
            changes["logo_sha256"] = [branding.logo_sha256, new_logo[1]]
            branding.logo, branding.logo_sha256 = new_logo
        elif remove_logo and new_logo is None and branding.logo_sha256:
            changes["logo_sha256"] = [branding.logo_sha256, ""]
            branding.logo, branding.logo_sha256 = None, ""
        if changes or branding.pk is None:
            branding.save()
        if changes:
            _event(actor_id=actor_id, action=OrganizationAction.BRANDING_UPDATE, object_id=branding.pk, data=changes)
    return branding
