"""A government joins Warga by itself: its representative asks on the public host, confirms
the work address by a signed link, the operator approves or refuses in the operator admin, and
a task provisions the government, invites the representative as its first admin koordinator
and starts the trial (docs/decisions/0055-a-government-joins-by-request.md).

The provisioning runs in one database transaction (PostgreSQL's DDL is transactional): a
failure at any step, or a worker that dies, leaves no schema, no registry row, no domain and
no invitation; the request is marked failed with the step and the reason, and the operator can
try again. Its progress is written through a second database connection, in autocommit, so
the operator and the requester see each step while the transaction is still open.

This module is the requester's side: the request and the confirmation of its address. The
operator's decision is in `join_decision`, the provisioning task in `join_provisioning`; both
are re-exported here.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import TypeVar

import phonenumbers
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import Government
from tenants.scope import public_scoped
from warga.errors import FieldError, Invalid
from warga.onboarding.models import HOLDING_STATUSES, JoinEventKind, JoinRequest, JoinStatus
from warga.onboarding.services import ProvisioningError, plan_for_codes
from warga.onboarding.services._common import STEP_PROGRESS, _event, _send_on_commit, status_path
from warga.onboarding.services.join_decision import (
    REFUSAL_REASON_MIN,
    JoinDecisionRefused,
    join_request_approve,
    join_request_refuse,
)
from warga.onboarding.services.join_provisioning import LOCK_JOIN_PROVISION, join_request_provision

CONFIRMATION_SALT = "warga.onboarding.join-confirm"
CONFIRMATION_VALID_FOR = datetime.timedelta(days=3)
# Requests one address may start per day: every request sends an email to the address typed.
REQUESTS_PER_ADDRESS_PER_DAY = 3
# Addresses anyone can open are no proof of working for a government.
PERSONAL_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.id",
        "ymail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "mail.com",
        "gmx.com",
        "yandex.com",
    }
)


NOTE_MAX = 1000

T = TypeVar("T")

__all__ = [
    "CONFIRMATION_SALT",
    "CONFIRMATION_VALID_FOR",
    "LOCK_JOIN_PROVISION",
    "NOTE_MAX",
    "PERSONAL_MAIL_DOMAINS",
    "REFUSAL_REASON_MIN",
    "REQUESTS_PER_ADDRESS_PER_DAY",
    "STEP_PROGRESS",
    "JoinDecisionRefused",
    "JoinRefused",
    "join_availability",
    "join_request_approve",
    "join_request_confirm",
    "join_request_for_token",
    "join_request_provision",
    "join_request_refuse",
    "join_request_submit",
    "status_path",
]


class JoinRefused(Invalid):
    """Why a request cannot be made or confirmed, in words the person can act on. `errors`
    maps each form field at fault to its message ("" for the request as a whole)."""

    def __init__(self, message: str, *, field: str = "", errors: dict[str, str] | None = None) -> None:
        self.errors = errors or {field: message}
        super().__init__(
            message,
            fields={name or "non_field_errors": [FieldError("invalid", text)] for name, text in self.errors.items()},
        )


def _holding_request(region_code: str) -> JoinRequest | None:
    return JoinRequest.objects.filter(region_code=region_code, status__in=HOLDING_STATUSES).first()


@public_scoped
def join_availability(*, region_code: str, name: str) -> str | None:
    """Why the government `region_code` cannot be asked for (a sentence), or None when it can."""
    if Government.objects.filter(code=region_code).exists():
        return _("%(name)s already uses Warga. Ask its admin koordinator to invite you.") % {"name": name}
    holding = _holding_request(region_code)
    if holding is None:
        return None
    if holding.status == JoinStatus.DONE:
        return _("%(name)s already uses Warga. Ask its admin koordinator to invite you.") % {"name": name}
    return _(
        "A request for %(name)s was already made on %(date)s and is being handled. Only one request per "
        "government is accepted; contact the person in your office who sent it."
    ) % {"name": name, "date": timezone.localdate(holding.created_at).strftime("%d-%m-%Y")}


def _planned_name(region_code: str) -> str:
    try:
        (planned,) = plan_for_codes(codes=[region_code])
    except (ProvisioningError, ValueError):
        raise JoinRefused(
            _("Choose your government from the list: %(code)s is not a province, regency or city code that can join.")
            % {"code": region_code},
            field="region_code",
        ) from None
    return planned.name


def _normalised_phone(raw: str) -> str:
    """Any valid Indonesian number, an office landline included, in E.164."""
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise JoinRefused(
            _("Enter an Indonesian telephone number, for example 022 4230393 or 0812 3456 7890."), field="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _checked_address(raw: str) -> tuple[str, str]:
    address = (raw or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise JoinRefused(
            _("Enter your work email address, for example nama@bandungkota.go.id."), field="email"
        ) from None
    domain = address.rsplit("@", 1)[1]
    if domain in PERSONAL_MAIL_DOMAINS:
        raise JoinRefused(
            _(
                "Use the email address of your office (usually ending in .go.id), not a personal one: the operator "
                "checks the address belongs to the government."
            ),
            field="email",
        )
    return address, domain


def _required(value: str, *, field: str, message: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", value or "").strip()
    if not text:
        raise JoinRefused(message, field=field)
    if len(text) > limit:
        raise JoinRefused(_("Shorten this to at most %(limit)d characters.") % {"limit": limit}, field=field)
    return text


@public_scoped
def join_request_submit(
    *,
    region_code: str,
    requester_name: str,
    requester_position: str,
    email: str,
    phone: str,
    note: str,
    link_origin: str,
) -> JoinRequest:
    """Record a request to join for the government `region_code` and email its confirmation
    link to `email`. The request reaches the operator only once that link is opened.

    Raises JoinRefused (naming the field) for a code that is not a government, a government
    that already uses Warga or has a request being handled, a personal or invalid address,
    a number that is not Indonesian, a missing name or position, or an address that asked too
    often today. Nothing is written then. The same address asking again for the same
    government before confirming gets the same request with a new link.
    """
    region_code = (region_code or "").strip()
    name = _planned_name(region_code)
    refusal = join_availability(region_code=region_code, name=name)
    if refusal:
        raise JoinRefused(refusal, field="region_code")
    errors: dict[str, str] = {}

    def checked(field: str, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except JoinRefused as refused:
            errors[field] = refused.message
            return None

    clean_name = checked(
        "requester_name",
        lambda: _required(requester_name, field="requester_name", message=_("Enter your full name."), limit=200),
    )
    clean_position = checked(
        "requester_position",
        lambda: _required(
            requester_position,
            field="requester_position",
            message=_("Enter your position, for example Kepala Dinas Komunikasi dan Informatika."),
            limit=200,
        ),
    )
    checked_address = checked("email", lambda: _checked_address(email))
    normalised_phone = checked("phone", lambda: _normalised_phone(phone))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = _("Shorten this to at most %(limit)d characters.") % {"limit": NOTE_MAX}
    if errors or clean_name is None or clean_position is None or checked_address is None or normalised_phone is None:
        raise JoinRefused(next(iter(errors.values()), ""), errors=errors)
    address, domain = checked_address
    now = timezone.now()
    with transaction.atomic():
        recent = JoinRequest.objects.filter(email=address, created_at__gte=now - datetime.timedelta(days=1))
        request = (
            JoinRequest.objects.select_for_update()
            .filter(email=address, region_code=region_code, status=JoinStatus.UNCONFIRMED)
            .first()
        )
        if request is None and recent.count() >= REQUESTS_PER_ADDRESS_PER_DAY:
            raise JoinRefused(
                _(
                    "This address has made %(count)d requests today. Open the confirmation link we sent, or try again tomorrow."
                )
                % {"count": REQUESTS_PER_ADDRESS_PER_DAY},
                field="email",
            )
        fields = {
            "government_name": name,
            "requester_name": clean_name,
            "requester_position": clean_position,
            "email_domain": domain,
            "phone": normalised_phone,
            "note": note,
        }
        if request is None:
            request = JoinRequest.objects.create(region_code=region_code, email=address, created_at=now, **fields)
            _event(request, JoinEventKind.SUBMIT, email_domain=domain)
        else:
            for key, value in fields.items():
                setattr(request, key, value)
            request.save(update_fields=list(fields))
            _event(request, JoinEventKind.SUBMIT, email_domain=domain, again=True)
        token = signing.dumps(str(request.public_id), salt=CONFIRMATION_SALT)
        _send_on_commit(
            template="confirm",
            request=request,
            context={
                "confirm_link": f"{link_origin}/bergabung/konfirmasi/{token}/",
                "status_link": f"{link_origin}{status_path(request)}",
                "valid_days": CONFIRMATION_VALID_FOR.days,
            },
        )
    return request


@public_scoped
def join_request_for_token(*, token: str) -> JoinRequest:
    """The request a confirmation link names; JoinRefused when the link is forged or too old."""
    try:
        public_id = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_VALID_FOR)
    except signing.SignatureExpired:
        raise JoinRefused(
            _("This confirmation link is more than %(days)d days old. Make the request again to receive a new link.")
            % {"days": CONFIRMATION_VALID_FOR.days}
        ) from None
    except signing.BadSignature:
        raise JoinRefused(
            _(
                "This confirmation link is not valid. Open the link exactly as it is in the email, or make the request again."
            )
        ) from None
    request = JoinRequest.objects.filter(public_id=public_id).first()
    if request is None:
        raise JoinRefused(_("This request no longer exists. Make the request again."))
    return request


@public_scoped
def join_request_confirm(*, token: str) -> JoinRequest:
    """Confirm the requester's address: the request now waits for the operator. Opening the
    link again changes nothing. Raises JoinRefused for a bad or expired link, or when another
    request for the same government was confirmed first, or it already uses Warga."""
    found = join_request_for_token(token=token)
    with transaction.atomic():
        request = JoinRequest.objects.select_for_update().get(pk=found.pk)
        if request.status != JoinStatus.UNCONFIRMED:
            return request
        refusal = join_availability(region_code=request.region_code, name=request.government_name)
        if refusal:
            raise JoinRefused(refusal)
        request.status = JoinStatus.PENDING
        request.confirmed_at = timezone.now()
        try:
            with transaction.atomic():
                request.save(update_fields=["status", "confirmed_at"])
        except IntegrityError:
            # Another request for this government was confirmed at the same moment.
            raise JoinRefused(
                join_availability(region_code=request.region_code, name=request.government_name)
                or _("Another request for this government was confirmed first.")
            ) from None
        _event(request, JoinEventKind.CONFIRM)
    return request
