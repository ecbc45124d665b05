"""One error body for the whole API, and the mapping from domain errors to it.

Every 4xx/5xx answers:

    {"error": {"code": "...", "message": "...", "fields": {"<field>": [{"code": "...", "message": "..."}]}}}

`fields` appears for input problems; a refused status change adds `current` and `allowed`, a
limit `retry_after`. The services raise only `warga.errors.WargaError` subclasses, each carrying
its code, message, fields and HTTP status: this one handler answers all of them, so views do not
catch them (decision 0095).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from warga.errors import Defect, FieldError, WargaError

NOT_FOUND_MESSAGE = "Tidak ditemukan."
THROTTLED_MESSAGE = (
    "Terlalu banyak permintaan. Silakan coba lagi dalam {seconds} detik. "
    "(Too many requests. Please try again in {seconds} seconds.)"
)
INVALID_MESSAGE = "Permintaan belum dapat diproses: periksa isian yang ditandai."


def _fields(errors: dict[str, list[FieldError]]) -> dict[str, list[dict[str, str]]]:
    return {name: [{"code": e.code, "message": str(e.message)} for e in items] for name, items in errors.items()}


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


def domain_error_response(error: WargaError) -> Response:
    """The answer to any of the services' refusals (warga.errors)."""
    extra: dict[str, Any] = {}
    if error.fields is not None:
        extra["fields"] = _fields(error.fields)
    extra.update(error.details())
    return Response(
        body(code=error.code, message=str(error.message), **extra),
        status=error.http_status,
        headers=error.headers() or None,
    )


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
    if isinstance(exc, Defect):
        return None  # a bug, not a refusal: it propagates and is logged as the server error it is
    if isinstance(exc, WargaError):
        return domain_error_response(exc)
    for kind, (http_status, code, message) in PARSE_LIMITS.items():
        if isinstance(exc, kind):
            return Response(body(code=code, message=message), status=http_status)
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
