"""Reads of push subscriptions (public schema)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from tenants.scope import any_scope
from warga.notifications_public.models import PushSubscription


@any_scope
def push_subscriptions_of(*, user_id: uuid.UUID) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user_id=user_id).order_by("id")


@any_scope
def users_with_push(*, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return set(PushSubscription.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True).distinct())
