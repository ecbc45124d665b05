"""Officials talking about a report: the public reply, internal notes, forwards to external
organisations and their answers."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.government.reports import MayActOnReports, MayViewReports, report_here_or_404
from api.v1.report_parts import COMMENT_SCHEMA, CommentCreatedOutput, CommentInput
from tenants.host_kinds import GOVERNMENT
from warga.reports.selectors import report_external_forwards, report_get_for_actor, report_internal_notes
from warga.reports.services import report_comment_add, report_forward_answer, report_forward_external, report_note_add


class ReportReplyView(ApiView):
    """An official's public reply to one of this government's reports (a citizen's comment on
    the same path of the public host is api.v1.public.citizen_actions)."""

    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, MayActOnReports]

    @COMMENT_SCHEMA
    def post(self, request: Request, tracking_number: str) -> Response:
        report = report_here_or_404(request, tracking_number)
        given = CommentInput(data=request.data)
        given.is_valid(raise_exception=True)
        reply = report_comment_add(
            acting_user=signed_in_user(request), report_id=report.pk, as_official=True, **given.validated_data
        )
        return Response(
            CommentCreatedOutput({"tracking_number": tracking_number, "role": reply.role}).data,
            status=status.HTTP_201_CREATED,
        )


class InternalNoteInput(BoundedSerializer):
    body = serializers.CharField(allow_blank=True, max_length=4000)


class InternalNoteOutput(BoundedSerializer):
    id = serializers.IntegerField()
    author_id = serializers.UUIDField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReportInternalNotesView(ApiView):
    """Notes officials of the report's government keep for each other; never public."""

    host_kinds = GOVERNMENT

    permission_classes = [permissions.IsAuthenticated, MayViewReports]

    @extend_schema(
        description=openapi.describe(
            (
                "The notes officials of this government keep on a report for each other, oldest first. "
                "Never shown to citizens."
            ),
            who=openapi.OFFICIAL_VIEWING,
            host=openapi.GOVERNMENT_HOST,
            errors=openapi.REPORT_NOT_FOUND_HERE,
        ),
        responses={200: InternalNoteOutput(many=True)},
        summary="A report's internal notes (government host)",
    )
    def get(self, request: Request, tracking_number: str) -> Response:
        report = report_here_or_404(request, tracking_number)
        return Response(InternalNoteOutput(report_internal_notes(report=report), many=True).data)

    @extend_schema(
        description=openapi.describe(
            "Adds an internal note, read by this government's officials only.",
            who=openapi.OFFICIAL_VIEWING,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "The note is empty or too long.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request=InternalNoteInput,
        responses={201: InternalNoteOutput},
        summary="Add an internal note, read by this government's officials only (government host)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        report_here_or_404(request, tracking_number)
        given = InternalNoteInput(data=request.data)
        given.is_valid(raise_exception=True)
        note = report_note_add(
            acting_user=signed_in_user(request), tracking_number=tracking_number, body=given.validated_data["body"]
        )
        return Response(InternalNoteOutput(note).data, status=status.HTTP_201_CREATED)


class ExternalForwardInput(BoundedSerializer):
    unit_id = serializers.IntegerField(help_text="A unit of kind `external` (PLN, PDAM, Telkom).")
    contact_email = serializers.CharField(
        max_length=254,
        required=False,
        allow_blank=True,
        default="",
        help_text="Its email address; may be left out when the organisation has a webhook (docs/webhooks.md).",
    )
    note = serializers.CharField(allow_blank=True, max_length=4000, help_text="What is asked of the organisation.")


class ExternalForwardOutput(BoundedSerializer):
    id = serializers.IntegerField()
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField(source="unit.name")
    contact_email = serializers.CharField()
    note = serializers.CharField()
    sent_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)


class ExternalForwardAnswerInput(BoundedSerializer):
    answer = serializers.CharField(allow_blank=True, max_length=4000)


class ReportExternalForwardsView(ApiView):
    """Forwards of a report to external organisations (government host): the report stays open."""

    host_kinds = GOVERNMENT

    permission_classes = [permissions.IsAuthenticated, MayViewReports]

    @extend_schema(
        description=openapi.describe(
            "The report's forwards to external organisations (PLN, PDAM, Telkom), with their answers.",
            who=openapi.OFFICIAL_VIEWING,
            host=openapi.GOVERNMENT_HOST,
            errors=openapi.REPORT_NOT_FOUND_HERE,
        ),
        responses={200: ExternalForwardOutput(many=True)},
        summary="A report's external forwards",
    )
    def get(self, request: Request, tracking_number: str) -> Response:
        report = report_here_or_404(request, tracking_number)
        return Response(ExternalForwardOutput(report_external_forwards(report=report), many=True).data)

    @extend_schema(
        description=openapi.describe(
            (
                "Forwards the report by email to an external organisation (a unit of kind `external`), "
                "saying what is asked in `note`. The report stays open with this government."
            ),
            who=openapi.OFFICIAL_ACTING,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "Not an external unit, or a bad email address.",
                "404 not_found": openapi.REPORT_NOT_FOUND,
            },
        ),
        request=ExternalForwardInput,
        responses={201: ExternalForwardOutput},
        summary="Forward a report to an external organisation by email or its webhook; it stays open (government host)",
    )
    def post(self, request: Request, tracking_number: str) -> Response:
        report_here_or_404(request, tracking_number)
        given = ExternalForwardInput(data=request.data)
        given.is_valid(raise_exception=True)
        forward = report_forward_external(
            acting_user=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(ExternalForwardOutput(forward).data, status=status.HTTP_201_CREATED)


class ReportExternalForwardAnswerView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [MayActOnReports]

    @extend_schema(
        description=openapi.describe(
            "Records the external organisation's answer to a forward.",
            who=openapi.OFFICIAL_ACTING,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "The answer is empty or too long.",
                "404 not_found": "No such forward of that report here.",
            },
        ),
        request=ExternalForwardAnswerInput,
        responses={200: ExternalForwardOutput},
        summary="Record the external organisation's answer (government host)",
    )
    def post(self, request: Request, tracking_number: str, forward_id: int) -> Response:
        report = report_get_for_actor(actor=signed_in_user(request), tracking_number=tracking_number)
        if report is None or not report_external_forwards(report=report).filter(pk=forward_id).exists():
            raise Http404("Penerusan itu tidak ditemukan.")
        given = ExternalForwardAnswerInput(data=request.data)
        given.is_valid(raise_exception=True)
        forward = report_forward_answer(
            acting_user=signed_in_user(request), forward_id=forward_id, answer=given.validated_data["answer"]
        )
        return Response(ExternalForwardOutput(forward).data)
