"""Reports over HTTP. Views validate input, call one service or selector, serialize the answer.

On the public host (the shared citizen app): submit, similar reports before submitting, look
up by tracking number, photos, my reports, "saya juga", dispute, withdraw, rate.
On a government's host: the official's view of that government's reports, status changes,
resolution with proof, transfer ("bukan wewenang"), priority.
A report is only ever read from the schema of the host it is asked on (or, on the public
host, from its owner through the public index), so another government's number is a 404.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.v1 import openapi
from api.v1.base import ApiView, require_government_host, require_public_host, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.errors import body, domain_error_response
from tenants.context import in_public_schema
from warga.access.client_ip import client_ip, ip_budget_key
from warga.access.policy import Action, permission_for
from warga.access.ratelimit import Limit, rate_limit_consume
from warga.intake.selectors import (
    report_lookup_public,
    report_photo_public,
    reports_of_reporter,
    reports_similar_before_submit,
)
from warga.intake.services import (
    report_comment_public,
    report_dispute,
    report_rate_resolution,
    report_submit,
    report_support,
    report_transfer,
    report_withdraw,
    submission_ip_budget_spend,
)
from warga.reports.errors import InvalidTransition
from warga.reports.lifecycle import Status, allowed_next
from warga.reports.models import PhotoState, Priority, Privacy, Report, ReportType
from warga.reports.photos import MAX_PHOTOS
from warga.reports.selectors import (
    report_external_forwards,
    report_get_for_actor,
    report_internal_notes,
    report_photo_for_actor,
    report_photos,
    report_timeline_for_official,
    reporter_visible_to_officials,
    response_templates_for,
)
from warga.reports.services import (
    ProofInput,
    report_assign,
    report_comment_add,
    report_forward_answer,
    report_forward_external,
    report_merge,
    report_note_add,
    report_priority_set,
    report_resolve,
    report_transition,
    report_unit_transfer,
    response_template_archive,
    response_template_save,
)
from warga.taxonomy.questions import MAX_ANSWERS, TEXT_MAX_LENGTH, answers_described

GOVERNMENT_HOST_ONLY = "Tersedia di alamat pemerintah daerah pemilik laporan."
REPORT_NOT_FOUND = "Laporan dengan nomor itu tidak ditemukan."


class OnGovernmentHost(permissions.BasePermission):
    """Checked before who is asking: on the public host a government action does not exist
    (404), whoever asks."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        require_government_host(GOVERNMENT_HOST_ONLY)
        return True


# Cheap first gates, before the report is known: the actor holds a seat here, with TOTP,
# whose kind may view (act on) reports somewhere. The services decide for the report's
# handling unit (warga.access.policy); a refusal is a 403 with the policy's reason code.
MayViewReports = permission_for(Action.REPORT_VIEW, anywhere=True)
MayActOnReports = permission_for(Action.REPORT_ACT, anywhere=True)


def _require_report_here(request: Request, tracking_number: str) -> None:
    """On a government host, another government's (or no) report is a 404 before any input
    is looked at: the answer must not differ between "not yours" and "malformed". A report
    here that the actor may not view is a 403 (ActionForbidden)."""
    if report_get_for_actor(actor=signed_in_user(request), tracking_number=tracking_number) is None:
        raise Http404(REPORT_NOT_FOUND)


def _submission_ip_refusal(request: Request) -> Response | None:
    """The per-IP budget for new reports, on top of the exact per-account limits in intake."""
    retry_after = submission_ip_budget_spend(ip_key=ip_budget_key(client_ip(request)))
    if not retry_after:
        return None
    minutes = math.ceil(retry_after / 60)
    message = (
        f"Terlalu banyak laporan baru dari jaringan internet Anda (alamat IP yang sama) dalam waktu singkat. "
        f"Coba lagi dalam {minutes} menit."
    )
    return Response(
        body(code="rate_limited", message=message, retry_after=retry_after),
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(retry_after)},
    )


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


# --- Serializers ------------------------------------------------------------------------------

ANSWERS_MAX_CHARACTERS = 20_000


