"""API keys of a government, on its host, for its admin koordinator.

The key itself is in the creation's answer only; afterwards only its prefix is shown.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1.base import ApiView, require_government_host, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.errors import body
from warga.access.hosts import government_of
from warga.access.models import ApiScope
from warga.access.policy import Action, permission_for
from warga.access.selectors import api_keys_of_government
from warga.access.services import ApiKeyInvalid, api_key_create, api_key_revoke

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


class ApiKeyListView(ApiView):
    permission_classes = [MayEditApiKeys]

    @extend_schema(responses={200: ApiKeyOutput(many=True)}, summary="This government's API keys")
    def get(self, request: Request) -> Response:
        require_government_host()
        government = government_of(request)
        assert government is not None
        return Response(ApiKeyOutput(api_keys_of_government(government=government), many=True).data)

    @extend_schema(request=ApiKeyInput, responses={201: ApiKeyCreatedOutput}, summary="Create an API key (shown once)")
    def post(self, request: Request) -> Response:
        require_government_host()
        government = government_of(request)
        assert government is not None
        given = ApiKeyInput(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            issued = api_key_create(government=government, acting_user=signed_in_user(request), **given.validated_data)
        except ApiKeyInvalid as error:
            return Response(body(code="invalid", message=error.message), status=status.HTTP_400_BAD_REQUEST)
        data: dict[str, Any] = dict(ApiKeyOutput(issued.key).data)
        data["key"] = issued.raw
        return Response(data, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


class ApiKeyRevokeView(ApiView):
    permission_classes = [MayEditApiKeys]

    @extend_schema(request=None, responses={200: ApiKeyOutput}, summary="Revoke an API key (at once)")
    def post(self, request: Request, key_id: int) -> Response:
        require_government_host()
        government = government_of(request)
        assert government is not None
        try:
            key = api_key_revoke(key_id=key_id, government=government, acting_user=signed_in_user(request))
        except ApiKeyInvalid as error:
            return Response(body(code="not_found", message=error.message), status=status.HTTP_404_NOT_FOUND)
        return Response(ApiKeyOutput(key).data)
