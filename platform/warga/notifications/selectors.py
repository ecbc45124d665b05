"""Reads of a person's notifications in the current government's schema."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from warga.notifications.models import Channel, ChannelPreference, Notification


def notifications_for_user(*, user_id: uuid.UUID, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's in-app notifications, newest first (email/SMS rows are delivery records)."""
    rows = Notification.objects.filter(recipient_id=user_id, channel=Channel.IN_APP)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def notifications_unread_count(*, user_id: uuid.UUID) -> int:
    return Notification.objects.filter(recipient_id=user_id, channel=Channel.IN_APP, read_at__isnull=True).count()


def channel_preference_for(*, user_id: uuid.UUID) -> ChannelPreference:
    """The stored choice, or the defaults (email on, SMS off) unsaved."""
    return ChannelPreference.objects.filter(user_id=user_id).first() or ChannelPreference(user_id=user_id)
