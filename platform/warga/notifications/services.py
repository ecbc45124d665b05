"""Writes of notifications in the current government's schema.

`notifications_send` records one row per recipient and channel inside the caller's
transaction and queues their delivery after commit; `notification_deliver` sends one row and
is safe to run any number of times (a sent row is never sent again). It holds no database
transaction while it waits for a gateway (docs/decisions/0048).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from email.mime.image import MIMEImage
from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone

from tenants.context import current_schema, tenant_connection
from tenants.models import Government
from tenants.scope import any_scope, tenant_scoped
from tenants.tasks import send_on_commit
from warga.accounts.models import Language, User
from warga.accounts.sms import SmsBudgetExhausted, SmsNotAllowed, sms_sender
from warga.advisory import advisory_key, session_lock_tried
from warga.errors import Conflict, FieldError, Invalid, NotFound
from warga.health.metrics import NOTIFICATIONS
from warga.notifications.gateway import DeliveryError, gateway_idempotency_key
from warga.notifications.models import Channel, ChannelPreference, DeliveryStatus, EventKind, Notification
from warga.notifications.push import PushMessage, push_send
from warga.notifications.selectors import notification_channels_offered, notifications_waiting_for_their_task
from warga.notifications.whatsapp import whatsapp_sender
from warga.notifications_public.selectors import push_subscriptions_of, users_with_push
from warga.notifications_public.services import (
    notification_governments_note,
    push_subscription_gone,
    push_subscription_used,
)
from warga.organization.selectors import branding_current, branding_logo

if TYPE_CHECKING:
    from warga.reports.models import Report

# Retries of one delivery, after the first attempt (the task's max_retries).
MAX_ATTEMPTS = 5
# Notifications per delivery task sent by the resend pass.
RESEND_BATCH = 50
_ERROR_MAX = 500


class NotificationNotFound(NotFound):
    """No notification with that id belongs to the person asking."""


class DeliveryRefused(Conflict):
    """The notification cannot be delivered to this recipient at all (no address, inactive)."""

    code = "delivery_refused"
    retryable = False


class ChannelUnavailable(Invalid):
    """A person chose a channel this installation does not offer (its sender is not configured)."""

    code = "channel_unavailable"

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        message = f"Notifikasi lewat {channel.label} tidak tersedia di Warga ini."
        super().__init__(message, fields={channel.value: [FieldError(self.code, message)]})


# A person's choice of optional channels, in the order they are queued.
OPTIONAL_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP, Channel.PUSH)


def _current_government() -> Government:
    tenant = tenant_connection().tenant
    if isinstance(tenant, Government):
        return tenant
    return Government.objects.get(schema_name=current_schema())


@dataclass(frozen=True)
class NotificationEvent:
    """One event to tell some people about (see notifications_send)."""

    recipient_ids: Sequence[uuid.UUID]
    report_id: int | None
    kind: EventKind | str
    context: Mapping[str, Any]
    dedup_key: str


@tenant_scoped
def notifications_send(
    *,
    recipient_ids: Iterable[uuid.UUID],
    report_id: int | None,
    kind: EventKind | str,
    context: Mapping[str, Any],
    dedup_key: str,
) -> list[int]:
    """Record `kind` for every recipient on each channel they chose, and queue delivery.

    Runs in the caller's transaction: if it rolls back, nobody is notified. `dedup_key` names
    the event (e.g. `routed:<report id>`); a repeat with the same key adds nothing, so callers
    may retry freely. In-app rows count as delivered once stored. Only channels this
    installation offers are queued (a stored choice of a channel switched off since is
    ignored), and web push only for people with a subscribed browser. The public record of
    which governments notified whom is written in the same transaction. Returns the ids of the
    rows created now and queued for delivery.
    """
    event = NotificationEvent(
        recipient_ids=list(recipient_ids), report_id=report_id, kind=kind, context=context, dedup_key=dedup_key
    )
    return notifications_send_many(events=[event])


@tenant_scoped
def notifications_send_many(*, events: Sequence[NotificationEvent], first_time: bool = False) -> list[int]:
    """notifications_send for several events at once, in four statements whatever their number
    (preferences, rows, the public record, and the ids of the rows queued) and one delivery
    task. With `first_time`, the caller guarantees that no event was sent before (a report
    written in this very transaction): the rows are inserted without skipping conflicts and
    their ids come back with the insert (three statements)."""
    recipients = list(dict.fromkeys(r for event in events for r in event.recipient_ids))
    if not recipients:
        return []
    chosen = {p.user_id: p for p in ChannelPreference.objects.filter(user_id__in=recipients)}
    offered = set(notification_channels_offered())
    pushable = users_with_push(user_ids=recipients) if Channel.PUSH in offered else set()
    now = timezone.now()
    rows: list[Notification] = []
    for event in events:
        for recipient in dict.fromkeys(event.recipient_ids):
            preference = chosen.get(recipient) or ChannelPreference(user_id=recipient)
            channels = [Channel.IN_APP] + [
                channel
                for channel in OPTIONAL_CHANNELS
                if channel in offered
                and getattr(preference, channel.value)
                and (channel != Channel.PUSH or recipient in pushable)
            ]
            for channel in channels:
                in_app = channel == Channel.IN_APP
                rows.append(
                    Notification(
                        recipient_id=recipient,
                        report_id=event.report_id,
                        kind=event.kind,
                        channel=channel,
                        status=DeliveryStatus.SENT if in_app else DeliveryStatus.QUEUED,
                        context=dict(event.context),
                        dedup_key=f"{event.dedup_key}:{recipient}:{channel}",
                        created_at=now,
                        sent_at=now if in_app else None,
                    )
                )
    if first_time:
        Notification.objects.bulk_create(rows)
        queued = [row.pk for row in rows if row.channel != Channel.IN_APP]
    else:
        # Conflicting rows were written by an earlier run of the same event: skipped, not repeated.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        queued = list(
            Notification.objects.filter(
                dedup_key__in=[row.dedup_key for row in rows if row.channel != Channel.IN_APP],
                status=DeliveryStatus.QUEUED,
                created_at=now,
            ).values_list("id", flat=True)
        )
    notification_governments_note(user_ids=recipients, government=_current_government())
    if queued:
        from warga.notifications.tasks import notifications_deliver

        send_on_commit(notifications_deliver, kwargs={"notification_ids": queued})
    return queued


def _render(notification: Notification, *, language: str) -> tuple[str, str]:
    """(subject, body) in the recipient's language; Bahasa Indonesia when unknown."""
    language = language if language in {Language.INDONESIAN, Language.ENGLISH} else Language.INDONESIAN
    text = render_to_string(f"notifications/email/{language}/{notification.kind}.txt", notification.context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def _push(user: User, *, subject: str, body: str) -> None:
    """To every browser the person subscribed. Delivered when one took it: the others'
    temporary failures are not retried, since a retry would alert the browsers that already
    showed it a second time. Subscriptions the push service reports gone are deleted."""
    subscriptions = list(push_subscriptions_of(user_id=user.pk))
    message = PushMessage(title=subject, body=body.split("\n", 1)[0], url="/notifikasi/")
    errors: list[DeliveryError] = []
    delivered = False
    for subscription in subscriptions:
        outcome = push_send(subscription=subscription, message=message)
        if outcome.delivered:
            delivered = True
            push_subscription_used(subscription_id=subscription.pk)
        elif outcome.gone:
            push_subscription_gone(subscription_id=subscription.pk)
        elif outcome.error is not None:
            errors.append(outcome.error)
    if delivered:
        return
    if errors:
        raise next((error for error in errors if error.retryable), errors[0])
    raise DeliveryRefused("Penerima tidak memiliki langganan notifikasi peramban yang masih berlaku.")


# The email connection a batch of deliveries shares (emails_batched), or None: one each.
_email_connection: ContextVar[BaseEmailBackend | None] = ContextVar("email_connection", default=None)


@any_scope
@contextmanager
def emails_batched() -> Iterator[None]:
    """Send the emails of every notification delivered inside the block over one connection
    to the mail server, opened at the first email and closed at the end (or after an error, to
    be opened afresh by the next email): a delivery task's batch costs one SMTP session
    instead of one per message. Other channels are unaffected."""
    backend = get_connection()
    token = _email_connection.set(backend)
    try:
        yield
    finally:
        _email_connection.reset(token)
        with suppress(OSError):  # the server went away; nothing is left to close
            backend.close()


# Warga's own colour, for a government that chose none (the pages use the same).
WARGA_COLOUR = "#b3261e"
LOGO_CID = "logo"
FOOTERS: dict[str, str] = {
    Language.INDONESIAN: "Pesan ini dikirim oleh {name} melalui Warga. Atur notifikasi Anda di /notifikasi/.",
    Language.ENGLISH: "Sent by {name} through Warga. Choose your notifications at /notifikasi/.",
}


def _branded_email(subject: str, body: str, to: str, *, language: str) -> EmailMultiAlternatives:
    """The email of a notification, in the current government's branding (warga.organization:
    its display name, colour and logo): a text part signed with its name, and an HTML part with
    its colour and its logo attached inline. Read from the schema the delivery runs in, so a
    government's email never carries another's brand."""
    government = _current_government()
    brand = branding_current(government=government)
    language = language if language in FOOTERS else Language.INDONESIAN
    footer = FOOTERS[language].format(name=brand.name)
    logo = branding_logo() if brand.logo_sha256 else None
    html = render_to_string(
        "notifications/email/branded.html",
        {
            "language": language,
            "subject": subject,
            "paragraphs": [line for line in body.splitlines() if line.strip()],
            "brand_name": brand.name,
            "colour": brand.colour or WARGA_COLOUR,
            "logo_cid": LOGO_CID if logo is not None else "",
            "footer": footer,
        },
    )
    message = EmailMultiAlternatives(subject, f"{body.rstrip()}\n\n-- \n{footer}\n", None, [to])
    message.attach_alternative(html, "text/html")
    if logo is not None:
        # multipart/related: the HTML refers to the logo by its Content-ID.
        message.mixed_subtype = "related"  # type: ignore[attr-defined]  # Django's, missing from the stubs
        image = MIMEImage(logo[0], "png")
        image.add_header("Content-ID", f"<{LOGO_CID}>")
        image.add_header("Content-Disposition", "inline", filename="logo.png")
        message.attach(image)
    return message


def _email(subject: str, body: str, to: str, *, language: str) -> None:
    message = _branded_email(subject, body, to, language=language)
    backend = _email_connection.get()
    if backend is None:
        message.send()
        return
    try:
        backend.open()  # no-op while open: one session for the batch
        message.connection = backend
        message.send()
    except OSError:
        backend.close()
        raise


def _send(notification: Notification, user: User | None) -> None:
    if user is None or not user.is_active:
        raise DeliveryRefused("Penerima tidak ada atau tidak aktif.")
    if notification.channel not in notification_channels_offered():
        raise DeliveryRefused(f"Saluran {notification.channel} tidak lagi tersedia di Warga ini.")
    subject, body = _render(notification, language=user.language)
    if notification.channel == Channel.EMAIL:
        if not user.email:
            raise DeliveryRefused("Penerima tidak memiliki alamat email.")
        _email(subject, body, user.email, language=user.language)
    elif notification.channel == Channel.SMS:
        # Like WhatsApp: only to a number the person proved they hold. A number merely typed in
        # at sign-up could be anyone's, and texting it would spend money on a stranger.
        if not user.phone or not user.phone_verified:
            raise DeliveryRefused("Penerima tidak memiliki nomor telepon yang terverifikasi.")
        sms_sender().send(to=user.phone, text=subject)
    elif notification.channel == Channel.WHATSAPP:
        # WhatsApp is tied to a number the person proved they hold, never one merely typed in.
        if not user.phone or not user.phone_verified:
            raise DeliveryRefused("Penerima tidak memiliki nomor telepon yang terverifikasi.")
        whatsapp_sender().send(to=user.phone, text=f"{subject}\n\n{body}".strip())
    elif notification.channel == Channel.PUSH:
        _push(user, subject=subject, body=body)


@any_scope
def delivery_lock_key(*, schema: str, notification_id: int) -> int:
    """The advisory lock that claims one notification of one schema while it is being sent."""
    return advisory_key("notification", schema, notification_id)


def _delivery_claimed(notification_id: int) -> AbstractContextManager[bool]:
    """Claim the notification for this process for as long as the block runs: True when
    claimed, False when another process is sending it right now (warga.advisory)."""
    return session_lock_tried(delivery_lock_key(schema=current_schema(), notification_id=notification_id))


@tenant_scoped
def notification_deliver(*, notification_id: int) -> str:
    """Send one queued notification. Returns "sent", "skipped" (already done, or being sent
    by another worker right now), "retry" (a temporary failure; still queued) or "failed".

    The notification is claimed (an advisory lock) while sending, so two workers never send
    it twice; the gateway is called outside any transaction, and the outcome written after in
    one statement. A temporary failure (gateway timeout, 5xx) keeps it queued until
    MAX_ATTEMPTS, then it is marked failed. A worker that dies mid-send leaves it queued:
    sent again by the redelivered task, with the same Idempotency-Key for the gateway to
    recognise the repeat (docs/decisions/0063).
    """
    with _delivery_claimed(notification_id) as claimed:
        if not claimed:
            return "skipped"
        notification = Notification.objects.filter(pk=notification_id, status=DeliveryStatus.QUEUED).first()
        if notification is None:
            return "skipped"
        user = User.objects.filter(pk=notification.recipient_id).first()
        notification.attempts += 1
        outcome = "sent"
        try:
            with gateway_idempotency_key(f"warga-{current_schema()}-notification-{notification_id}"):
                _send(notification, user)
        except (DeliveryRefused, DeliveryError, SmsBudgetExhausted, SmsNotAllowed, OSError) as error:
            retryable = getattr(error, "retryable", True)
            notification.last_error = str(error)[:_ERROR_MAX]
            outcome = "retry" if retryable and notification.attempts <= MAX_ATTEMPTS else "failed"
            if outcome == "failed":
                notification.status = DeliveryStatus.FAILED
        else:
            notification.status = DeliveryStatus.SENT
            notification.sent_at = timezone.now()
            notification.last_error = ""
        notification.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    NOTIFICATIONS.labels(channel=notification.channel, outcome=outcome).inc()
    return outcome


@tenant_scoped
def notifications_resend_waiting(*, older_than: datetime.timedelta, limit: int = 1000) -> int:
    """Send the delivery task again for notifications of the current government queued longer
    than `older_than` and never tried: their task was lost (the broker was down when they were
    written, or went down holding the message). Returns how many were sent again.

    Safe beside a task still in the queue: delivery claims each notification and skips one
    already sent, so a notification is delivered once whichever task comes first.
    """
    from warga.notifications.tasks import notifications_deliver

    waiting = list(
        notifications_waiting_for_their_task(older_than=older_than).order_by("id").values_list("id", flat=True)[:limit]
    )
    for start in range(0, len(waiting), RESEND_BATCH):
        send_on_commit(notifications_deliver, kwargs={"notification_ids": waiting[start : start + RESEND_BATCH]})
    return len(waiting)


@tenant_scoped
def notification_mark_read(*, user_id: uuid.UUID, notification_id: int) -> Notification:
    """Mark one of `user_id`'s in-app notifications read (again: no change)."""
    notification = Notification.objects.filter(pk=notification_id, recipient_id=user_id, channel=Channel.IN_APP).first()
    if notification is None:
        raise NotificationNotFound(f"Notifikasi {notification_id} tidak ditemukan.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@tenant_scoped
def notifications_mark_all_read(*, user_id: uuid.UUID) -> int:
    return Notification.objects.filter(recipient_id=user_id, channel=Channel.IN_APP, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@tenant_scoped
def channel_preference_set(
    *, user_id: uuid.UUID, email: bool, sms: bool, whatsapp: bool | None = None, push: bool | None = None
) -> ChannelPreference:
    """Store the person's channels in this government. A channel left as None keeps its
    stored value. Turning on a channel the installation does not offer raises
    ChannelUnavailable and stores nothing; turning one off is always allowed."""
    wanted = {"email": email, "sms": sms, "whatsapp": whatsapp, "push": push}
    offered = notification_channels_offered()
    for name, on in wanted.items():
        if on and Channel(name) not in offered:
            raise ChannelUnavailable(Channel(name))
    preference, _ = ChannelPreference.objects.update_or_create(
        user_id=user_id, defaults={name: on for name, on in wanted.items() if on is not None}
    )
    return preference


@tenant_scoped
def notifications_report_status_changed(*, report: Report, from_status: str, at: datetime.datetime) -> list[int]:
    """Tell the reporter their report moved (every state change, issue 5). Called by the
    reports services inside the change's transaction."""
    return notifications_send(
        recipient_ids=[report.reporter_id],
        report_id=report.pk,
        kind=EventKind.REPORT_STATUS_CHANGED,
        context={"tracking_number": report.tracking_number, "from_status": from_status, "to_status": report.status},
        dedup_key=f"status:{report.pk}:{report.status}:{at.isoformat()}",
    )
