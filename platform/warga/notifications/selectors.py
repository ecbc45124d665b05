"""Reads of a person's notifications: in the current government's schema, and (for the
citizen app on the public host) across the governments that hold some for them."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from tenants.context import government_context
from tenants.scope import any_scope, public_scoped, tenant_scoped
from warga.notifications.models import Channel, ChannelPreference, DeliveryStatus, Notification
from warga.notifications_public.selectors import governments_with_notifications_for


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


@dataclass(frozen=True)
class CitizenNotification:
    """One in-app notification and the government whose schema holds it."""

    notification: Notification
    government_code: str | None
    government_name: str
    government_slug: str


@dataclass(frozen=True)
class CitizenNotificationsPage:
    items: tuple[CitizenNotification, ...]
    unread: int
    next_offset: int | None


@public_scoped
def notifications_of_citizen(*, user_id: uuid.UUID, limit: int = 20, offset: int = 0) -> CitizenNotificationsPage:
    """The person's in-app notifications in every government that may hold some, newest first.

    The governments come from the public schema (warga.notifications_public: those that notified the
    person, and those holding their reports); each is read in its own schema, one query for
    the page and one for the unread count per government, whatever the number of
    notifications. Never walks every schema.
    """
    collected: list[CitizenNotification] = []
    unread = 0
    for government in governments_with_notifications_for(user_id=user_id):
        with government_context(government):
            rows = list(notifications_for_user(user_id=user_id)[: offset + limit + 1])
            unread += notifications_unread_count(user_id=user_id)
        collected.extend(
            CitizenNotification(
                notification=row,
                government_code=government.code,
                government_name=government.name,
                government_slug=government.slug,
            )
            for row in rows
        )
    collected.sort(
        key=lambda item: (item.notification.created_at, item.government_code or "", item.notification.pk), reverse=True
    )
    page = collected[offset : offset + limit]
    more = len(collected) > offset + limit
    return CitizenNotificationsPage(items=tuple(page), unread=unread, next_offset=offset + limit if more else None)


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
