"""The URLconfs' error answers: a path not served on this host, and a dependency that is down.

A v1 path that another kind of host serves answers 404 with the API's error body saying where
(api.v1.elsewhere); any other unknown path gets Django's plain 404 page.

When a dependency is down: 503 with Retry-After, in words a person can act on.

Django turns an exception that escapes a view or a middleware into the URL conf's `handler500`,
called while the exception is being handled. When that exception says the database or the
broker could not be reached (PostgreSQL restarting, a failover, RabbitMQ stopped), the request
did not fail because of what the person sent: they should try again, and say so. Everything
else stays a plain 500. Nothing here touches the database: it is the thing that may be down.
"""

from __future__ import annotations

import html
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404
from django.views.defaults import page_not_found, server_error
from kombu.exceptions import OperationalError as BrokerUnavailable

from api.v1.elsewhere import not_served_here

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = (
    "Warga sedang mengalami gangguan sementara dan belum dapat menyimpan permintaan Anda. "
    f"Coba lagi dalam {RETRY_AFTER_SECONDS} detik. Laporan yang dikirim ulang dengan kunci idempotensi "
    "yang sama tidak akan tercatat dua kali. "
    "(Warga is briefly unavailable. Please try again in 30 seconds.)"
)
_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Warga sedang terganggu</title></head>
<body><main><h1>Warga sedang terganggu</h1><p>{message}</p></main></body></html>
"""


def is_dependency_down(error: BaseException | None) -> bool:
    """The database or the broker could not be reached (the error or what caused it)."""
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError | BrokerUnavailable | ConnectionError):
            return True
        error = error.__cause__ or error.__context__
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        body = {"error": {"code": "unavailable", "message": UNAVAILABLE_MESSAGE, "retry_after": RETRY_AFTER_SECONDS}}
        return JsonResponse(body, status=503, headers=headers)
    page = _PAGE.format(message=html.escape(UNAVAILABLE_MESSAGE))
    return HttpResponse(page, status=503, headers=headers, content_type="text/html; charset=utf-8")


def handler500(request: HttpRequest) -> HttpResponse:
    if is_dependency_down(sys.exc_info()[1]):
        logger.warning("%s %s answered 503: a dependency is down", request.method, request.path)
        return unavailable_response(request)
    return server_error(request)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, Resolver404):
        elsewhere = not_served_here(request)
        if elsewhere is not None:
            return elsewhere
    return page_not_found(request, exception)
