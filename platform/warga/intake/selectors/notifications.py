"""A citizen's in-app notifications across every government that may hold some for them, read
from the public schema: the governments come from the record of who notified the person
(`warga.notifications_public`) and from the public report index, which only intake reads."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tenants.context import government_context
from tenants.models import Government
from tenants.scope import public_scoped
from warga.intake.models import ReportIndex
from warga.intake.reporters import index_rows_of
from warga.notifications.models import Notification
from warga.notifications.selectors import notifications_for_user, notifications_unread_count
from warga.notifications_public.models import NotificationGovernment


@public_scoped
def governments_with_notifications_for(*, user_id: uuid.UUID) -> list[Government]:
    """The ready governments whose schema may hold notifications for this person: those that
    notified them (recorded as it happened) and those holding their reports (the public report
    index, which also covers notifications from before that record existed). Two queries,
    whatever the number of governments on the platform."""
    noted = NotificationGovernment.objects.filter(user_id=user_id).values("government_id")
    reported = ReportIndex.objects.filter(index_rows_of(user_id)).values("government_id")
    return list(Government.objects.filter(is_ready=True).filter(pk__in=noted.union(reported)).order_by("code", "pk"))


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
