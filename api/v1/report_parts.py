"""What the public host's and the government hosts' report views share: the report-not-found
answer, the public shapes of a report, comments, photos served by id, and the description of
the operations both kinds of host answer on one path (a citizen's look-up and an official's,
a citizen's comment and an official's reply).
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.bounds import BoundedSerializer
from api.v1.errors import body
from warga.reports.models import PhotoState, ReportPhoto

REPORT_NOT_FOUND = "Laporan dengan nomor itu tidak ditemukan."


class CommentOutput(BoundedSerializer):
    role = serializers.CharField(help_text="reporter, citizen or official; never who.")
    body = serializers.CharField()
    at = serializers.DateTimeField()


class TimelineOutput(BoundedSerializer):
    status = serializers.CharField()
    at = serializers.DateTimeField()


class PhotoOutput(BoundedSerializer):
    id = serializers.IntegerField()
    state = serializers.CharField(help_text="processing (not served yet), ready, or rejected (never served).")


class PublicReportOutput(BoundedSerializer):
    """Never the reporter's identity."""

    tracking_number = serializers.CharField()
    government_code = serializers.CharField(allow_null=True)
    government_name = serializers.CharField()
    type = serializers.CharField()
    category_code = serializers.CharField()
    description = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    village_code = serializers.CharField()
    district_code = serializers.CharField()
    regency_code = serializers.CharField()
    province_code = serializers.CharField()
    privacy = serializers.CharField()
    status = serializers.CharField()
    support_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    is_mine = serializers.BooleanField()
    timeline = TimelineOutput(many=True)
    photo_ids = serializers.ListField(child=serializers.IntegerField())
    photos = PhotoOutput(many=True)
    comments = CommentOutput(many=True)
    merged_into = serializers.CharField(help_text="Tracking number this report was merged into; empty otherwise.")


class CommentInput(BoundedSerializer):
    body = serializers.CharField(allow_blank=True, max_length=4000)


class CommentCreatedOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    role = serializers.CharField()


def photo_response(request: Request, photo: ReportPhoto | None) -> FileResponse | Response:
    """A photo found by id for a viewer who may see its report: the JPEG without metadata (or
    its thumbnail with `variant=thumbnail`), 409 while it is checked, 404 when rejected."""
    if photo is None or photo.state == PhotoState.REJECTED:
        raise Http404("Foto tidak ditemukan.")
    if photo.state != PhotoState.READY:
        # The original waits in quarantine with its metadata: it is never sent.
        return Response(
            body(code="photo_processing", message="Foto masih diproses. Coba lagi dalam beberapa detik."),
            status=status.HTTP_409_CONFLICT,
            headers={"Retry-After": "5"},
        )
    thumbnail = request.query_params.get("variant") == "thumbnail" and photo.thumbnail_path
    path = photo.thumbnail_path if thumbnail else photo.path
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The operations both kinds of host answer on one path -----------------------------------------
# One path and method is one operation in the OpenAPI schema: the public view and the government
# view of each share its description (api.v1.openapi.shared_operation; the generator checks).

DETAIL_SCHEMA = openapi.shared_operation(
    "report-detail",
    description=openapi.describe(
        (
            "One report by its tracking number. On the public host, the public view: never who "
            "reported it (`is_mine` tells the reporter it is theirs), with its timeline, photos and "
            "comments. On a government's host, the official view of that government's report: "
            "priority, handling unit, events, and `allowed_next`, the statuses that may follow; the "
            "reporter's id only for `publik` reports."
        ),
        who=(
            "On the public host anyone (look-ups are limited per network). On a government's host an "
            "official who may see the report, or an API key of that government with `reports:read` or"
            " `reports:status`."
        ),
        host=openapi.PUBLIC_OR_GOVERNMENT_HOST,
        errors=openapi.REPORT_NOT_FOUND_HERE,
    ),
    responses={200: PublicReportOutput},
    summary="Look a report up by tracking number (public view on the public host; official view on a "
    "government host, that government's reports only)",
)

PHOTO_SCHEMA = openapi.shared_operation(
    "report-photo",
    description=openapi.describe(
        (
            "A report's photo as JPEG with its metadata removed; `variant=thumbnail` for the 320 px "
            "copy. Uploaded photos are checked first: until then the answer is 409 `photo_processing`"
            " with `Retry-After: 5`; a rejected photo is never served."
        ),
        who=(
            "On the public host anyone who may see the report (limited per network); on a "
            "government's host an official who may see the report, or an API key of that government "
            "with `reports:read`."
        ),
        host=openapi.PUBLIC_OR_GOVERNMENT_HOST,
        errors={
            "409 photo_processing": "Still being checked: try again after `Retry-After` seconds.",
            "404 not_found": "No such photo of that report here, or it was rejected.",
        },
    ),
    parameters=[
        OpenApiParameter("variant", str, required=False, description="`thumbnail` for the small copy (320 px)")
    ],
    responses={(200, "image/jpeg"): bytes, 409: None},
    summary="A report's photo (JPEG, metadata removed); 409 while it is still being processed",
)

COMMENT_SCHEMA = openapi.shared_operation(
    "report-comment",
    description=openapi.describe(
        (
            "Adds a public comment to a report. From the public host it is a citizen's comment "
            "(`role` `reporter` or `citizen`, never who); from a government's host an official's "
            "reply (`official`). Comments are public."
        ),
        who=(
            "On the public host a signed-in citizen (at most WARGA_COMMENT_LIMIT_PER_HOUR an hour); "
            "on a government's host an official who may act on the report."
        ),
        host=openapi.PUBLIC_OR_GOVERNMENT_HOST,
        errors={
            "400 invalid": "The comment is empty or too long.",
            "404 not_found": openapi.REPORT_NOT_FOUND,
            "429 rate_limited": "Too many comments in an hour from this account or network.",
        },
    ),
    request=CommentInput,
    responses={201: CommentCreatedOutput},
    summary="Comment on a report",
)
