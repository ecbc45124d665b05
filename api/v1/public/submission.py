"""Filing a report from the shared app: similar reports first, then the submission."""

from __future__ import annotations

import json
import math
from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, signed_in_user
from api.v1.bounds import BoundedSerializer
from api.v1.errors import body
from tenants.host_kinds import PUBLIC
from warga.access.policy import Action
from warga.intake.selectors import reports_similar_before_submit
from warga.intake.services import report_submit, submission_ip_budget_spend
from warga.photos import MAX_PHOTOS
from warga.reports.models import Privacy, ReportType
from warga.taxonomy.questions import MAX_ANSWERS, TEXT_MAX_LENGTH
from warga.web.client_ip import client_ip, ip_budget_key


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


class ReportSubmitView(ApiView):
    host_kinds = PUBLIC
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
        refused = _submission_ip_refusal(request)
        if refused is not None:
            return refused
        given = SubmitInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data["idempotency_key"] = data.get("idempotency_key") or request.headers.get("Idempotency-Key", "")
        submission = report_submit(acting_user=signed_in_user(request), **data)
        response = Response(SubmissionOutput(submission).data, status=status.HTTP_201_CREATED)
        # The same answer for a retried submission; the header tells a client it was a replay.
        response["Idempotent-Replayed"] = "true" if submission.replayed else "false"
        return response


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
    host_kinds = PUBLIC
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
        given = SimilarInput(data=request.query_params)
        given.is_valid(raise_exception=True)
        return Response(SimilarOutput(reports_similar_before_submit(**given.validated_data), many=True).data)
