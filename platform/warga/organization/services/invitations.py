"""Invitations to a seat: sent by an admin (or, for the first admin koordinator, by the
operator), resent, revoked, and accepted by the invited person."""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from tenants.models import Government
from tenants.scope import any_scope, tenant_scoped
from warga.access.policy import Action
from warga.accounts.models import User
from warga.organization.errors import (
    InvitationEmailMismatch,
    InvitationRateLimited,
    InvitationUnavailable,
    OrganizationInvalid,
    OrganizationNotFound,
)
from warga.organization.models import Invitation, Membership, OrganizationAction, Position, PositionKind
from warga.organization.selectors import InvitationState, branding_current, invitation_state, today_in, unit_root
from warga.organization.services._common import government_in_context, require_allowed
from warga.organization.services.events import organization_event_record
from warga.organization.tokens import token_hash, token_new
from warga.web.ratelimit import Limit, rate_limit_consume

INVITATION_VALID_FOR = datetime.timedelta(days=7)
# Invitations (new and resent) one admin may send per hour, wherever they send them from.
INVITATIONS_PER_HOUR = Limit(amount=30, seconds=3600)


def _invitation_link(*, link_origin: str, token: str) -> str:
    return f"{link_origin.rstrip('/')}/undangan/{token}/"


def _spend_invitation_budget(acting_user: uuid.UUID) -> None:
    decision = rate_limit_consume(
        action="organization:invitation",
        account_id=str(acting_user),
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


@tenant_scoped
def invitation_create(
    *,
    acting_user: uuid.UUID,
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
    government = require_allowed(acting_user=acting_user, action=Action.MEMBERSHIP_INVITE)
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
    _spend_invitation_budget(acting_user)
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
                    invited_by_id=acting_user,
                    created_at=now,
                    sent_at=now,
                )
        except IntegrityError:  # a concurrent twin won the unique constraint
            raise OrganizationInvalid(
                "email", "already_invited", "Alamat ini baru saja diundang ke jabatan ini. (Already invited.)"
            ) from None
        organization_event_record(
            acting_user=acting_user,
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


@tenant_scoped
def admin_koordinator_invite(
    *, email: str, link_origin: str, acting_user: uuid.UUID | None = None
) -> tuple[Invitation, bool]:
    """The operator invites the current government's admin koordinator (its first official:
    nobody in the government can invite yet). The same invitation as an admin's, to the
    government's admin koordinator seat, from today, with TOTP set up on acceptance; an open
    invitation of the same address to that seat is sent again with a new token instead.
    Returns the invitation and whether it was a resend.

    The operator is trusted as the one who provisions governments (the command line, or a
    superuser of the operator admin), so no seat is asked for and no invitation budget
    spent; `acting_user` (None from the command line) is recorded as the inviter. Raises
    OrganizationInvalid for a bad address, OrganizationNotFound when the government has no
    admin koordinator seat. Nothing is written then.
    """
    government = government_in_context()
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
            action, data = OrganizationAction.INVITATION_RESEND, _reissue(invitation, digest=digest, now=now)
        else:
            starts_on = today_in(government=government)
            invitation = Invitation.objects.create(
                email=address,
                position=position,
                starts_on=starts_on,
                token_hash=digest,
                expires_at=now + INVITATION_VALID_FOR,
                invited_by_id=acting_user,
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
        organization_event_record(acting_user=acting_user, action=action, object_id=invitation.pk, data=data)
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


def _reissue(invitation: Invitation, *, digest: str, now: datetime.datetime) -> dict[str, Any]:
    """Give an open invitation the token `digest` stands for, valid INVITATION_VALID_FOR from
    `now` (its old link stops working); returns what the audit event records."""
    invitation.token_hash = digest
    invitation.expires_at = now + INVITATION_VALID_FOR
    invitation.sent_at = now
    invitation.send_count = F("send_count") + 1
    invitation.save(update_fields=["token_hash", "expires_at", "sent_at", "send_count"])
    invitation.refresh_from_db()
    return {"send_count": [invitation.send_count - 1, invitation.send_count]}


@tenant_scoped
def invitation_resend(*, acting_user: uuid.UUID, invitation_id: int, link_origin: str) -> Invitation:
    """Send an open (pending or expired) invitation again with a new token, valid seven days
    from now; the old link stops working. Spends one of the admin's hourly invitations."""
    government = require_allowed(acting_user=acting_user, action=Action.MEMBERSHIP_INVITE)
    with transaction.atomic():
        invitation = _invitation_locked(invitation_id)
        state = invitation_state(invitation)
        if state in (InvitationState.ACCEPTED, InvitationState.REVOKED):
            raise InvitationUnavailable(state, UNAVAILABLE_MESSAGES[state])
        _spend_invitation_budget(acting_user)
        token, digest = token_new()
        data = _reissue(invitation, digest=digest, now=timezone.now())
        organization_event_record(
            acting_user=acting_user, action=OrganizationAction.INVITATION_RESEND, object_id=invitation.pk, data=data
        )
        _send_invitation_email(invitation=invitation, token=token, link_origin=link_origin, government=government)
    return invitation


@tenant_scoped
def invitation_revoke(*, acting_user: uuid.UUID, invitation_id: int) -> Invitation:
    """Withdraw an invitation not yet accepted; its link then answers that it was revoked."""
    require_allowed(acting_user=acting_user, action=Action.MEMBERSHIP_INVITE)
    with transaction.atomic():
        invitation = _invitation_locked(invitation_id)
        state = invitation_state(invitation)
        if state in (InvitationState.ACCEPTED, InvitationState.REVOKED):
            raise InvitationUnavailable(state, UNAVAILABLE_MESSAGES[state])
        invitation.revoked_at = timezone.now()
        invitation.revoked_by_id = acting_user
        invitation.save(update_fields=["revoked_at", "revoked_by_id"])
        organization_event_record(
            acting_user=acting_user,
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


@any_scope
def invitation_email_mismatch_message(invited: str) -> str:
    return (
        f"Undangan ini untuk {invited}, sedangkan Anda masuk dengan akun lain. Keluar, lalu masuk atau daftar "
        f"dengan {invited}. (This invitation is for {invited}; sign in with that address.)"
    )


@tenant_scoped
def invitation_accept(*, acting_user: uuid.UUID, token: str) -> Membership:
    """Accept the invitation behind `token` for the signed-in account `acting_user`, which must own
    the invited address (verified): creates the membership in this government only.

    Raises OrganizationNotFound (no such token here), InvitationUnavailable (expired, revoked,
    used), InvitationEmailMismatch, OrganizationInvalid (the person already holds the seat)."""
    government = government_in_context()
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
        owned = EmailAddress.objects.filter(user_id=acting_user, email__iexact=invitation.email).first()
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
        overlapping = Membership.objects.filter(position=invitation.position, user_id=acting_user).filter(
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
            user_id=acting_user,
            starts_on=invitation.starts_on,
            ends_on=invitation.ends_on,
            is_acting=invitation.is_acting,
            created_by_id=invitation.invited_by_id,
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by_id = acting_user
        invitation.membership = membership
        invitation.save(update_fields=["accepted_at", "accepted_by_id", "membership"])
        organization_event_record(
            acting_user=acting_user,
            action=OrganizationAction.INVITATION_ACCEPT,
            object_id=invitation.pk,
            data={"membership_id": [None, membership.pk]},
        )
    return membership
