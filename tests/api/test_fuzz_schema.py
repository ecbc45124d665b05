"""Schemathesis against the published OpenAPI schema: generated requests, valid and invalid,
to every v1 operation, as an anonymous visitor (public host and Kota Bandung's host) and as
Kota Bandung's admin koordinator; no answer may be a server error, and a documented answer
must match its schema.

Requests go through Django's test client (real middleware, views and PostgreSQL schemas, in
the test's transaction); each operation gets WARGA_FUZZ_EXAMPLES cases per anonymous run and twice
that as the admin koordinator, whose operations reach the database (default 6: about 1,600
cases in about 45 s). A longer run: `WARGA_FUZZ_EXAMPLES=200 pytest tests/api/test_fuzz_schema.py`.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
import schemathesis
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode

from api.v1.openapi import WargaSchemaGenerator
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import official_of
from tests.warga.reports.helpers import submit

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
EXAMPLES = int(os.environ.get("WARGA_FUZZ_EXAMPLES", "6"))


def _schema() -> Any:
    raw = json.loads(JSONRenderer().render(WargaSchemaGenerator().get_schema(request=None, public=True)))
    return schemathesis.openapi.from_dict(raw)


def _strategy(operation: Any) -> st.SearchStrategy[Any] | None:
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        try:
            strategies.append(operation.as_strategy(generation_mode=mode))
        except Exception:  # noqa: S112 -- an operation with no invalid input to make
            continue
    return st.one_of(*strategies) if strategies else None


def _json_default(value: Any) -> str:
    # A binary field (a photo) offered as JSON: sent as text, as a careless client would.
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _send(client: Client, case: Any, host: str) -> Any:
    path = case.formatted_path
    if case.query:
        path += "?" + urlencode(case.query, doseq=True)
    meta = {f"HTTP_{name.upper().replace('-', '_')}": str(value) for name, value in (case.headers or {}).items()}
    meta.pop("HTTP_HOST", None)
    meta.pop("HTTP_CONTENT_TYPE", None)
    kwargs: dict[str, Any] = {"HTTP_HOST": host, **meta}
    body = case.body
    has_body = body is not None and type(body).__name__ != "NotSet"
    if has_body and case.media_type == "multipart/form-data" and isinstance(body, dict):
        data = {
            key: SimpleUploadedFile("f.bin", value) if isinstance(value, bytes) else value
            for key, value in body.items()
            if value is not None
        }
        return (
            client.generic(case.method, path, **kwargs)
            if case.method == "DELETE"
            else _multipart(client, case.method, path, data, kwargs)
        )
    if has_body and case.media_type == "application/x-www-form-urlencoded":
        encoded = urlencode(body if isinstance(body, dict) else {}, doseq=True)
        return client.generic(case.method, path, encoded, "application/x-www-form-urlencoded", **kwargs)
    if has_body:
        return client.generic(case.method, path, json.dumps(body, default=_json_default), "application/json", **kwargs)
    return client.generic(case.method, path, **kwargs)


def _multipart(client: Client, method: str, path: str, data: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    if method == "POST":
        return client.post(path, data, **kwargs)
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return client.generic(method, path, encode_multipart(BOUNDARY, data), MULTIPART_CONTENT, **kwargs)


def _as_checked_response(response: Any, case: Any, host: str) -> Response:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return Response(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.items()},
        content=content,
        request=requests.Request(case.method, f"http://{host}{case.formatted_path}").prepare(),
        elapsed=0.0,
        verify=False,
        message=response.reason_phrase,
        encoding="utf-8",
    )


def _fuzz_operation(
    client: Client,
    host: str,
    operation: Any,
    strategy: Any,
    statuses: Counter[str],
    failures: list[str],
    examples: int,
) -> None:
    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = _send(client, case, host)
        statuses[f"{operation.label} {response.status_code}"] += 1
        try:
            case.validate_response(
                _as_checked_response(response, case, host),
                checks=[not_a_server_error, response_schema_conformance],
            )
        except (AssertionError, BaseExceptionGroup) as failure:  # collected, reported together below
            failures.append(f"{operation.label} -> {response.status_code}: {str(failure)[:1500]}")

    run()


def _fuzz(client: Client, host: str, examples: int = EXAMPLES) -> tuple[Counter[str], int, list[str]]:
    schema = _schema()
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        strategy = _strategy(operation)
        if strategy is not None:
            _fuzz_operation(client, host, operation, strategy, statuses, failures, examples)
    return statuses, len(operations), failures


def _report(persona: str, statuses: Counter[str], operations: int) -> None:
    """The share of operations whose handler the cases reached (an answer other than a refusal
    of who or where: 401, 403, 404, 405) and that answered a success at least once."""
    refusals = (" 401", " 403", " 404", " 405")
    reached = {key.rsplit(" ", 1)[0] for key in statuses if not key.endswith(refusals)}
    succeeded = {key.rsplit(" ", 1)[0] for key in statuses if key.rsplit(" ", 1)[1].startswith("2")}
    print(
        f"\n{persona}: {sum(statuses.values())} cases; operations reached {len(reached)}/{operations}, "
        f"answered 2xx {len(succeeded)}/{operations}"
    )


@pytest.fixture(autouse=True)
def _no_throttling(settings: Any) -> None:
    """The fuzzer sends hundreds of requests a second from one address: its answers must be the
    views', not the throttles' (tests/api/test_throttles.py covers those)."""
    rates = {"anonymous": "100000/minute", "session": "100000/minute", "api_key": "100000/minute"}
    settings.REST_FRAMEWORK = django_settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def bandung_report(bandung: Government) -> str:
    return submit(UserFactory()).tracking_number


@pytest.mark.parametrize("host", [PUBLIC, BANDUNG_HOST])
def test_anonymous_fuzzing_finds_no_server_error(bandung: Government, bandung_report: str, host: str) -> None:
    statuses, operations, failures = _fuzz(Client(), host)
    _report(f"anonymous on {host}", statuses, operations)
    assert sum(statuses.values()) >= operations
    assert failures == [], "\n\n".join(failures)


def test_admin_koordinator_fuzzing_finds_no_server_error(bandung: Government, bandung_report: str) -> None:
    statuses, operations, failures = _fuzz(signed_in_client(official_of(bandung)), BANDUNG_HOST, 2 * EXAMPLES)
    _report("admin koordinator on kota-bandung", statuses, operations)
    assert failures == [], "\n\n".join(failures)
