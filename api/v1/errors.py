"""One error body for the whole API, and the mapping from domain errors to it.

Every 4xx/5xx answers:

    {"error": {"code": "...", "message": "...", "fields": {"<field>": [{"code": "...", "message": "..."}]}}}

`fields` appears for input problems; a refused status change adds `current` and `allowed`.
Domain errors carry messages in Bahasa Indonesia that a user can act on.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from warga.access.policy import ActionForbidden
from warga.intake.services import IdempotencyKeyReused, IntakeUnavailable, RateLimited
from warga.privacy.services import RevealRateLimited
from warga.reports.errors import FieldError, InvalidTransition, ReportError, ReportInvalid, ReportNotFound

# The domain's refusals and what each becomes on the wire.
DOMAIN_ERRORS: dict[type[ReportError], tuple[int, str]] = {
    ReportInvalid: (status.HTTP_400_BAD_REQUEST, "invalid"),
    ReportNotFound: (status.HTTP_404_NOT_FOUND, "not_found"),
    InvalidTransition: (status.HTTP_409_CONFLICT, "invalid_transition"),
    IdempotencyKeyReused: (status.HTTP_422_UNPROCESSABLE_ENTITY, "idempotency_key_reused"),
    RateLimited: (status.HTTP_429_TOO_MANY_REQUESTS, "rate_limited"),
    RevealRateLimited: (status.HTTP_429_TOO_MANY_REQUESTS, "rate_limited"),
    IntakeUnavailable: (status.HTTP_503_SERVICE_UNAVAILABLE, "unavailable"),
}

NOT_FOUND_MESSAGE = "Tidak ditemukan."
THROTTLED_MESSAGE = (
    "Terlalu banyak permintaan. Silakan coba lagi dalam {seconds} detik. "
    "(Too many requests. Please try again in {seconds} seconds.)"
)
INVALID_MESSAGE = "Permintaan belum dapat diproses: periksa isian yang ditandai."


def _fields(errors: dict[str, list[FieldError]]) -> dict[str, list[dict[str, str]]]:
    return {name: [{"code": e.code, "message": e.message} for e in items] for name, items in errors.items()}


def _serializer_fields(detail: Any) -> dict[str, list[dict[str, str]]]:
    # The v1 input serializers are flat; anything not keyed by field is "non_field_errors".
    items = detail.items() if isinstance(detail, dict) else [("non_field_errors", detail)]
    return {
        str(name): [{"code": str(getattr(e, "code", "invalid")), "message": str(e)} for e in value]
        for name, value in items
        for value in [value if isinstance(value, list) else [value]]
    }


def body(*, code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def domain_error_response(error: ReportError) -> Response:
    http_status, code = next(
        (mapping for kind, mapping in DOMAIN_ERRORS.items() if isinstance(error, kind)),
        (status.HTTP_400_BAD_REQUEST, "refused"),
    )
    extra: dict[str, Any] = {}
    if isinstance(error, ReportInvalid):
        extra["fields"] = _fields(error.errors)
    if isinstance(error, InvalidTransition):
        extra["current"] = error.current
        extra["allowed"] = list(error.allowed)
    headers = {"Retry-After": "60"} if http_status == status.HTTP_503_SERVICE_UNAVAILABLE else None
    if isinstance(error, RateLimited | RevealRateLimited):
        headers = {"Retry-After": str(error.retry_after)}
        extra["retry_after"] = error.retry_after
    return Response(body(code=code, message=error.message, **extra), status=http_status, headers=headers)


# Django's own limits while DRF parses a form (docs/security.md, "Request sizes"): without this
# they end as Django's bare HTML 400 page.
PARSE_LIMITS: dict[type[SuspiciousOperation], tuple[int, str, str]] = {
    RequestDataTooBig: (
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        "request_too_large",
        "Isian formulir terlalu besar. Persingkat isiannya. (The form fields are too large.)",
    ),
    TooManyFieldsSent: (
        status.HTTP_400_BAD_REQUEST,
        "too_many_fields",
        "Terlalu banyak isian dalam satu permintaan. (Too many form fields in one request.)",
    ),
    TooManyFilesSent: (
        status.HTTP_400_BAD_REQUEST,
        "too_many_files",
        "Terlalu banyak berkas dalam satu permintaan: paling banyak 5 foto. (Too many files in one request.)",
    ),
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ReportError):
        return domain_error_response(exc)
    for kind, (http_status, code, message) in PARSE_LIMITS.items():
        if isinstance(exc, kind):
            return Response(body(code=code, message=message), status=http_status)
    if isinstance(exc, ActionForbidden):
        # warga.access.policy's refusal: the code says why (mfa_missing, outside_unit, ...).
        return Response(body(code=exc.reason, message=exc.message), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, exceptions.ValidationError):
        return Response(
            body(code="invalid", message=INVALID_MESSAGE, fields=_serializer_fields(exc.detail)),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.Throttled):
        retry_after = max(1, int(getattr(exc, "wait", None) or 1))
        return Response(
            body(code="rate_limited", message=THROTTLED_MESSAGE.format(seconds=retry_after), retry_after=retry_after),
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(retry_after)},
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    code = getattr(detail, "code", None) or "error"
    response.data = body(code=str(code), message=str(detail or response.status_text))
    return response