@extend_schema_field(
    {
        "type": "object",
        "maxProperties": MAX_ANSWERS,
        "additionalProperties": {
            "oneOf": [
                {"type": "string", "maxLength": TEXT_MAX_LENGTH},
                {"type": "number"},
                {"type": "array", "maxItems": MAX_ANSWERS, "items": {"type": "string", "maxLength": 40}},
            ]
        },
        "example": {"ukuran_kerusakan": "sedang"},
    }
)
class AnswersField(serializers.Field):
    """The answers to the category's questions: a JSON object, or (in a multipart form) the
    same object as JSON text. Its content is checked by the intake service, not here."""

    default_error_messages = {
        "invalid": 'Jawaban pertanyaan kategori harus berupa objek JSON, misalnya {{"ukuran_kerusakan": "sedang"}}.',
        "too_long": f"Jawaban pertanyaan kategori paling panjang {ANSWERS_MAX_CHARACTERS} karakter.",
    }

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, str):
            if len(data) > ANSWERS_MAX_CHARACTERS:
                self.fail("too_long")
            try:
                data = json.loads(data) if data.strip() else {}
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, dict):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class SubmitInput(BoundedSerializer):
    # Choice fields are plain strings here: the intake service answers with its own messages.
    type = serializers.CharField(help_text=f"One of: {', '.join(ReportType.values)}.")
    category_code = serializers.CharField(max_length=40)
    description = serializers.CharField(allow_blank=True, trim_whitespace=False)
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    village_code = serializers.CharField(max_length=20)
    privacy = serializers.CharField(help_text=f"One of: {', '.join(Privacy.values)}.")
    idempotency_key = serializers.CharField(
        required=False, help_text="Or the Idempotency-Key header. The same key returns the same report."
    )
    # Checked by content in the domain (JPEG/PNG/WebP/HEIC, size, pixels); multipart only.
    # The count is capped here, before any file is looked at.
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_PHOTOS,
        error_messages={"max_length": "Paling banyak {max_length} foto per laporan."},
    )
    answers = AnswersField(
        required=False,
        default=dict,
        help_text="Answers to the category's questions (GET /api/v1/categories/), keyed by question code.",
    )


class SubmissionOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    government_code = serializers.CharField(allow_null=True)
    government_name = serializers.CharField()
    type = serializers.CharField()
    category_code = serializers.CharField()
    privacy = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


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


class TransitionInput(BoundedSerializer):
    to_status = serializers.CharField(help_text=f"One of: {', '.join(Status.values)}.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    unit_id = serializers.IntegerField(required=False, allow_null=True, default=None)


def _official_body(report: Report) -> dict[str, Any]:
    data = dict(OfficialReportOutput(report).data)
    data["events"] = OfficialEventOutput(report_timeline_for_official(report=report), many=True).data
    return data


# Examples in the schema, as a Bandung citizen would send them.
SUBMIT_EXAMPLES = [
    OpenApiExample(
        "Jalan berlubang",
        request_only=True,
        value={
            "type": "pengaduan",
            "category_code": "jalan_rusak",
            "description": "Jalan berlubang besar di depan SD Negeri 1, sudah dua minggu. Motor sering jatuh.",
            "latitude": -6.8721,
            "longitude": 107.5803,
            "village_code": "32.73.01.1001",
            "privacy": "publik",
            "idempotency_key": "6f1c2d3e-0b7a-4c55-9d8e-2a4b6c8d0e1f",
        },
    ),
    OpenApiExample(
        "Laporan diterima",
        response_only=True,
        status_codes=["201"],
        value={
            "tracking_number": "32.73-2026-000123",
            "government_code": "32.73",
            "government_name": "Kota Bandung",
            "type": "pengaduan",
            "category_code": "jalan_rusak",
            "privacy": "publik",
            "status": "received",
            "created_at": "2026-03-02T08:15:00+07:00",
        },
    ),
]
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


# --- Views ------------------------------------------------------------------------------------


class ReportSubmitView(ApiView):
    api_key_action = Action.REPORT_SUBMIT
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            (
                "Files a citizen's report (`type` `pengaduan`, `aspirasi` or `permintaan_informasi`) at a point in a "
                "kelurahan/desa. Warga routes it to the government that owns the place (or to the "
                "national triage desk) and answers its tracking number. JSON, or multipart with up to 5 "
                "photos (JPEG, PNG, WebP or HEIC; checked and stripped of metadata before anyone sees "
                "them). Send an `Idempotency-Key` (header or field) and retry freely: the same key "
                "answers the same report, with `Idempotent-Replayed: true`."
            ),
            who=(
                "A signed-in citizen (a browser session), or an API key of the national intake with the "
                "`reports:submit` scope."
            ),
            host=openapi.PUBLIC_HOST,
            errors={
                "400 invalid": (
                    "A field is missing or wrong (unknown category, a point outside the village, a bad "
                    "photo); `fields` names each."
                ),
                "422 idempotency_key_reused": "That key was used for a different report: send a new key.",
                "429 rate_limited": "Too many new reports from this account or network: wait `Retry-After` seconds.",
                "503 unavailable": "Intake is paused for a moment: try again after `Retry-After`.",
            },
        ),
        request=SubmitInput,
        responses={201: SubmissionOutput},
        examples=SUBMIT_EXAMPLES,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
        summary="Submit a report (public host; signed-in citizen)",
    )
    def post(self, request: Request) -> Response:
        require_public_host()
        refused = _submission_ip_refusal(request)
        if refused is not None:
            return refused
        given = SubmitInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data["idempotency_key"] = data.get("idempotency_key") or request.headers.get("Idempotency-Key", "")
        submission = report_submit(reporter=signed_in_user(request), **data)
        response = Response(SubmissionOutput(submission).data, status=status.HTTP_201_CREATED)
        # The same answer for a retried submission; the header tells a client it was a replay.
        response["Idempotent-Replayed"] = "true" if submission.replayed else "false"
        return response


