"""A report as its government's officials see it, on that government's host: the official
view and its photos, and the gates every operation on one report shares. What officials do with
it is in `handling`, `ownership` and `conversation`; the citizen's side is in api.v1.public.
A report is only ever read from the schema of the host it is asked on, so another government's
number is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1.base import ApiView, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.report_parts import DETAIL_SCHEMA, PHOTO_SCHEMA, REPORT_NOT_FOUND, PhotoOutput, photo_response
from tenants.host_kinds import GOVERNMENT
from warga.access.policy import Action, permission_for
from warga.reports.lifecycle import allowed_next
from warga.reports.models import Priority, Report
from warga.reports.selectors import (
    report_get_for_actor,
    report_photo_for_actor,
    report_photos,
    report_timeline_for_official,
    reporter_visible_to_officials,
)
from warga.taxonomy.questions import answers_described

# Cheap first gates, before the report is known: the actor holds a seat here, with TOTP,
# whose kind may view (act on) reports somewhere. The services decide for the report's
# handling unit (warga.access.policy); a refusal is a 403 with the policy's reason code.
MayViewReports = permission_for(Action.REPORT_VIEW, anywhere=True)
MayActOnReports = permission_for(Action.REPORT_ACT, anywhere=True)


def report_here_or_404(request: Request, tracking_number: str) -> Report:
    """The report of this government's host that the signed-in official may view. Another
    government's (or no) report is a 404 before any input is looked at: the answer must not
    differ between "not yours" and "malformed". A report here that the actor may not view is
    a 403 (ActionForbidden)."""
    report = report_get_for_actor(actor=signed_in_user(request), tracking_number=tracking_number)
    if report is None:
        raise Http404(REPORT_NOT_FOUND)
    return report


class OfficialEventOutput(BoundedSerializer):
    actor_id = serializers.UUIDField(allow_null=True)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class AnswerOutput(BoundedSerializer):
    code = serializers.CharField(help_text="The question's code.")
    question = serializers.CharField(help_text="The question, in Bahasa Indonesia.")
    value = serializers.JSONField(help_text="As sent and cleaned: text, a number, a choice's key or a list of keys.")
    text = serializers.CharField(help_text="The answer in words (a choice's name rather than its key).")


class OfficialReportOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    type = serializers.CharField()
    category_code = serializers.CharField()
    description = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    village_code = serializers.CharField()
    district_code = serializers.CharField()
    privacy = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField(help_text=f"One of: {', '.join(Priority.values)}.")
    unit_id = serializers.IntegerField(allow_null=True)
    support_count = serializers.IntegerField()
    merged_into = serializers.CharField()
    created_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()
    reporter_id = serializers.SerializerMethodField(help_text="Only for `publik` reports; null otherwise.")
    allowed_next = serializers.SerializerMethodField()
    photo_ids = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField(
        help_text="The answers to the category's questions, in the order asked, with their words."
    )

    def get_reporter_id(self, report: Report) -> str | None:
        return str(report.reporter_id) if reporter_visible_to_officials(report=report) else None

    def get_photo_ids(self, report: Report) -> list[int]:
        return list(report_photos(report=report).values_list("id", flat=True))

    @extend_schema_field(PhotoOutput(many=True))
    def get_photos(self, report: Report) -> list[dict[str, Any]]:
        return [{"id": i, "state": state} for i, state in report_photos(report=report).values_list("id", "state")]

    @extend_schema_field(AnswerOutput(many=True))
    def get_answers(self, report: Report) -> list[dict[str, Any]]:
        return [vars(answer) for answer in answers_described(report.category_code, report.answers)]

    def get_allowed_next(self, report: Report) -> list[str]:
        return [s.value for s in allowed_next(report.status)]


def official_body(report: Report) -> dict[str, Any]:
    data = dict(OfficialReportOutput(report).data)
    data["events"] = OfficialEventOutput(report_timeline_for_official(report=report), many=True).data
    return data


class ReportDetailView(ApiView):
    """The official view of one of this government's reports (the public look-up of the same
    path is api.v1.public.lookup)."""

    host_kinds = GOVERNMENT
    api_key_action = Action.REPORT_VIEW
    permission_classes = [permissions.IsAuthenticated, MayViewReports]

    @DETAIL_SCHEMA
    def get(self, request: Request, tracking_number: str) -> Response:
        return Response(official_body(report_here_or_404(request, tracking_number)))


class ReportPhotoView(ApiView):
    """A photo of one of this government's reports, found by id (never by a path), for an
    official who may see the report."""

    host_kinds = GOVERNMENT
    api_key_action = Action.REPORT_VIEW
    permission_classes = [permissions.IsAuthenticated, MayViewReports]

    @PHOTO_SCHEMA
    def get(self, request: Request, tracking_number: str, photo_id: int) -> FileResponse | Response:
        photo = report_photo_for_actor(
            actor=signed_in_user(request), tracking_number=tracking_number, photo_id=photo_id
        )
        return photo_response(request, photo)
