"""A government joins Warga by itself: its representative asks on the public host, confirms
the work address by a signed link, the operator approves or refuses in the operator admin, and
a task provisions the government, invites the representative as its first admin koordinator
and starts the trial (docs/decisions/0055-a-government-joins-by-request.md).

The provisioning runs in one database transaction (PostgreSQL's DDL is transactional): a
failure at any step, or a worker that dies, leaves no schema, no registry row, no domain and
no invitation; the request is marked failed with the step and the reason, and the operator can
try again. Its progress is written through a second database connection, in autocommit, so
the operator and the requester see each step while the transaction is still open.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

import phonenumbers
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import Government
from tenants.scope import any_scope, public_scoped
from warga.advisory import session_lock_tried
from warga.billing.services import start_trial
from warga.errors import Conflict, FieldError, Invalid
from warga.onboarding.models import HOLDING_STATUSES, JoinEvent, JoinEventKind, JoinRequest, JoinStatus, JoinStep
from warga.onboarding.services import (
    FirstAdminRefused,
    ProvisioningError,
    first_admin_invite,
    government_provision,
    plan_for_codes,
)

logger = logging.getLogger(__name__)

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
REFUSAL_REASON_MIN = 10
# Share of the work done when each step starts (the requester's and the operator's pages).
STEP_PROGRESS = {
    JoinStep.QUEUED: 0,
    JoinStep.REGISTER: 5,
    JoinStep.SCHEMA: 15,
    JoinStep.TERRITORY: 50,
    JoinStep.OPEN: 75,
    JoinStep.INVITE: 85,
    JoinStep.TRIAL: 95,
    JoinStep.DONE: 100,
}
# Two-integer advisory lock class of a provisioning in progress (warga.national uses 0x4E..).
LOCK_JOIN_PROVISION = 0x4F01
NOTE_MAX = 1000

T = TypeVar("T")


class JoinRefused(Invalid):
    """Why a request cannot be made or confirmed, in words the person can act on. `errors`
    maps each form field at fault to its message ("" for the request as a whole)."""

    def __init__(self, message: str, *, field: str = "", errors: dict[str, str] | None = None) -> None:
        self.errors = errors or {field: message}
        super().__init__(
            message,
            fields={name or "non_field_errors": [FieldError("invalid", text)] for name, text in self.errors.items()},
        )


# --- the requester ---------------------------------------------------------------------------


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


def _event(request: JoinRequest, kind: JoinEventKind, *, actor_id: uuid.UUID | None = None, **detail: object) -> None:
    JoinEvent.objects.create(request=request, kind=kind, actor_id=actor_id, detail=detail)


def _send_on_commit(*, template: str, request: JoinRequest, context: dict[str, object]) -> None:
    """Email the requester once the transaction commits; a refused mail server is logged."""
    context = {"request": request} | context
    subject = render_to_string(f"onboarding/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"onboarding/email/{template}.txt", context)
    recipient = request.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]), robust=True)


@any_scope
def status_path(request: JoinRequest) -> str:
    return f"/bergabung/permintaan/{request.public_id}/"


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


# --- the operator ----------------------------------------------------------------------------


class JoinDecisionRefused(Conflict):
    """Why the operator's decision cannot be carried out; Bahasa Indonesia, then English."""


def _locked_undecided(request_id: int, *, verb: str, verb_english: str) -> JoinRequest:
    """The request, locked, if it waits for the operator (pending, or its provisioning failed)."""
    request = JoinRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise JoinDecisionRefused(f"Permintaan {request_id} tidak ada. (No such request.)")
    if request.status not in (JoinStatus.PENDING, JoinStatus.FAILED):
        raise JoinDecisionRefused(
            f"Permintaan {request.government_name} berstatus '{request.get_status_display()}': hanya permintaan "
            f"yang menunggu keputusan atau yang gagal disiapkan dapat {verb}. "
            f"(Only a pending or failed request can be {verb_english}.)"
        )
    return request


@public_scoped
def join_request_approve(*, request_id: int, operator_id: uuid.UUID, link_port: int | None = None) -> JoinRequest:
    """The operator approves a confirmed request (or tries a failed provisioning again): the
    provisioning task is queued once this commits. `link_port` goes into the invitation's link
    (the development server's port; None in production).

    Raises JoinDecisionRefused for a request not waiting for a decision or whose government
    already exists; nothing is written then."""
    # Imported here: the task module imports this one.
    from warga.onboarding.tasks import join_request_provision_task

    with transaction.atomic():
        request = _locked_undecided(request_id, verb="disetujui", verb_english="approved")
        if Government.objects.filter(code=request.region_code).exists():
            raise JoinDecisionRefused(
                f"{request.government_name} ({request.region_code}) sudah ada di Warga; tolak permintaan ini dengan "
                "alasannya. (The government already exists; refuse the request.)"
            )
        kind = JoinEventKind.RETRY if request.status == JoinStatus.FAILED else JoinEventKind.APPROVE
        request.status = JoinStatus.PROVISIONING
        request.step = JoinStep.QUEUED
        request.progress = STEP_PROGRESS[JoinStep.QUEUED]
        request.decided_at = timezone.now()
        request.decided_by_id = operator_id
        request.link_port = link_port
        request.finished_at = None
        request.save(
            update_fields=["status", "step", "progress", "decided_at", "decided_by_id", "link_port", "finished_at"]
        )
        _event(request, kind, actor_id=operator_id, email_domain=request.email_domain)
        pk = request.pk
        transaction.on_commit(lambda: join_request_provision_task.delay(request_id=pk))
    return request


