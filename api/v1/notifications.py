"""Notifications over HTTP.

On a government's host: my notifications in that government, marking them read, my channels
there. On the public host: my notifications across governments (`me/notifications/`). On every
host: subscribing this browser to web push (`me/push-subscriptions/`; the subscription belongs
to the account, wherever it was made).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, require_government_host, require_public_host, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.errors import body
from warga.notifications.models import Channel, ChannelPreference
from warga.notifications.selectors import (
    channel_preference_for,
    notification_channels_offered,
    notifications_for_user,
    notifications_of_citizen,
    notifications_unread_count,
)
from warga.notifications.services import (
    channel_preference_set,
    notification_mark_read,
    notifications_mark_all_read,
)
from warga.recipients.services import (
    push_subscription_delete,
    push_subscription_save,
)


class PagingQuery(BoundedSerializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, max_value=10_000, default=0)


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
        require_government_host()
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
        require_government_host()
        return Response({"unread": notifications_unread_count(user_id=signed_in_user(request).pk)})


class NotificationReadView(ApiView):
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
        require_government_host()
        notification = notification_mark_read(user_id=signed_in_user(request).pk, notification_id=notification_id)
        return Response(NotificationOutput(notification).data)


class NotificationReadAllView(ApiView):
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
        require_government_host()
        return Response({"marked": notifications_mark_all_read(user_id=signed_in_user(request).pk)})


class PreferenceOutput(PreferenceSerializer):
    offered = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        help_text="Channels this installation delivers on; only these can be turned on.",
    )


class NotificationPreferenceView(ApiView):
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
        require_government_host()
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
            errors={"400 channel_unavailable": "That channel is not offered here."},
        ),
        request=PreferenceSerializer,
        responses={200: PreferenceOutput},
    )
    def put(self, request: Request) -> Response:
        require_government_host()
        given = PreferenceSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        preference = channel_preference_set(user_id=signed_in_user(request).pk, **given.validated_data)
        return Response(_preference_body(preference))


# --- across governments (public host) -------------------------------------------------------------


class CitizenNotificationOutput(BoundedSerializer):
    id = serializers.IntegerField(source="notification.id")
    government_code = serializers.CharField(allow_null=True)
    government_name = serializers.CharField()
    government_slug = serializers.CharField(help_text="The government's host is <slug>.<base domain>.")
    kind = serializers.CharField(source="notification.kind")
    details = serializers.DictField(source="notification.context")
    created_at = serializers.DateTimeField(source="notification.created_at")
    read_at = serializers.DateTimeField(source="notification.read_at", allow_null=True)


class MyNotificationsView(ApiView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            ("A citizen's in-app notifications from every government, newest first, with the unread count."),
            who=openapi.CITIZEN,
            host=openapi.PUBLIC_HOST,
        ),
        parameters=[PagingQuery],
        responses={
            200: inline_serializer(
                "MyNotificationsPage",
                {
                    "results": CitizenNotificationOutput(many=True),
                    "unread": serializers.IntegerField(),
                    "next_offset": serializers.IntegerField(allow_null=True),
                },
            )
        },
        summary="My in-app notifications across every government that holds some (public host)",
    )
    def get(self, request: Request) -> Response:
        require_public_host()
        paging = PagingQuery(data=request.query_params)
        paging.is_valid(raise_exception=True)
        page = notifications_of_citizen(user_id=signed_in_user(request).pk, **paging.validated_data)
        return Response(
            {
                "results": CitizenNotificationOutput(page.items, many=True).data,
                "unread": page.unread,
                "next_offset": page.next_offset,
            }
        )


# --- web push subscriptions (every host) ---------------------------------------------------------


class PushKeysInput(BoundedSerializer):
    p256dh = serializers.CharField(max_length=100)
    auth = serializers.CharField(max_length=50)


class PushSubscriptionInput(BoundedSerializer):
    """What the browser's `PushSubscription.toJSON()` gives; `expirationTime` is ignored (the
    push service's 404/410 is what ends a subscription)."""

    endpoint = serializers.CharField(max_length=2000)
    keys = PushKeysInput()


class PushEndpointInput(BoundedSerializer):
    endpoint = serializers.CharField(max_length=2000)


class PushSubscriptionView(ApiView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            (
                "Saves this browser's web push subscription (what `PushSubscription.toJSON()` gives) for "
                "my notifications; 201 when new, 200 when it was known."
            ),
            who=openapi.SIGNED_IN,
            host="Every host (public and government).",
            errors={
                "400 invalid": "Not a push service address, or bad keys.",
                "409 channel_unavailable": "Web push is not set up on this installation.",
            },
        ),
        request=PushSubscriptionInput,
        responses={
            201: inline_serializer("PushSubscribed", {"subscribed": serializers.BooleanField()}),
            200: inline_serializer("PushSubscribedAgain", {"subscribed": serializers.BooleanField()}),
        },
        summary="Receive my notifications in this browser (web push)",
    )
    def post(self, request: Request) -> Response:
        given = PushSubscriptionInput(data=request.data)
        given.is_valid(raise_exception=True)
        _, created = push_subscription_save(
            user=signed_in_user(request),
            endpoint=given.validated_data["endpoint"],
            p256dh=given.validated_data["keys"]["p256dh"],
            auth=given.validated_data["keys"]["auth"],
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response({"subscribed": True}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        description=openapi.describe(
            "Stops web push to this browser (by its `endpoint`).",
            who=openapi.SIGNED_IN,
            host="Every host (public and government).",
            errors={"404 not_found": "This browser is not subscribed for your account."},
        ),
        request=PushEndpointInput,
        responses={204: None},
        summary="Stop web push to this browser",
    )
    def delete(self, request: Request) -> Response:
        given = PushEndpointInput(data=request.data)
        given.is_valid(raise_exception=True)
        if not push_subscription_delete(user=signed_in_user(request), endpoint=given.validated_data["endpoint"]):
            return Response(
                body(code="not_found", message="Peramban ini tidak berlangganan notifikasi akun Anda."),
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
