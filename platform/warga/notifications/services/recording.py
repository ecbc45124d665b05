"""Notifications recorded, one row per recipient and channel, inside the caller's transaction,
their delivery queued after the commit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tenants.scope import tenant_scoped
from tenants.tasks import send_on_commit
from warga.notifications.models import Channel, ChannelPreference, DeliveryStatus, EventKind, Notification
from warga.notifications.selectors import notification_channels_offered
from warga.notifications.services._common import _current_government
from warga.notifications_public.selectors import users_with_push
from warga.notifications_public.services import notification_governments_note

# A person's choice of optional channels, in the order they are queued.
OPTIONAL_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP, Channel.PUSH)


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
def notifications_send_many(
    *,
    events: Sequence[NotificationEvent],
    first_time: bool = False,
    preferences: Mapping[uuid.UUID, ChannelPreference] | None = None,
) -> list[int]:
    """notifications_send for several events at once, in four statements whatever their number
    (preferences, rows, the public record, and the ids of the rows queued) and one delivery
    task. With `first_time`, the caller guarantees that no event was sent before (a report
    written in this very transaction): the rows are inserted without skipping conflicts and
    their ids come back with the insert (three statements). `preferences`: EVERY stored
    choice of the schema, as `channel_preferences_all` gives them, read in this transaction
    (routing's configuration holds them); a person missing from it gets the defaults. One
    statement less; read here when not given."""
    recipients = list(dict.fromkeys(r for event in events for r in event.recipient_ids))
    if not recipients:
        return []
    if preferences is None:
        preferences = {p.user_id: p for p in ChannelPreference.objects.filter(user_id__in=recipients)}
    offered = set(notification_channels_offered())
    pushable = users_with_push(user_ids=recipients) if Channel.PUSH in offered else set()
    now = timezone.now()
    rows: list[Notification] = []
    for event in events:
        for recipient in dict.fromkeys(event.recipient_ids):
            preference = preferences.get(recipient) or ChannelPreference(user_id=recipient)
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
        # Imported here, unavoidably: the task module imports these services to run them.
        from warga.notifications.tasks import notifications_deliver

        send_on_commit(notifications_deliver, kwargs={"notification_ids": queued})
    return queued
