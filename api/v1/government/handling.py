"""Handling a report on its government's host: status changes, resolution with proof,
assigning a field officer, priority."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.errors import domain_error_response
from api.v1.government.reports import MayActOnReports, OfficialReportOutput, official_body, report_here_or_404
from tenants.host_kinds import GOVERNMENT
from warga.access.policy import Action
from warga.photos import MAX_PHOTOS
from warga.reports.errors import InvalidTransition
from warga.reports.lifecycle import Status, allowed_next
from warga.reports.models import Priority
from warga.reports.services import ProofInput, report_assign, report_priority_set, report_resolve, report_transition


class TransitionInput(BoundedSerializer):
    to_status = serializers.CharField(help_text=f"One of: {', '.join(Status.values)}.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    unit_id = serializers.IntegerField(required=False, allow_null=True, default=None)


TRANSITION_EXAMPLES = [
    OpenApiExample(
        "Mulai ditangani",
        request_only=True,
        value={"to_status": "in_progress", "note": "Tim Dinas PU dijadwalkan menambal lubang besok pagi."},
    ),
    OpenApiExample(
        "Status tidak dapat berubah",
        response_only=True,
        status_codes=["409"],
        value=domain_error_response(
            InvalidTransition(
                current=Status.RESOLVED,
                requested=Status.IN_PROGRESS,
                allowed=[s.value for s in allowed_next(Status.RESOLVED)],
            )
        ).data,
    ),
]


class ReportTransitionView(ApiView):
    host_kinds = GOVERNMENT
    api_key_action = Action.REPORT_ACT
    permission_classes = [MayActOnReports]

    @extend_schema(
        description=openapi.describe(
            (
                "Moves the report to `to_status` (one of `allowed_next` in the official view), with a "
                "`note` the reporter reads; `unit_id` hands it to another unit of this government. The "
                "reporter and followers are notified."
            ),
            who=openapi.OFFICIAL_ACTING + " Or an API key of this government with `reports:status`.",
            host=openapi.GOVERNMENT_HOST,
            errors={
                "409 invalid_transition": "That status cannot follow the current one: `current` and `allowed` say which can.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request=TransitionInput,
        examples=TRANSITION_EXAMPLES,
        responses={
            200: OfficialReportOutput,
            409: inline_serializer(
                "InvalidTransitionError",
                {"error": inline_serializer("InvalidTransitionDetail", {"allowed": serializers.ListField()})},
            ),
        },
        summary="Change a report's status (government host)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        report_here_or_404(request, tracking_number)
        given = TransitionInput(data=request.data)
        given.is_valid(raise_exception=True)
        report = report_transition(
            acting_user=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(official_body(report))


_ONE_PER_PROOF: dict[str, str | _StrPromise] = {
    "max_length": "Paling banyak {max_length} nilai: satu untuk setiap foto bukti."
}


class ResolveInput(BoundedSerializer):
    """Multipart: the n-th photo goes with the n-th capture time and position."""

    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    photos = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        max_length=MAX_PHOTOS,
        error_messages={
            "min_length": "Lampirkan paling sedikit satu foto bukti.",
            "max_length": "Paling banyak {max_length} foto bukti.",
        },
    )
    captured_at = serializers.ListField(
        child=serializers.DateTimeField(), max_length=MAX_PHOTOS, error_messages=_ONE_PER_PROOF
    )
    latitude = serializers.ListField(
        child=serializers.FloatField(min_value=-90, max_value=90), max_length=MAX_PHOTOS, error_messages=_ONE_PER_PROOF
    )
    longitude = serializers.ListField(
        child=serializers.FloatField(min_value=-180, max_value=180),
        max_length=MAX_PHOTOS,
        error_messages=_ONE_PER_PROOF,
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        count = len(attrs["photos"])
        for name in ("captured_at", "latitude", "longitude"):
            if len(attrs[name]) != count:
                raise serializers.ValidationError(
                    {name: f"Kirim {count} nilai, satu untuk setiap foto bukti (sekarang {len(attrs[name])})."}
                )
        return attrs


class ReportResolveView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayActOnReports]

    @extend_schema(
        description=openapi.describe(
            (
                "Declares a report resolved, with 1 to 5 proof photos (multipart), each with the time "
                "(`captured_at`) and place (`latitude`, `longitude`) it was taken, in the same order. The"
                " reporter may rate it or dispute it within 7 days."
            ),
            who=openapi.OFFICIAL_ACTING,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "No photo, a bad photo, or not one time and place per photo.",
                "409 invalid_transition": "The report cannot be resolved from its status.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request={"multipart/form-data": ResolveInput},
        responses={200: OfficialReportOutput},
        summary="Declare a report resolved with proof photos (government host)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        report_here_or_404(request, tracking_number)
        given = ResolveInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        proofs = [
            ProofInput(file=photo, captured_at=at, latitude=lat, longitude=lon)
            for photo, at, lat, lon in zip(
                data["photos"], data["captured_at"], data["latitude"], data["longitude"], strict=True
            )
        ]
        report = report_resolve(
            acting_user=signed_in_user(request), tracking_number=tracking_number, proofs=proofs, note=data["note"]
        )
        return Response(official_body(report))


class PriorityInput(BoundedSerializer):
    # A plain string: the service names an unknown value and the choices in Bahasa Indonesia.
    priority = serializers.CharField(max_length=16, help_text=f"One of: {', '.join(Priority.values)}.")
    note = serializers.CharField(allow_blank=True, max_length=4000, help_text="Why the priority changes (required).")


class ReportPriorityView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayActOnReports]

    @extend_schema(
        description=openapi.describe(
            (
                "Sets the report's priority (`rendah`, `normal`, `tinggi`, `darurat`) with the reason in "
                "`note`; it does not re-route the report."
            ),
            who=openapi.OFFICIAL_ACTING,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "Unknown priority, or no `note`.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request=PriorityInput,
        responses={200: OfficialReportOutput},
        summary="Change a report's priority, with the reason (government host; does not re-route it)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        report = report_here_or_404(request, tracking_number)
        given = PriorityInput(data=request.data)
        given.is_valid(raise_exception=True)
        report = report_priority_set(acting_user=signed_in_user(request), report_id=report.pk, **given.validated_data)
        return Response(official_body(report))


class ReportAssignInput(BoundedSerializer):
    assignee_id = serializers.UUIDField(help_text="A petugas lapangan of the report's handling unit.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class AssignmentOutput(BoundedSerializer):
    tracking_number = serializers.CharField(source="report.tracking_number")
    assignee_id = serializers.UUIDField()
    assigned_by_id = serializers.UUIDField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    status = serializers.CharField(source="report.status")


class ReportAssignView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayActOnReports]

    @extend_schema(
        description=openapi.describe(
            (
                "Assigns the report to a field officer (petugas lapangan) of its handling unit, who is "
                "notified; the report moves to `in_progress` when it was only verified."
            ),
            who=openapi.OFFICIAL_ACTING,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "`assignee_id` is not a field officer of the handling unit.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request=ReportAssignInput,
        responses={200: AssignmentOutput},
        summary="Assign a report to a field officer of its handling unit, who is notified (government host)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        report_here_or_404(request, tracking_number)
        given = ReportAssignInput(data=request.data)
        given.is_valid(raise_exception=True)
        assignment = report_assign(
            acting_user=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(AssignmentOutput(assignment).data)
