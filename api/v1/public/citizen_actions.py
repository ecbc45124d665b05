"""What a citizen does with a report from the shared app: "saya juga", dispute, withdraw,
rate, comment."""

from __future__ import annotations

import math

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.errors import body
from api.v1.report_parts import COMMENT_SCHEMA, CommentCreatedOutput, CommentInput
from tenants.host_kinds import PUBLIC
from warga.intake.services import (
    report_comment_public,
    report_dispute,
    report_rate_resolution,
    report_support,
    report_withdraw,
)
from warga.web.client_ip import client_ip, ip_budget_key
from warga.web.ratelimit import Limit, rate_limit_consume


def _citizen_interaction_refusal(request: Request, *, action: str, per_account: int) -> Response | None:
    """Comments and "saya juga" from the shared app: at most `per_account` an hour per account
    and ten times that per IP (carrier NAT puts many citizens behind one address), counted in
    the `shared` cache. Spent before the service runs, so a refused attempt writes nothing."""
    hour = 3600
    decision = rate_limit_consume(
        action=action,
        account_id=str(request.user.pk),
        ip=ip_budget_key(client_ip(request)),
        per_account=Limit(amount=per_account, seconds=hour),
        per_ip=Limit(amount=per_account * 10, seconds=hour),
    )
    if decision.allowed:
        return None
    minutes = math.ceil(decision.retry_after / 60)
    message = (
        f"Terlalu banyak dalam waktu singkat. Coba lagi dalam {minutes} menit. "
        f"(Too many in a short time. Try again in {minutes} minutes.)"
    )
    return Response(
        body(code="rate_limited", message=message, retry_after=decision.retry_after),
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(decision.retry_after)},
    )


class SupportOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    support_count = serializers.IntegerField()
    added = serializers.BooleanField(help_text="False when this citizen had already supported it.")


class ReportSupportView(ApiView):
    host_kinds = PUBLIC
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            (
                '"Saya juga": the citizen supports an open report, which raises its `support_count` and '
                "makes them a follower (told when it is resolved). Supporting twice counts once (`added: "
                "false`)."
            ),
            who=openapi.CITIZEN,
            host=openapi.PUBLIC_HOST,
            errors={
                "404 not_found": openapi.REPORT_NOT_FOUND,
                "429 rate_limited": "More supports in an hour than a person makes by hand (per account and per network).",
            },
        ),
        request=None,
        responses={200: SupportOutput},
        summary='"Saya juga": support a report (public host)',
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        refusal = _citizen_interaction_refusal(
            request, action="report_support", per_account=settings.WARGA_SUPPORT_LIMIT_PER_HOUR
        )
        if refusal is not None:
            return refusal
        outcome = report_support(supporter=signed_in_user(request), tracking_number=tracking_number)
        return Response(SupportOutput(outcome).data)


class StatusOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    status = serializers.CharField()


class DisputeInput(BoundedSerializer):
    note = serializers.CharField(allow_blank=True, max_length=4000)


class ReportDisputeView(ApiView):
    host_kinds = PUBLIC
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            (
                "The reporter disputes a resolution within 7 days, saying why in `note`: the report is "
                "reopened and handed to the supervisor of its handling unit."
            ),
            who=openapi.REPORTER,
            host=openapi.PUBLIC_HOST,
            errors={
                "400 invalid": "`note` is empty or too long.",
                "409 invalid_transition": "The report is not resolved, or the 7 days have passed.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request=DisputeInput,
        responses={200: StatusOutput},
        summary="Dispute a resolution within 7 days: reopens the report (public host; its reporter)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        given = DisputeInput(data=request.data)
        given.is_valid(raise_exception=True)
        new_status = report_dispute(
            reporter=signed_in_user(request), tracking_number=tracking_number, note=given.validated_data["note"]
        )
        return Response(StatusOutput({"tracking_number": tracking_number, "status": new_status}).data)


class ReportWithdrawView(ApiView):
    host_kinds = PUBLIC
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            ("The reporter withdraws a report within 15 minutes of sending it, before anyone works on it."),
            who=openapi.REPORTER,
            host=openapi.PUBLIC_HOST,
            errors={
                "409 invalid_transition": "Too late: the 15 minutes have passed or the report is being handled.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request=None,
        responses={200: StatusOutput},
        summary="Withdraw a report within 15 minutes of sending it (public host; its reporter)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        new_status = report_withdraw(reporter=signed_in_user(request), tracking_number=tracking_number)
        return Response(StatusOutput({"tracking_number": tracking_number, "status": new_status}).data)


class RateInput(BoundedSerializer):
    score = serializers.IntegerField(min_value=1, max_value=5)


class RateOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    score = serializers.IntegerField()


class ReportRateView(ApiView):
    host_kinds = PUBLIC
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            "The reporter rates a resolved report from 1 (poor) to 5 (very good).",
            who=openapi.REPORTER,
            host=openapi.PUBLIC_HOST,
            errors={
                "400 invalid": "`score` is not 1 to 5.",
                "409 invalid_transition": "The report is not resolved.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request=RateInput,
        responses={200: RateOutput},
        summary="Rate the resolution 1-5 (public host; its reporter)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        given = RateInput(data=request.data)
        given.is_valid(raise_exception=True)
        score = report_rate_resolution(
            reporter=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(RateOutput({"tracking_number": tracking_number, "score": score}).data)


class ReportCommentView(ApiView):
    """A citizen's public comment from the shared app (an official's reply on the same path of a
    government's host is api.v1.government.conversation)."""

    host_kinds = PUBLIC
    permission_classes = [permissions.IsAuthenticated]

    @COMMENT_SCHEMA
    def post(self, request: Request, tracking_number: str) -> Response:
        refusal = _citizen_interaction_refusal(
            request, action="report_comment", per_account=settings.WARGA_COMMENT_LIMIT_PER_HOUR
        )
        if refusal is not None:
            return refusal
        given = CommentInput(data=request.data)
        given.is_valid(raise_exception=True)
        role = report_comment_public(
            author=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(
            CommentCreatedOutput({"tracking_number": tracking_number, "role": role}).data,
            status=status.HTTP_201_CREATED,
        )
