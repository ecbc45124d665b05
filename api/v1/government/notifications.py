"""Notifications over HTTP on a government's host: my notifications in that government,
marking them read, my channels there. A citizen's notifications across governments are
api.v1.public.notifications; web push subscriptions, on every host, api.v1.push.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, signed_in_user
from api.v1.bounds import BoundedSerializer, PagingQuery
from tenants.host_kinds import GOVERNMENT
from warga.notifications.models import Channel, ChannelPreference
from warga.notifications.selectors import (
    channel_preference_for,
    notification_channels_offered,
    notifications_for_user,
    notifications_unread_count,
)
from warga.notifications.services import (
    channel_preference_set,
    notification_mark_read,
    notifications_mark_all_read,
)


class NotificationOutput(BoundedSerializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    report_id = serializers.IntegerField(allow_null=True)
    details = serializers.DictField(source="context")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class PreferenceSerializer(BoundedSerializer):
    in_app = serializers.BooleanField(read_only=True, default=True)
    email = serializers.BooleanField()
    sms = serializers.BooleanField()
    # Optional on input (a client that predates them keeps the stored choice).
    whatsapp = serializers.BooleanField(required=False)
    push = serializers.BooleanField(required=False)


def _preference_body(preference: ChannelPreference) -> dict[str, Any]:
    return {
        **PreferenceSerializer(preference).data,
        "offered": [str(channel) for channel in notification_channels_offered()],
    }


class NotificationListView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            (
                "The signed-in person's notifications in this government, newest first (`unread=true` for"
                " unread only), paged with `limit`/`offset`."
            ),
            who=openapi.SIGNED_IN,
            host=openapi.GOVERNMENT_HOST,
        ),
        parameters=[
            OpenApiParameter("unread", bool, required=False),
            PagingQuery,
        ],
        responses={200: inline_serializer("NotificationPage", {"results": NotificationOutput(many=True)})},
        summary="My notifications in this government, newest first",
    )
    def get(self, request: Request) -> Response:
        paging = PagingQuery(
            data={k: request.query_params[k] for k in ("limit", "offset") if k in request.query_params}
        )
        paging.is_valid(raise_exception=True)
        limit, offset = paging.validated_data["limit"], paging.validated_data["offset"]
        rows = notifications_for_user(
            user_id=signed_in_user(request).pk, unread_only=request.query_params.get("unread") in {"1", "true"}
        )
        return Response({"results": NotificationOutput(rows[offset : offset + limit], many=True).data})


class NotificationUnreadCountView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="My unread notifications in this government",
        description=openapi.describe(
            "How many of my notifications in this government are unread.",
            who=openapi.SIGNED_IN,
            host=openapi.GOVERNMENT_HOST,
        ),
        responses={200: inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})},
    )
    def get(self, request: Request) -> Response:
        return Response({"unread": notifications_unread_count(user_id=signed_in_user(request).pk)})


class NotificationReadView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            "Marks one of my notifications read.",
            who=openapi.SIGNED_IN,
            host=openapi.GOVERNMENT_HOST,
            errors={"404 not_found": "No such notification of yours here."},
        ),
        request=None,
        responses={200: NotificationOutput},
        summary="Mark one notification read",
    )
    def post(self, request: Request, notification_id: int) -> Response:
        notification = notification_mark_read(user_id=signed_in_user(request).pk, notification_id=notification_id)
        return Response(NotificationOutput(notification).data)


class NotificationReadAllView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Mark all my notifications read",
        description=openapi.describe(
            "Marks all my notifications in this government read; answers how many.",
            who=openapi.SIGNED_IN,
            host=openapi.GOVERNMENT_HOST,
        ),
        request=None,
        responses={200: inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})},
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": notifications_mark_all_read(user_id=signed_in_user(request).pk)})


class PreferenceOutput(PreferenceSerializer):
    offered = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        help_text="Channels this installation delivers on; only these can be turned on.",
    )


class NotificationPreferenceView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            (
                "Which channels (email, SMS, WhatsApp, web push) my notifications of this government go "
                "to, and which this installation offers (`offered`)."
            ),
            who=openapi.SIGNED_IN,
            host=openapi.GOVERNMENT_HOST,
        ),
        responses={200: PreferenceOutput},
        summary="My notification channels in this government",
    )
    def get(self, request: Request) -> Response:
        return Response(_preference_body(channel_preference_for(user_id=signed_in_user(request).pk)))

    @extend_schema(
        summary="Set my notification channels in this government",
        description=openapi.describe(
            (
                "Turns channels on or off for my notifications of this government; only channels in "
                "`offered` can be turned on."
            ),
            who=openapi.SIGNED_IN,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 channel_unavailable": "That channel is not offered here.",
                "429 rate_limited": "Channels changed too often in this government (10 saves an hour per account).",
            },
        ),
        request=PreferenceSerializer,
        responses={200: PreferenceOutput},
    )
    def put(self, request: Request) -> Response:
        given = PreferenceSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        preference = channel_preference_set(user_id=signed_in_user(request).pk, **given.validated_data)
        return Response(_preference_body(preference))


# --- across governments (public host) -------------------------------------------------------------