class ReportDetailView(ApiView):
    api_key_action = Action.REPORT_VIEW

    def get_permissions(self) -> list[Any]:
        # The public lookup is open (it shows nothing personal); officials must sign in.
        if in_public_schema():
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated(), MayViewReports()]

    @extend_schema(
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
    def get(self, request: Request, tracking_number: str) -> Response:
        if in_public_schema():
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
        report = report_get_for_actor(actor=signed_in_user(request), tracking_number=tracking_number)
        if report is None:
            raise Http404(REPORT_NOT_FOUND)
        return Response(_official_body(report))


class ReportTransitionView(ApiView):
    api_key_action = Action.REPORT_ACT
    permission_classes = [OnGovernmentHost, MayActOnReports]

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
        require_government_host(GOVERNMENT_HOST_ONLY)
        _require_report_here(request, tracking_number)
        given = TransitionInput(data=request.data)
        given.is_valid(raise_exception=True)
        report = report_transition(
            actor=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(_official_body(report))


class MyReportsView(ApiView):
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
        require_public_host()
        paging = PagingInput(data=request.query_params)
        paging.is_valid(raise_exception=True)
        page = reports_of_reporter(reporter=signed_in_user(request), **paging.validated_data)
        return Response({"results": MyReportOutput(page.items, many=True).data, "next_offset": page.next_offset})


class ReportPhotoView(ApiView):
    api_key_action = Action.REPORT_VIEW
    """A report's photo, found by id in the schema of the host (or of the report's owner on the
    public host) and only for a viewer who may see the report: never by a path."""

    def get_permissions(self) -> list[Any]:
        if in_public_schema():
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated(), MayViewReports()]

    @extend_schema(
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
    def get(self, request: Request, tracking_number: str, photo_id: int) -> FileResponse | Response:
        if in_public_schema():
            refused = _public_read_refusal(
                request,
                action="report_photo",
                amount=settings.WARGA_PHOTO_IP_LIMIT,
                seconds=settings.WARGA_PHOTO_IP_WINDOW_SECONDS,
            )
            if refused is not None:
                return refused
            photo = report_photo_public(tracking_number=tracking_number, photo_id=photo_id, viewer=request.user)
        else:
            photo = report_photo_for_actor(
                actor=signed_in_user(request), tracking_number=tracking_number, photo_id=photo_id
            )
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
        require_public_host()
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
        require_public_host()
        given = DisputeInput(data=request.data)
        given.is_valid(raise_exception=True)
        new_status = report_dispute(
            reporter=signed_in_user(request), tracking_number=tracking_number, note=given.validated_data["note"]
        )
        return Response(StatusOutput({"tracking_number": tracking_number, "status": new_status}).data)


class ReportWithdrawView(ApiView):
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
        require_public_host()
        new_status = report_withdraw(reporter=signed_in_user(request), tracking_number=tracking_number)
        return Response(StatusOutput({"tracking_number": tracking_number, "status": new_status}).data)


class SimilarInput(BoundedSerializer):
    village_code = serializers.CharField(max_length=20)
    category_code = serializers.CharField(max_length=40)
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    description = serializers.CharField(max_length=5000)


class SimilarOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    category_code = serializers.CharField()
    status = serializers.CharField()
    description = serializers.CharField()
    support_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    distance_m = serializers.FloatField()
    similarity = serializers.FloatField()


class ReportSimilarView(ApiView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=openapi.describe(
            (
                "Before submitting: open reports of the same category within 150 m whose description "
                "resembles the draft, most similar first, so the citizen can support one instead of "
                "filing a duplicate."
            ),
            who=openapi.CITIZEN,
            host=openapi.PUBLIC_HOST,
        ),
        parameters=[SimilarInput],
        responses={200: SimilarOutput(many=True)},
        summary='Before submitting: similar open reports within 150 m to support ("saya juga") instead',
    )
    def get(self, request: Request) -> Response:
        require_public_host()
        given = SimilarInput(data=request.query_params)
        given.is_valid(raise_exception=True)
        return Response(SimilarOutput(reports_similar_before_submit(**given.validated_data), many=True).data)


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
    permission_classes = [OnGovernmentHost, MayActOnReports]

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
        require_government_host(GOVERNMENT_HOST_ONLY)
        _require_report_here(request, tracking_number)
        given = TransferInput(data=request.data)
        given.is_valid(raise_exception=True)
        outcome = report_transfer(
            actor=signed_in_user(request),
            tracking_number=tracking_number,
            from_government=request.tenant,  # type: ignore[attr-defined]
            **given.validated_data,
        )
        return Response(TransferOutput(outcome).data)


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
    permission_classes = [OnGovernmentHost, MayActOnReports]

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
        require_government_host(GOVERNMENT_HOST_ONLY)
        _require_report_here(request, tracking_number)
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
            actor=signed_in_user(request), tracking_number=tracking_number, proofs=proofs, note=data["note"]
        )
        return Response(_official_body(report))


class RateInput(BoundedSerializer):
    score = serializers.IntegerField(min_value=1, max_value=5)


class RateOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    score = serializers.IntegerField()


class ReportRateView(ApiView):
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
        require_public_host()
        given = RateInput(data=request.data)
        given.is_valid(raise_exception=True)
        score = report_rate_resolution(
            reporter=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(RateOutput({"tracking_number": tracking_number, "score": score}).data)


class CommentInput(BoundedSerializer):
    body = serializers.CharField(allow_blank=True, max_length=4000)


class CommentCreatedOutput(BoundedSerializer):
    tracking_number = serializers.CharField()
    role = serializers.CharField()


class ReportCommentView(ApiView):
    """Citizens comment from the shared app; officials from their government's host."""

    def get_permissions(self) -> list[Any]:
        if in_public_schema():
            return [permissions.IsAuthenticated()]
        return [permissions.IsAuthenticated(), MayActOnReports()]

    @extend_schema(
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
    def post(self, request: Request, tracking_number: str) -> Response:
        if in_public_schema():
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
        else:
            report = report_get_for_actor(actor=signed_in_user(request), tracking_number=tracking_number)
            if report is None:
                raise Http404(REPORT_NOT_FOUND)
            given = CommentInput(data=request.data)
            given.is_valid(raise_exception=True)
            role = report_comment_add(
                author=signed_in_user(request), report_id=report.pk, as_official=True, **given.validated_data
            ).role
        return Response(
            CommentCreatedOutput({"tracking_number": tracking_number, "role": role}).data,
            status=status.HTTP_201_CREATED,
        )


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
    permission_classes = [OnGovernmentHost, MayActOnReports]

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
        require_government_host(GOVERNMENT_HOST_ONLY)
        _require_report_here(request, tracking_number)
        given = MergeInput(data=request.data)
        given.is_valid(raise_exception=True)
        outcome = report_merge(
            actor=signed_in_user(request),
            duplicate_tracking_number=tracking_number,
            into_tracking_number=given.validated_data["into_tracking_number"],
            note=given.validated_data["note"],
        )
        return Response(MergeOutput(outcome).data)


class PriorityInput(BoundedSerializer):
    # A plain string: the service names an unknown value and the choices in Bahasa Indonesia.
    priority = serializers.CharField(max_length=16, help_text=f"One of: {', '.join(Priority.values)}.")
    note = serializers.CharField(allow_blank=True, max_length=4000, help_text="Why the priority changes (required).")


class ReportPriorityView(ApiView):
    permission_classes = [OnGovernmentHost, MayActOnReports]

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
        require_government_host(GOVERNMENT_HOST_ONLY)
        report = report_get_for_actor(actor=signed_in_user(request), tracking_number=tracking_number)
        if report is None:
            raise Http404(REPORT_NOT_FOUND)
        given = PriorityInput(data=request.data)
        given.is_valid(raise_exception=True)
        report = report_priority_set(actor=signed_in_user(request), report_id=report.pk, **given.validated_data)
        return Response(_official_body(report))


class InternalNoteInput(BoundedSerializer):
    body = serializers.CharField(allow_blank=True, max_length=4000)


class InternalNoteOutput(BoundedSerializer):
    id = serializers.IntegerField()
    author_id = serializers.UUIDField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReportInternalNotesView(ApiView):
    """Notes officials of the report's government keep for each other; never public."""

    permission_classes = [OnGovernmentHost, permissions.IsAuthenticated, MayViewReports]

    def _report(self, request: Request, tracking_number: str) -> Report:
        report = report_get_for_actor(actor=signed_in_user(request), tracking_number=tracking_number)
        if report is None:
            raise Http404(REPORT_NOT_FOUND)
        return report

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
        report = self._report(request, tracking_number)
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
        self._report(request, tracking_number)
        given = InternalNoteInput(data=request.data)
        given.is_valid(raise_exception=True)
        note = report_note_add(
            actor=signed_in_user(request), tracking_number=tracking_number, body=given.validated_data["body"]
        )
        return Response(InternalNoteOutput(note).data, status=status.HTTP_201_CREATED)


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
    permission_classes = [OnGovernmentHost, MayActOnReports]

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
        require_government_host(GOVERNMENT_HOST_ONLY)
        _require_report_here(request, tracking_number)
        given = ReportAssignInput(data=request.data)
        given.is_valid(raise_exception=True)
        assignment = report_assign(
            actor=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(AssignmentOutput(assignment).data)


class UnitTransferInput(BoundedSerializer):
    unit_id = serializers.IntegerField(help_text="A unit of this government (not an external organisation).")
    note = serializers.CharField(allow_blank=True, max_length=4000, help_text="Why the report moves.")


class ReportUnitTransferView(ApiView):
    permission_classes = [OnGovernmentHost, MayActOnReports]

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
        require_government_host(GOVERNMENT_HOST_ONLY)
        _require_report_here(request, tracking_number)
        given = UnitTransferInput(data=request.data)
        given.is_valid(raise_exception=True)
        report = report_unit_transfer(
            actor=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(_official_body(report))


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

    permission_classes = [OnGovernmentHost, permissions.IsAuthenticated, MayViewReports]

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
        template = response_template_save(actor=signed_in_user(request), **given.validated_data)
        return Response(ResponseTemplateOutput(template).data, status=status.HTTP_201_CREATED)


class ResponseTemplateDetailView(ApiView):
    permission_classes = [OnGovernmentHost, permissions.IsAuthenticated, MayViewReports]

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
            actor=signed_in_user(request), template_id=template_id, **given.validated_data
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
        template = response_template_archive(actor=signed_in_user(request), template_id=template_id)
        return Response(ResponseTemplateOutput(template).data)


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

    permission_classes = [OnGovernmentHost, permissions.IsAuthenticated, MayViewReports]

    def _report(self, request: Request, tracking_number: str) -> Report:
        report = report_get_for_actor(actor=signed_in_user(request), tracking_number=tracking_number)
        if report is None:
            raise Http404(REPORT_NOT_FOUND)
        return report

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
        report = self._report(request, tracking_number)
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
        self._report(request, tracking_number)
        given = ExternalForwardInput(data=request.data)
        given.is_valid(raise_exception=True)
        forward = report_forward_external(
            actor=signed_in_user(request), tracking_number=tracking_number, **given.validated_data
        )
        return Response(ExternalForwardOutput(forward).data, status=status.HTTP_201_CREATED)


class ReportExternalForwardAnswerView(ApiView):
    permission_classes = [OnGovernmentHost, MayActOnReports]

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
            actor=signed_in_user(request), forward_id=forward_id, answer=given.validated_data["answer"]
        )
        return Response(ExternalForwardOutput(forward).data)
