"""Delivering one notification on its channel, safe to run any number of times (a sent row is
never sent again), holding no transaction while it waits for a gateway; and beat's resend of
the rows whose task was lost."""

from __future__ import annotations

import datetime
from contextlib import AbstractContextManager

from django.template.loader import render_to_string
from django.utils import timezone

from tenants.context import current_schema
from tenants.scope import any_scope, tenant_scoped
from tenants.tasks import send_on_commit
from warga.accounts.models import Language, User
from warga.accounts.sms import SmsBudgetExhausted, SmsNotAllowed, sms_sender
from warga.advisory import advisory_key, session_lock_tried
from warga.counters import NOTIFICATIONS
from warga.errors import Conflict
from warga.notifications.gateway import DeliveryError, gateway_idempotency_key
from warga.notifications.models import Channel, DeliveryStatus, Notification
from warga.notifications.push import PushMessage, push_send
from warga.notifications.selectors import notification_channels_offered, notifications_waiting_for_their_task
from warga.notifications.services.emails import _email
from warga.notifications.whatsapp import whatsapp_sender
from warga.notifications_public.selectors import push_subscriptions_of
from warga.notifications_public.services import push_subscription_gone, push_subscription_used

# Retries of one delivery, after the first attempt (the task's max_retries).
MAX_ATTEMPTS = 5
# Notifications per delivery task sent by the resend pass.
RESEND_BATCH = 50
_ERROR_MAX = 500


class DeliveryRefused(Conflict):
    """The notification cannot be delivered to this recipient at all (no address, inactive)."""

    code = "delivery_refused"
    retryable = False


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
    # Imported here, unavoidably: the task module imports these services to run them.
    from warga.notifications.tasks import notifications_deliver

    waiting = list(
        notifications_waiting_for_their_task(older_than=older_than).order_by("id").values_list("id", flat=True)[:limit]
    )
    for start in range(0, len(waiting), RESEND_BATCH):
        send_on_commit(notifications_deliver, kwargs={"notification_ids": waiting[start : start + RESEND_BATCH]})
    return len(waiting)
