"""Reads of a person's notifications in the current government's schema. The citizen app's list
across every government that holds some for them is intake's (`warga.intake.selectors.notifications`):
it finds those governments through the public report index."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from tenants.scope import any_scope, tenant_scoped
from warga.notifications.models import Channel, ChannelPreference, DeliveryStatus, Notification


@tenant_scoped
def notifications_for_user(*, user_id: uuid.UUID, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's in-app notifications, newest first (email/SMS rows are delivery records)."""
    rows = Notification.objects.filter(recipient_id=user_id, channel=Channel.IN_APP)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


@tenant_scoped
def notifications_unread_count(*, user_id: uuid.UUID) -> int:
    return Notification.objects.filter(recipient_id=user_id, channel=Channel.IN_APP, read_at__isnull=True).count()


@tenant_scoped
def channel_preferences_all() -> dict[uuid.UUID, ChannelPreference]:
    """Every stored choice of the government's schema, by person (one query): its officials'
    and those of anyone who saved the notifications page on its host. Routing's configuration
    cache holds them (docs/decisions/0140)."""
    return {p.user_id: p for p in ChannelPreference.objects.all()}


@tenant_scoped
def channel_preference_for(*, user_id: uuid.UUID) -> ChannelPreference:
    """The stored choice, or the defaults (email on, the others off) unsaved."""
    return ChannelPreference.objects.filter(user_id=user_id).first() or ChannelPreference(user_id=user_id)


@any_scope
def notification_channels_offered() -> tuple[Channel, ...]:
    """The channels this installation can deliver on: in-app and email always; SMS, WhatsApp
    and web push when their sender is configured (config.settings, Notification channels)."""
    optional = {
        Channel.SMS: bool(settings.WARGA_SMS_SENDER),
        Channel.WHATSAPP: bool(settings.WARGA_WHATSAPP_SENDER),
        Channel.PUSH: bool(settings.WARGA_VAPID_PRIVATE_KEY),
    }
    return (Channel.IN_APP, Channel.EMAIL, *(channel for channel, on in optional.items() if on))


@tenant_scoped
def notifications_of_report(*, report_id: int) -> QuerySet[Notification]:
    """Everyone told about a report of the current schema, on every channel, oldest first:
    the officials' answer to "who was notified and when"."""
    return Notification.objects.filter(report_id=report_id).order_by("created_at", "id")


@any_scope  # builds a query; beat's dispatcher runs it in every schema at once
def notifications_waiting_for_their_task(*, older_than: datetime.timedelta | None = None) -> QuerySet[Notification]:
    """Notifications queued longer than `older_than` (the resend interval by default) and never
    tried: their delivery task was lost. Also beat's probe for `notifications.resend_waiting`
    across every schema (settings.WARGA_FAN_OUT_PROBES): one table, the `notification_waiting`
    partial index."""
    if older_than is None:
        older_than = datetime.timedelta(seconds=settings.WARGA_RESEND_WAITING_SECONDS)
    return Notification.objects.filter(
        status=DeliveryStatus.QUEUED, attempts=0, created_at__lt=timezone.now() - older_than
    )
