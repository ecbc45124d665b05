"""Request bodies too large to be anything but an attack are refused before they are read.

Django applies DATA_UPLOAD_MAX_MEMORY_SIZE only when something reads `request.body` or
`request.POST`; DRF's parsers read the stream directly, so a JSON body of any size was read
into memory, and a multipart body of any size was spooled to disk, before a view could look
at it. This middleware runs first and answers 413 from the declared Content-Length alone:
nothing of the body is read, nothing is written, and no database is touched.

A body whose length is not declared is not read by Django at all (WSGIRequest reads exactly
Content-Length bytes, zero without one), so the declared length is the whole story here.
The reverse proxy in front refuses the same sizes earlier (deploy/README.md).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

MULTIPART = "multipart/form-data"


def _megabytes(size: int) -> str:
    """`2 MB`, `2,5 MB`, or `64 KB` under a megabyte (Indonesian decimal comma)."""
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",") + " MB"


def body_limit_for(content_type: str) -> int:
    """The largest body accepted for a content type: photos travel as multipart, everything
    else (JSON, forms) is small."""
    if content_type.split(";", 1)[0].strip().lower() == MULTIPART:
        return int(settings.WARGA_MAX_MULTIPART_BYTES)
    return int(settings.WARGA_MAX_BODY_BYTES)


def body_too_large(*, declared: int, limit: int, api: bool) -> HttpResponse:
    """A 413 that says the limit, in Indonesian first."""
    if limit == settings.WARGA_MAX_MULTIPART_BYTES:
        hint = "Kirim lebih sedikit foto atau kecilkan ukuran fotonya."
        hint_en = "Send fewer or smaller photos."
    else:
        hint = "Persingkat isiannya."
        hint_en = "Shorten the content."
    message = (
        f"Data yang dikirim terlalu besar ({_megabytes(declared)}); batasnya {_megabytes(limit)}. {hint} "
        f"(The request is too large; the limit is {_megabytes(limit)}. {hint_en})"
    )
    response: HttpResponse
    if api:
        response = JsonResponse(
            {"error": {"code": "request_too_large", "message": message, "limit_bytes": limit}}, status=413
        )
    else:
        response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    # The client may still be sending: tell it not to keep the connection for more.
    response["Connection"] = "close"
    return response


class RequestBodyLimitMiddleware:
    """First in the chain: refuse a body over its limit before anything reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            declared = int(raw)
        except ValueError:
            declared = 0  # Django reads nothing of a body whose length it cannot parse
        if declared > 0:
            limit = body_limit_for(request.META.get("CONTENT_TYPE", ""))
            if declared > limit:
                return body_too_large(declared=declared, limit=limit, api="/api/" in request.path_info)
        return self.get_response(request)