@public_scoped
def join_request_refuse(*, request_id: int, operator_id: uuid.UUID, reason: str, link_origin: str) -> JoinRequest:
    """The operator refuses a request that waits for a decision (or whose provisioning failed)
    with a reason, which is emailed to the requester; the government is free for another
    request. Raises JoinDecisionRefused for a request in another state or a missing reason."""
    reason = (reason or "").strip()
    if len(reason) < REFUSAL_REASON_MIN:
        raise JoinDecisionRefused(
            f"Tulis alasan penolakan (minimal {REFUSAL_REASON_MIN} karakter); alasan ini dikirim ke pemohon. "
            "(Write the reason; it is emailed to the requester.)"
        )
    with transaction.atomic():
        request = _locked_undecided(request_id, verb="ditolak", verb_english="refused")
        request.status = JoinStatus.REFUSED
        request.refusal_reason = reason
        request.decided_at = timezone.now()
        request.decided_by_id = operator_id
        request.save(update_fields=["status", "refusal_reason", "decided_at", "decided_by_id"])
        _event(request, JoinEventKind.REFUSE, actor_id=operator_id, reason=reason)
        _send_on_commit(
            template="refused",
            request=request,
            context={"reason": reason, "status_link": f"{link_origin}{status_path(request)}"},
        )
    return request


# --- the provisioning task -------------------------------------------------------------------


class _Progress:
    """Writes the current step of one request through a connection of its own, in autocommit:
    visible at once to everyone while the provisioning transaction is still open."""

    def __init__(self, request_id: int) -> None:
        self.request_id = request_id
        self.step = JoinStep.QUEUED
        self._connection: BaseDatabaseWrapper = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, step: str) -> None:
        self.step = JoinStep(step)
        try:
            with self._connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {JoinRequest._meta.db_table} SET step = %s, progress = %s WHERE id = %s AND status = %s",
                    [self.step.value, STEP_PROGRESS[self.step], self.request_id, JoinStatus.PROVISIONING.value],
                )
        except DatabaseError:
            # Progress is shown, not needed: a lost update never stops the provisioning.
            logger.warning("Could not record step %s of join request %s.", step, self.request_id, exc_info=True)

    def close(self) -> None:
        self._connection.close()


def _start_trial(government: Government) -> None:
    """Start the new government's trial period (warga.billing). It runs inside the provisioning
    transaction and writes only the billing account, so a later failure rolls it back with
    everything else; nothing is sent to Stripe until the government subscribes."""
    account = start_trial(government)
    if account is not None:
        logger.info("Trial of %s (%s) started, until %s.", government.name, government.code, account.trial_ends_at)


def _provision(request: JoinRequest, progress: _Progress) -> Government:
    progress(JoinStep.REGISTER)
    if Government.objects.filter(code=request.region_code).exists():
        raise JoinDecisionRefused(
            f"{request.government_name} ({request.region_code}) sudah ada di Warga (dibuat di luar permintaan ini). "
            "(The government was created meanwhile.)"
        )
    (planned,) = plan_for_codes(codes=[request.region_code])
    outcome = government_provision(planned=planned, progress=progress)
    progress(JoinStep.INVITE)
    try:
        first_admin_invite(
            code=request.region_code, email=request.email, port=request.link_port, operator_id=request.decided_by_id
        )
    except FirstAdminRefused as error:
        raise JoinDecisionRefused(str(error)) from error
    progress(JoinStep.TRIAL)
    _start_trial(outcome.government)
    return outcome.government


@public_scoped
def join_request_provision(*, request_id: int) -> JoinRequest | None:
    """Provision the government of an approved request: register it, build and seed its
    schema, open it, invite the requester as its first admin koordinator and start the trial,
    all in one transaction. Returns the request as it ends (done or failed); None when another
    process is provisioning it right now. A request not being provisioned is left as it is,
    so a redelivered task changes nothing.

    On any failure nothing of the government remains; the request is marked failed with the
    step it reached and the error, for the operator, who can approve it again."""
    # A redelivered task meeting the first still running leaves it alone.
    with session_lock_tried(LOCK_JOIN_PROVISION, request_id) as mine:
        if not mine:
            return None
        request = JoinRequest.objects.filter(pk=request_id).first()
        if request is None or request.status != JoinStatus.PROVISIONING:
            return request
        progress = _Progress(request_id)
        started = time.perf_counter()
        try:
            with transaction.atomic():
                government = _provision(request, progress)
                JoinRequest.objects.filter(pk=request_id).update(
                    status=JoinStatus.DONE,
                    step=JoinStep.DONE,
                    progress=STEP_PROGRESS[JoinStep.DONE],
                    failure_reason="",
                    failed_step="",
                    finished_at=timezone.now(),
                )
                _event(
                    request,
                    JoinEventKind.PROVISION_DONE,
                    schema=government.schema_name,
                    seconds=round(time.perf_counter() - started, 2),
                )
        except Exception as error:
            logger.exception("Provisioning join request %s failed at step %s.", request_id, progress.step)
            reason = str(error) if isinstance(error, JoinDecisionRefused) else f"{type(error).__name__}: {error}"
            with transaction.atomic():
                JoinRequest.objects.filter(pk=request_id, status=JoinStatus.PROVISIONING).update(
                    status=JoinStatus.FAILED,
                    failed_step=progress.step,
                    failure_reason=reason[:2000],
                    finished_at=timezone.now(),
                )
                _event(request, JoinEventKind.PROVISION_FAIL, step=progress.step.value, reason=reason[:2000])
        finally:
            progress.close()
        return JoinRequest.objects.get(pk=request_id)
