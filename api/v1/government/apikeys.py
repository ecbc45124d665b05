"""API keys of a government, on its host, for its admin koordinator.

The key itself is in the creation's answer only; afterwards only its prefix is shown.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, host_government, signed_in_user
from api.v1.bounds import BoundedSerializer
from tenants.host_kinds import GOVERNMENT
from warga.access.models import ApiScope
from warga.access.policy import Action, permission_for
from warga.access.selectors import api_keys_of_government
from warga.access.services import api_key_create, api_key_revoke

MayEditApiKeys = permission_for(Action.API_KEYS_EDIT)


class ApiKeyInput(BoundedSerializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiScope.choices), min_length=1, max_length=len(ApiScope.values)
    )


class ApiKeyOutput(BoundedSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The key's first characters, to recognise it.")
    scopes = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class ApiKeyCreatedOutput(ApiKeyOutput):
    key = serializers.CharField(help_text="Shown this once: store it now; Warga keeps only a hash.")


CREATE_EXAMPLES = [
    OpenApiExample(
        "Kunci untuk SP4N-LAPOR!",
        request_only=True,
        value={"name": "SP4N-LAPOR! Kota Bandung", "scopes": ["reports:read", "reports:status"]},
    ),
    OpenApiExample(
        "Kunci dibuat",
        response_only=True,
        status_codes=["201"],
        value={
            "id": 7,
            "name": "SP4N-LAPOR! Kota Bandung",
            "prefix": "wrg_3f9a0c1b2d4e",
            "scopes": ["reports:read", "reports:status"],
            "created_at": "2026-03-02T09:00:00+07:00",
            "last_used_at": None,
            "revoked_at": None,
            "key": "wrg_3f9a0c1b2d4e_Zx8r1m-contoh-saja-bukan-kunci-asli-0123456",
        },
    ),
]


class ApiKeyListView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayEditApiKeys]

    @extend_schema(
        description=openapi.describe(
            "This government's API keys, with their scopes, prefix (never the key) and last use.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
        ),
        responses={200: ApiKeyOutput(many=True)},
        summary="This government's API keys",
    )
    def get(self, request: Request) -> Response:
        return Response(ApiKeyOutput(api_keys_of_government(government=host_government(request)), many=True).data)

    @extend_schema(
        description=openapi.describe(
            (
                "Creates a key for another system (e.g. SP4N-LAPOR!) with its scopes: `reports:read`, "
                "`reports:submit`, `reports:status`. The key is in this answer only (`Cache-Control: "
                "no-store`): store it now, Warga keeps a hash. The operator makes keys for any government"
                " and for the national intake with `manage.py api_key create --government <code> --scope "
                "...`."
            ),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "No name, or an unknown scope."},
        ),
        request=ApiKeyInput,
        responses={201: ApiKeyCreatedOutput},
        examples=CREATE_EXAMPLES,
        summary="Create an API key (shown once)",
    )
    def post(self, request: Request) -> Response:
        given = ApiKeyInput(data=request.data)
        given.is_valid(raise_exception=True)
        issued = api_key_create(
            government=host_government(request), acting_user=signed_in_user(request), **given.validated_data
        )
        data: dict[str, Any] = dict(ApiKeyOutput(issued.key).data)
        data["key"] = issued.raw
        return Response(data, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


class ApiKeyRevokeView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayEditApiKeys]

    @extend_schema(
        description=openapi.describe(
            "Revokes a key: the next request with it is refused (401).",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"404 not_found": "No such key in this government."},
        ),
        request=None,
        responses={200: ApiKeyOutput},
        summary="Revoke an API key (at once)",
    )
    def post(self, request: Request, key_id: int) -> Response:
        key = api_key_revoke(key_id=key_id, government=host_government(request), acting_user=signed_in_user(request))
        return Response(ApiKeyOutput(key).data)
