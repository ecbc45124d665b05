"""Replies officials start from (government host): every official who may view reports reads
them; the admin koordinator writes them (the service asks the policy)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.government.reports import MayViewReports
from tenants.host_kinds import GOVERNMENT
from warga.reports.selectors import response_templates_for
from warga.reports.services import response_template_archive, response_template_save


class ResponseTemplateInput(BoundedSerializer):
    title = serializers.CharField(allow_blank=True, max_length=500)
    body = serializers.CharField(
        allow_blank=True, max_length=8000, help_text="May use the placeholders {nomor}, {unit} and {tanggal}."
    )
    category_code = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40, help_text="Empty: every category."
    )


class ResponseTemplateOutput(BoundedSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    category_code = serializers.CharField()
    is_active = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


class ResponseTemplateQuery(BoundedSerializer):
    category_code = serializers.CharField(required=False, allow_blank=True, max_length=40)


class ResponseTemplateListView(ApiView):
    """Replies officials start from (government host): every official who may view reports
    reads them; the admin koordinator writes them (the service asks the policy)."""

    host_kinds = GOVERNMENT

    permission_classes = [permissions.IsAuthenticated, MayViewReports]

    @extend_schema(
        description=openapi.describe(
            (
                "The active reply templates officials start from; with `category_code`, those for that "
                "category and those for every category."
            ),
            who=openapi.OFFICIAL_VIEWING,
            host=openapi.GOVERNMENT_HOST,
        ),
        parameters=[ResponseTemplateQuery],
        responses={200: ResponseTemplateOutput(many=True)},
        summary="Active response templates (for a category: its own and those for every category)",
    )
    def get(self, request: Request) -> Response:
        query = ResponseTemplateQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        category = query.validated_data.get("category_code") or None
        return Response(ResponseTemplateOutput(response_templates_for(category_code=category), many=True).data)

    @extend_schema(
        description=openapi.describe(
            (
                "Adds a reply template; its body may use `{nomor}`, `{unit}` and `{tanggal}`, filled in "
                "when an official uses it."
            ),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "Empty title or body, an unknown placeholder or category."},
        ),
        request=ResponseTemplateInput,
        responses={201: ResponseTemplateOutput},
        summary="Add a response template (admin koordinator)",
    )
    def post(self, request: Request) -> Response:
        given = ResponseTemplateInput(data=request.data)
        given.is_valid(raise_exception=True)
        template = response_template_save(acting_user=signed_in_user(request), **given.validated_data)
        return Response(ResponseTemplateOutput(template).data, status=status.HTTP_201_CREATED)


class ResponseTemplateDetailView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, MayViewReports]

    @extend_schema(
        description=openapi.describe(
            "Replaces a template's title, body and category.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "Empty title or body, an unknown placeholder or category.",
                "404 not_found": "No such template here.",
            },
        ),
        request=ResponseTemplateInput,
        responses={200: ResponseTemplateOutput},
        summary="Change a response template (admin koordinator)",
    )
    def put(self, request: Request, template_id: int) -> Response:
        given = ResponseTemplateInput(data=request.data)
        given.is_valid(raise_exception=True)
        template = response_template_save(
            acting_user=signed_in_user(request), template_id=template_id, **given.validated_data
        )
        return Response(ResponseTemplateOutput(template).data)

    @extend_schema(
        description=openapi.describe(
            "Archives a template: it is no longer offered, and replies already sent keep their text.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"404 not_found": "No such template here."},
        ),
        request=None,
        responses={200: ResponseTemplateOutput},
        summary="Stop offering a template (admin koordinator)",
    )
    def delete(self, request: Request, template_id: int) -> Response:
        template = response_template_archive(acting_user=signed_in_user(request), template_id=template_id)
        return Response(ResponseTemplateOutput(template).data)
