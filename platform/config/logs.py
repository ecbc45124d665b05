"""Logs: one JSON object a line in production, readable text in development (decision 0096).

Every line carries where it came from, never who in words: the request id, the schema and the
government's code, the signed-in account's id (a UUID), and in a worker the task's name and id.
No names, email addresses, phone numbers, report texts, tokens or IP addresses: the access line
names the route pattern (`api/v1/reports/<str:tracking_number>/`), not the path or the query,
which may hold a search, an invitation token or a name. DOMAIN.md's privacy rules and UU 27/2022
apply to logs as much as to tables.

The request id comes from the proxy's `X-Request-ID` when it is well formed, else it is made
here; every response returns it, so a person reporting a problem can quote it.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery.signals import task_postrun, task_prerun
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy (nginx's $request_id, an AWS trace id, a UUID) sends; anything else is replaced.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=-]{7,127}")

_request: ContextVar[HttpRequest | None] = ContextVar("warga_log_request", default=None)
_request_id: ContextVar[str] = ContextVar("warga_log_request_id", default="")
_task: ContextVar[tuple[str, str]] = ContextVar("warga_log_task", default=("", ""))

access_logger = logging.getLogger("warga.request")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(schema)s%(request_id_text)s%(user_text)s%(task_text)s] %(message)s"
JSON_FIELDS = "{asctime}{levelname}{name}{message}"


def _schema_and_government() -> tuple[str, str]:
    # Read from the connection at the moment of logging: right in a request, in a task (the
    # worker switched to the task's schema) and inside government_context() alike.
    try:
        schema = str(getattr(connection, "schema_name", "") or "")
        tenant = getattr(connection, "tenant", None)
    except Exception:  # settings not loaded yet: a log line at start-up
        return "", ""
    government = str(getattr(tenant, "code", "") or "") if schema and schema != "public" else ""
    return schema, government


def _user_id(request: HttpRequest | None) -> str:
    """The signed-in account's id if authentication already ran; never triggers it (no query)."""
    if request is None:
        return ""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return str(getattr(user, "pk", "") or "")


class ContextFilter(logging.Filter):
    """Adds request_id, schema, government, user_id, task and task_id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = _request_id.get()
        schema, government = _schema_and_government()
        user_id = _user_id(_request.get())
        task, task_id = _task.get()
        fields = {"request_id": request_id, "schema": schema, "government": government, "user_id": user_id}
        record.__dict__.update(fields, task=task, task_id=task_id)
        # Pieces of the text format, empty when there is nothing to say.
        record.request_id_text = f" req={request_id}" if request_id else ""
        record.user_text = f" user={user_id}" if user_id else ""
        record.task_text = f" task={task}" if task else ""
        return True


def formatter(kind: str) -> logging.Formatter:
    """`json` (production) or `text` (development); logging.config builds it from settings."""
    if kind == "json":
        return JsonFormatter(
            JSON_FIELDS,
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "taskName", "request_id_text", "user_text", "task_text"],
            json_ensure_ascii=False,
        )
    return logging.Formatter(TEXT_FORMAT)


def logging_config(*, kind: str, level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.logs.ContextFilter"}},
        "formatters": {"main": {"()": "config.logs.formatter", "kind": kind}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "main", "filters": ["context"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # The access line below replaces Django's, which names the path.
            "django.server": {"level": "WARNING"},
        },
    }


class RequestLogMiddleware:
    """First in the chain: gives the request its id, returns it, and logs one access line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        tokens = (_request_id.set(request_id), _request.set(request))
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            match = getattr(request, "resolver_match", None)
            access_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "route": getattr(match, "route", "") or "",
                    "view": getattr(match, "view_name", "") or "",
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _request_id.reset(tokens[0])
            _request.reset(tokens[1])


@task_prerun.connect
def _task_started(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    _task.set((str(getattr(task, "name", "") or ""), str(task_id or "")))


@task_postrun.connect
def _task_ended(**kwargs: Any) -> None:
    _task.set(("", ""))
