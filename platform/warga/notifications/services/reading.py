"""A person marks their notifications read."""

from __future__ import annotations

import uuid

from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.errors import NotFound
from warga.notifications.models import Channel, Notification


class NotificationNotFound(NotFound):
    """No notification with that id belongs to the person asking."""


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
