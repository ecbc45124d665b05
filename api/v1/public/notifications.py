"""A citizen's in-app notifications from every government that holds some, on the public host."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, signed_in_user
from api.v1.bounds import BoundedSerializer, PagingQuery
from tenants.host_kinds import PUBLIC
from warga.intake.selectors import notifications_of_citizen


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
    host_kinds = PUBLIC
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
