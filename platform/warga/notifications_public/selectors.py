"""Reads of push subscriptions and of where a person's notifications are (public schema)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from tenants.models import Government
from tenants.scope import any_scope, public_scoped
from warga.intake.models import ReportIndex
from warga.intake.reporters import index_rows_of
from warga.notifications_public.models import NotificationGovernment, PushSubscription


@any_scope
def push_subscriptions_of(*, user_id: uuid.UUID) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user_id=user_id).order_by("id")


@any_scope
def users_with_push(*, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return set(PushSubscription.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True).distinct())


@public_scoped
def governments_with_notifications_for(*, user_id: uuid.UUID) -> list[Government]:
    """The ready governments whose schema may hold notifications for this person: those that
    notified them (recorded as it happened) and those holding their reports (the public report
    index, which also covers notifications from before that record existed). Two queries,
    whatever the number of governments on the platform."""
    noted = NotificationGovernment.objects.filter(user_id=user_id).values("government_id")
    reported = ReportIndex.objects.filter(index_rows_of(user_id)).values("government_id")
    return list(Government.objects.filter(is_ready=True).filter(pk__in=noted.union(reported)).order_by("code", "pk"))
