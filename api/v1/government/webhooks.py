"""A government's outbound webhooks, on its host, for its admin koordinator (`webhooks.manage`).

The signing secret is in the creation's answer only (`Cache-Control: no-store`). The header and
how to verify it: docs/webhooks.md.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView
from api.v1.bounds import BoundedSerializer
from tenants.host_kinds import GOVERNMENT
from warga.access.policy import Action, permission_for
from warga.webhooks.models import GOVERNMENT_EVENTS
from warga.webhooks.selectors import deliveries_list, endpoint_get, endpoints_list
from warga.webhooks.services import (
    URL_MAX,
    delivery_replay,
    endpoint_create,
    endpoint_delete,
    endpoint_pause,
    endpoint_ping,
    endpoint_resume,
)

MayManageWebhooks = permission_for(Action.WEBHOOKS_MANAGE)
NOT_FOUND = "Webhook itu tidak ada di pemerintah daerah ini."


class EndpointInput(BoundedSerializer):
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=URL_MAX, help_text="https:// and a public address.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=[event.value for event in GOVERNMENT_EVENTS]),
        required=False,
        default=list,
        max_length=len(GOVERNMENT_EVENTS),
        help_text="What to send; ignored for an external organisation's webhook (it gets `report.forwarded`).",
    )
    unit_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="An external organisation (unit of kind `external`)."
    )


class EndpointOutput(BoundedSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    unit_id = serializers.IntegerField(allow_null=True)
    state = serializers.CharField(help_text="`active` or `paused`.")
    paused_at = serializers.DateTimeField(allow_null=True)
    paused_reason = serializers.CharField()
    failing_since = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class EndpointCreatedOutput(EndpointOutput):
    secret = serializers.CharField(help_text="Shown this once: the key of `Warga-Signature`.")


class DeliveryOutput(BoundedSerializer):
    id = serializers.IntegerField()
    uid = serializers.UUIDField(help_text="Sent as `Warga-Delivery`.")
    endpoint_id = serializers.IntegerField()
    event = serializers.CharField()
    event_id = serializers.UUIDField()
    state = serializers.CharField(help_text="`pending`, `delivered` or `failed`.")
    attempts = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True)
    latency_ms = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    next_attempt_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    replay_of_id = serializers.IntegerField(allow_null=True)


class WebhookListView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayManageWebhooks]

    @extend_schema(
        responses={200: EndpointOutput(many=True)},
        summary="This government's webhooks",
        description=openapi.describe(
            "Every webhook of this government: its URL, events, state (active or paused, and why) and the "
            "last delivery's outcome. The signing secret is never shown again after it was made.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
        ),
    )
    def get(self, request: Request) -> Response:
        return Response(EndpointOutput(endpoints_list(), many=True).data)

    @extend_schema(
        request=EndpointInput,
        responses={201: EndpointCreatedOutput},
        summary="Register a webhook",
        description=openapi.describe(
            "Registers an HTTPS URL for the chosen report events (created, status changed, transferred, "
            "resolved, disputed). The answer carries the signing secret, once: each delivery is signed with "
            'it (`Warga-Signature: t=<unix time>,v1=<HMAC-SHA256 of "t.body">`, docs/webhooks.md). '
            "Addresses inside private networks are refused.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "The URL is not HTTPS, points into a private network, or an event is unknown."},
        ),
    )
    def post(self, request: Request) -> Response:
        given = EndpointInput(data=request.data)
        given.is_valid(raise_exception=True)
        issued = endpoint_create(**given.validated_data)
        data: dict[str, Any] = dict(EndpointOutput(issued.endpoint).data)
        data["secret"] = issued.secret
        return Response(data, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


class WebhookDetailView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayManageWebhooks]

    @extend_schema(
        responses={200: EndpointOutput},
        summary="One webhook",
        description=openapi.describe(
            "One webhook of this government, as in the list.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"404 not_found": "No such webhook in this government."},
        ),
    )
    def get(self, request: Request, endpoint_id: int) -> Response:
        endpoint = endpoint_get(endpoint_id=endpoint_id)
        if endpoint is None:
            raise Http404(NOT_FOUND)
        return Response(EndpointOutput(endpoint).data)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Delete a webhook and its delivery log",
        description=openapi.describe(
            "Deletes the webhook: nothing more is sent to it, and its delivery log goes with it.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"404 not_found": "No such webhook in this government."},
        ),
    )
    def delete(self, request: Request, endpoint_id: int) -> Response:
        endpoint_delete(endpoint_id=endpoint_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookActionView(ApiView):
    """pause, resume, or ping (queue a test delivery)."""

    host_kinds = GOVERNMENT

    permission_classes = [MayManageWebhooks]

    @extend_schema(
        operation_id="webhooks_action",
        request=None,
        responses={200: EndpointOutput},
        summary="Pause, resume or test (`ping`) a webhook",
        description=openapi.describe(
            "`pause` stops deliveries (they wait), `resume` sends them again, `ping` queues a signed test "
            "delivery to check the receiver.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"404 not_found": "No such webhook in this government."},
        ),
    )
    def post(self, request: Request, endpoint_id: int, action: str) -> Response:
        services = {"pause": endpoint_pause, "resume": endpoint_resume, "ping": endpoint_ping}
        if action not in services:
            raise Http404("Tindakan webhook yang dikenal: pause, resume, ping.")
        services[action](endpoint_id=endpoint_id)
        endpoint = endpoint_get(endpoint_id=endpoint_id)
        return Response(EndpointOutput(endpoint).data)


class WebhookDeliveriesView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayManageWebhooks]

    @extend_schema(
        responses={200: DeliveryOutput(many=True)},
        summary="A webhook's latest 50 deliveries",
        description=openapi.describe(
            "The latest 50 deliveries of the webhook, newest first: event, attempts, the receiver's status "
            "code, latency, next try and when it was delivered.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"404 not_found": "No such webhook in this government."},
        ),
    )
    def get(self, request: Request, endpoint_id: int) -> Response:
        if endpoint_get(endpoint_id=endpoint_id) is None:
            raise Http404(NOT_FOUND)
        return Response(DeliveryOutput(deliveries_list(endpoint_id=endpoint_id), many=True).data)


class WebhookDeliveryReplayView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayManageWebhooks]

    @extend_schema(
        request=None,
        responses={201: DeliveryOutput},
        summary="Send a delivery again (a new delivery)",
        description=openapi.describe(
            "Queues the same event and body again as a new delivery (with its own `Warga-Delivery` id), "
            "signed anew; the receiver can tell a replay by the event it carries.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"404 not_found": "No such delivery in this government."},
        ),
    )
    def post(self, request: Request, delivery_id: int) -> Response:
        replay = delivery_replay(delivery_id=delivery_id)
        return Response(DeliveryOutput(replay).data, status=status.HTTP_201_CREATED)
