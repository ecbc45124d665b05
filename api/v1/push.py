"""Web push subscriptions over HTTP, on every host: a subscription belongs to the account,
wherever it was made."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.errors import body
from tenants.host_kinds import EVERY
from warga.notifications_public.services import (
    push_subscription_delete,
    push_subscription_save,
)


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
    host_kinds = EVERY
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
