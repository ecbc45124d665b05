"""Where a report belongs: "bukan wewenang" (transfer to another government or the national
desk), a move to another unit of this government, and merging a duplicate into another report
of this government."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, host_government, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.government.reports import MayActOnReports, OfficialReportOutput, official_body, report_here_or_404
from tenants.host_kinds import GOVERNMENT
from warga.intake.services import report_transfer
from warga.reports.services import report_merge, report_unit_transfer


class TransferInput(BoundedSerializer):
    to_government_code = serializers.CharField(
        max_length=5, help_text="Kemendagri code of the new owner (PP or PP.KK), or NAS for the national triage desk."
    )
    note = serializers.CharField(allow_blank=True, max_length=4000)


class TransferOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    to_government_code = serializers.CharField(source="to_government.code", allow_null=True)
    to_government_name = serializers.CharField(source="to_government.name")
    status = serializers.CharField()


class ReportTransferView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayActOnReports]

    @extend_schema(
        description=openapi.describe(
            (
                '"Bukan wewenang": moves a report this government does not own to the government named by'
                " `to_government_code` (a Kemendagri code), or to the national triage desk with `NAS`. "
                "The report leaves this government's schema with its history, photos and followers; the "
                "reporter is told."
            ),
            who=openapi.OFFICIAL_ACTING,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "Unknown government code, or this government itself.",
                "409 invalid_transition": "The report's status does not allow a transfer.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request=TransferInput,
        responses={200: TransferOutput},
        summary='"Bukan wewenang": move a report to another government or the national desk (government host)',
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        report_here_or_404(request, tracking_number)
        given = TransferInput(data=request.data)
        given.is_valid(raise_exception=True)
        outcome = report_transfer(
            acting_user=signed_in_user(request),
            tracking_number=tracking_number,
            from_government=host_government(request),
            **given.validated_data,
        )
        return Response(TransferOutput(outcome).data)


class UnitTransferInput(BoundedSerializer):
    unit_id = serializers.IntegerField(help_text="A unit of this government (not an external organisation).")
    note = serializers.CharField(allow_blank=True, max_length=4000, help_text="Why the report moves.")


class ReportUnitTransferView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayActOnReports]

    @extend_schema(
        description=openapi.describe(
            (
                "Moves a report being worked (`verified`, `in_progress`, `reopened`) to another unit of this "
                "government, with the reason in `note`. The status and the running deadline stay; the new "
                "unit's heads are notified and take the remaining escalation steps of the old unit's head; "
                "a field officer of the old unit is relieved."
            ),
            who=openapi.OFFICIAL_ACTING,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": (
                    "No such unit here, an ended or external unit, the same unit, no `note`, or a report "
                    "that is not being worked."
                ),
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request=UnitTransferInput,
        responses={200: OfficialReportOutput},
        summary="Move a report being worked to another unit of this government (government host)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        report_here_or_404(request, tracking_number)
        given = UnitTransferInput(data=request.data)
        given.is_valid(raise_exception=True)
        report = report_unit_transfer(
            acting_user=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(official_body(report))


class MergeInput(BoundedSerializer):
    into_tracking_number = serializers.CharField(
        max_length=32, help_text="The open report of this government that the duplicate repeats."
    )
    note = serializers.CharField(allow_blank=True, max_length=4000)


class MergeOutput(BoundedSerializer):
    tracking_number = serializers.CharField(source="duplicate.tracking_number")
    status = serializers.CharField(source="duplicate.status")
    merged_into = serializers.CharField(source="into.tracking_number")
    followers_added = serializers.IntegerField(
        help_text="People of the duplicate who now follow the surviving report (told when it is resolved)."
    )


class ReportMergeView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayActOnReports]

    @extend_schema(
        description=openapi.describe(
            (
                "Merges a duplicate into an open report of this government (`into_tracking_number`), with"
                " a `note`: the duplicate is closed as merged and its reporter and supporters follow the "
                "surviving report."
            ),
            who=openapi.OFFICIAL_ACTING,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "`note` missing, or the target is the report itself or not open.",
                "409 invalid_transition": "The duplicate cannot be closed from its status.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request=MergeInput,
        responses={200: MergeOutput},
        summary="Merge a duplicate into a report of the same government (government host)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        report_here_or_404(request, tracking_number)
        given = MergeInput(data=request.data)
        given.is_valid(raise_exception=True)
        outcome = report_merge(
            acting_user=signed_in_user(request),
            duplicate_tracking_number=tracking_number,
            into_tracking_number=given.validated_data["into_tracking_number"],
            note=given.validated_data["note"],
        )
        return Response(MergeOutput(outcome).data)
