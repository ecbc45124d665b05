"""Logs in production: one JSON object a line, naming the request id, schema, government and
account id, and never the personal data a request carried (config/logs.py, decision 0096)."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from config.logs import ContextFilter, formatter
from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import official_of
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE
from warga.notifications.tasks import notifications_deliver

PLANTED = {
    "name": "Sulastri Wibisono",
    "email": "sulastri.wibisono@example.id",
    "phone": "+6281299887766",
    "description": "Rumah Bu Sulastri Wibisono di Gang Kenari 7 kebanjiran lagi",
    "ip": "203.0.113.77",
}


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Every log line of the test, as production writes them (the settings' JSON formatter and
    context filter on a handler of the root logger)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(formatter("json"))
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(level)


def _records(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_a_request_logs_one_json_line_with_its_context_and_no_personal_data(
    bandung: Government, log_lines: io.StringIO
) -> None:
    citizen = UserFactory(full_name=PLANTED["name"], email=PLANTED["email"], phone=PLANTED["phone"])
    submitted = signed_in_client(citizen).post(
        "/api/v1/reports/?q=" + PLANTED["email"],
        json.dumps(
            {
                "type": "pengaduan",
                "category_code": "sampah",
                "description": PLANTED["description"],
                "latitude": BANDUNG_POINT[0],
                "longitude": BANDUNG_POINT[1],
                "village_code": BANDUNG_VILLAGE,
                "privacy": "publik",
                "idempotency_key": "log-kunci-0001",
            }
        ),
        content_type="application/json",
        HTTP_HOST="localhost",
        HTTP_X_FORWARDED_FOR=PLANTED["ip"],
        REMOTE_ADDR=PLANTED["ip"],
    )
    assert submitted.status_code == 201, submitted.content
    number = submitted.json()["tracking_number"]
    official = official_of(bandung)
    read = signed_in_client(official).get(
        f"/api/v1/reports/{number}/", HTTP_HOST="kota-bandung.localhost", HTTP_X_REQUEST_ID="proxy-4f2a9c1e7b"
    )
    assert read.status_code == 200
    assert read["X-Request-ID"] == "proxy-4f2a9c1e7b"

    records = _records(log_lines)
    access = [r for r in records if r["logger"] == "warga.request"]
    assert [(r["method"], r["status"]) for r in access] == [("POST", 201), ("GET", 200)]
    submit_line, read_line = access
    assert read_line["request_id"] == "proxy-4f2a9c1e7b"
    assert (read_line["schema"], read_line["government"]) == (bandung.schema_name, "32.73")
    assert read_line["user_id"] == str(official.pk)
    assert read_line["route"] == "api/v1/reports/<str:tracking_number>/"
    assert {"time", "level", "message", "duration_ms", "view"} <= read_line.keys()
    assert submit_line["user_id"] == str(citizen.pk)
    assert submit_line["request_id"] == submitted["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", submit_line["request_id"])

    written = log_lines.getvalue()
    for kind, value in PLANTED.items():
        assert value not in written, kind
    for word in ("Sulastri", "Wibisono", "Kenari"):
        assert word not in written


@pytest.mark.parametrize("given", ["", "short", "<script>alert(1)</script>", "a" * 200, "id with spaces 1234"])
def test_a_malformed_request_id_is_replaced(db: None, given: str) -> None:
    response = signed_in_client().get("/healthz", HTTP_HOST="localhost", HTTP_X_REQUEST_ID=given)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_task_logs_with_its_name_id_and_schema(bandung: Government, log_lines: io.StringIO) -> None:
    # Run through Celery's own tracer, as a worker runs it: the schema comes from the message's
    # headers (tenant-schemas-celery), the task's name and id from the prerun signal.
    result = notifications_deliver.apply(args=([],), task_id="tid-log-1", headers={"_schema_name": bandung.schema_name})
    assert result.successful(), result.traceback
    logging.getLogger("warga.notifications").info("after the task")
    traced = [r for r in _records(log_lines) if r["logger"] == "celery.app.trace"]
    assert traced, log_lines.getvalue()
    line = traced[-1]
    assert (line["task"], line["task_id"]) == (notifications_deliver.name, "tid-log-1")
    assert (line["schema"], line["government"]) == (bandung.schema_name, "32.73")
    after = next(r for r in _records(log_lines) if r["message"] == "after the task")
    assert (after["task"], after["schema"]) == ("", "public")


def test_development_logs_are_readable_text(bandung: Government) -> None:
    record = logging.LogRecord(
        "warga.reports", logging.INFO, __file__, 1, "report %s verified", ("32.73-2026-1",), None
    )
    with government_context(bandung):
        ContextFilter().filter(record)
    line = formatter("text").format(record)
    assert line.endswith(f"INFO warga.reports [{bandung.schema_name}] report 32.73-2026-1 verified")
