"""Looking a report up on the public host: by tracking number, its photos, my reports."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.errors import body
from api.v1.report_parts import DETAIL_SCHEMA, PHOTO_SCHEMA, REPORT_NOT_FOUND, PublicReportOutput, photo_response
from tenants.host_kinds import PUBLIC
from warga.access.policy import Action
from warga.intake.selectors import report_lookup_public, report_photo_public, reports_of_reporter
from warga.web.client_ip import client_ip, ip_budget_key
from warga.web.ratelimit import Limit, rate_limit_consume


def _public_read_refusal(request: Request, *, action: str, amount: int, seconds: int) -> Response | None:
    """The per-IP budget on the public host's open reads (look-up by tracking number, photos):
    tracking numbers are sequential, and without a budget one client could walk every number
    and download every photo. Counted in the `shared` cache, before the number is looked at,
    so a refusal says nothing about whether the number exists."""
    limit = Limit(amount=amount, seconds=seconds)
    decision = rate_limit_consume(
        action=action, account_id=None, ip=ip_budget_key(client_ip(request)), per_account=limit, per_ip=limit
    )
    if decision.allowed:
        return None
    message = (
        f"Terlalu banyak permintaan dari jaringan internet Anda (alamat IP yang sama) dalam waktu singkat. "
        f"Coba lagi dalam {decision.retry_after} detik."
    )
    return Response(
        body(code="rate_limited", message=message, retry_after=decision.retry_after),
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(decision.retry_after)},
    )


class MyReportOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    government_code = serializers.CharField(allow_null=True)
    government_name = serializers.CharField()
    type = serializers.CharField()
    category_code = serializers.CharField()
    description = serializers.CharField()
    privacy = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class PagingInput(BoundedSerializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, default=0)


class ReportLookupView(ApiView):
    """The public look-up of a report by its tracking number, from its owner through the public
    index (the official view of the same path is api.v1.government.reports)."""

    host_kinds = PUBLIC
    api_key_action = Action.REPORT_VIEW
    # Open: it shows nothing personal.
    permission_classes = [permissions.AllowAny]

    @DETAIL_SCHEMA
    def get(self, request: Request, tracking_number: str) -> Response:
        refused = _public_read_refusal(
            request,
            action="report_lookup",
            amount=settings.WARGA_LOOKUP_IP_LIMIT,
            seconds=settings.WARGA_LOOKUP_IP_WINDOW_SECONDS,
        )
        if refused is not None:
            return refused
        found = report_lookup_public(tracking_number=tracking_number, viewer=request.user)
        if found is None:
            raise Http404(REPORT_NOT_FOUND)
        return Response(PublicReportOutput(found).data)


class MyReportsView(ApiView):
    host_kinds = PUBLIC
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            (
                "The signed-in citizen's own reports in every government, newest first, paged with "
                "`limit` and `offset` (`next_offset` is null on the last page)."
            ),
            who=openapi.CITIZEN,
            host=openapi.PUBLIC_HOST,
        ),
        parameters=[PagingInput],
        responses={
            200: inline_serializer(
                "MyReportsPage",
                {"results": MyReportOutput(many=True), "next_offset": serializers.IntegerField(allow_null=True)},
            )
        },
        summary="My reports across every government (public host)",
    )
    def get(self, request: Request) -> Response:
        paging = PagingInput(data=request.query_params)
        paging.is_valid(raise_exception=True)
        page = reports_of_reporter(reporter=signed_in_user(request), **paging.validated_data)
        return Response({"results": MyReportOutput(page.items, many=True).data, "next_offset": page.next_offset})


class ReportPhotoPublicView(ApiView):
    """A photo of a report, found by id in its owner's schema (never by a path), for anyone who
    may see the report in the public look-up."""

    host_kinds = PUBLIC
    api_key_action = Action.REPORT_VIEW
    permission_classes = [permissions.AllowAny]

    @PHOTO_SCHEMA
    def get(self, request: Request, tracking_number: str, photo_id: int) -> FileResponse | Response:
        refused = _public_read_refusal(
            request,
            action="report_photo",
            amount=settings.WARGA_PHOTO_IP_LIMIT,
            seconds=settings.WARGA_PHOTO_IP_WINDOW_SECONDS,
        )
        if refused is not None:
            return refused
        photo = report_photo_public(tracking_number=tracking_number, photo_id=photo_id, viewer=request.user)
        return photo_response(request, photo)
