"""The published OpenAPI description: it generates without a warning, every operation is
described for its reader, and what the national dashboard and open data send is exactly what it
describes (and exactly what the selectors return, so no field is lost on the way). Its reference
pages are served on every host the API answers on."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from api.v1.base import ApiView
from api.v1.openapi import BASE_DOCSTRING_START, HOST_HEADING, KEY_HEADING, WHO_HEADING, WargaSchemaGenerator
from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import membership_in, verified_user, with_totp
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.national.models import RegionLevel, RelaySource, SurgeFlag
from warga.national.selectors import (
    OPEN_DATA_MIN_CELL,
    NationalScope,
    dashboard_breakdown,
    dashboard_by_category,
    dashboard_kpis,
    dashboard_rankings,
    dashboard_series,
    dashboard_surges,
    open_data_cells,
    relay_freshness,
    surge_flags_open,
)
from warga.national.services import relay_drain

NATIONAL_HOST = "nasional.localhost"
DESCRIPTION = "Jalan berlubang di depan pasar, membahayakan pengendara."
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _mismatches(value: Any, schema: dict[str, Any], components: dict[str, Any], at: str = "$") -> list[str]:
    """Where `value` strays from the OpenAPI 3.0 `schema`: undeclared or missing keys, a null
    where none is allowed, a wrong type, a value outside its enum."""
    nullable = schema.get("nullable", False)
    schema = _resolve(schema, components)
    if "allOf" in schema:
        (schema,) = [_resolve(part, components) for part in schema["allOf"]]
    if value is None:
        return [] if nullable or schema.get("nullable", False) else [f"{at}: null is not allowed"]
    kind = schema.get("type", "object")
    if not isinstance(value, JSON_TYPES[kind]) or (kind in ("integer", "number") and isinstance(value, bool)):
        return [f"{at}: {type(value).__name__} where {kind} is described"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{at}: {value!r} not in {schema['enum']}"]
    if kind == "array":
        return [m for i, item in enumerate(value) for m in _mismatches(item, schema["items"], components, f"{at}[{i}]")]
    if kind != "object" or "properties" not in schema:
        return []
    found = [f"{at}.{key}: not described" for key in value if key not in schema["properties"]]
    found += [f"{at}.{key}: described as required, missing" for key in schema.get("required", []) if key not in value]
    for key, item in value.items():
        if key in schema["properties"]:
            found += _mismatches(item, schema["properties"][key], components, f"{at}.{key}")
    return found


def _response_schema(path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    schema = WargaSchemaGenerator().get_schema(request=None, public=True)
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return answer, schema["components"]["schemas"]


def _as_sent(value: Any) -> Any:
    return json.loads(JSONRenderer().render(value))


@pytest.fixture
def national_figures(national: Government, bandung: Government, jakarta: Government, tmp_path: Path) -> None:
    """Reports in Bandung and Jakarta, relayed; Bandung's population loaded (so both
    normalisations rank); an open surge flag; and Jakarta's relay stalled on an event."""
    for _ in range(2):
        submit(UserFactory(), description=DESCRIPTION)
    submit(
        UserFactory(),
        latitude=JAKARTA_POINT[0],
        longitude=JAKARTA_POINT[1],
        village_code=JAKARTA_VILLAGE,
        description=DESCRIPTION,
    )
    for government in (bandung, jakarta):
        with government_context(government):
            relay_drain(government=government)
    figures = tmp_path / "penduduk.csv"
    figures.write_text("code,population,year,source\n32.73,2500000,2020,Angka uji\n", encoding="utf-8")
    call_command("import_population", str(figures), verbosity=0)
    now = timezone.now()
    today = timezone.localdate()
    SurgeFlag.objects.create(
        level=RegionLevel.DISTRICT,
        region_code="31.71.01",
        province_code="31",
        category_code="banjir",
        window_days=1,
        baseline_days=28,
        first_day=today,
        last_day=today,
        recent=15,
        expected=1.25,
        first_seen=now,
        last_seen=now,
    )
    RelaySource.objects.filter(source_code="31").update(
        failing_event_id=99, failing_error="RelayEventInvalid: uji", failing_since=now, failures=3
    )


def test_the_schema_generates_and_validates_without_a_warning(tmp_path: Path) -> None:
    # --fail-on-warn turns any field drf-spectacular cannot describe into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text(encoding="utf-8").startswith("openapi: 3.0.3\n")


HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def undescribed(schema: dict[str, Any]) -> list[str]:
    """Operations a reader cannot use from the schema alone: no summary, no description of its
    own (none, or the API views' base docstring), no word on who may call it, on which host or
    with an API key, an area tag that is not declared, or a refusal without the error body."""
    areas = {tag["name"] for tag in schema.get("tags", [])}
    problems = []
    for path, item in schema["paths"].items():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            operation, where = item[method], f"{method.upper()} {path}"
            description = operation.get("description", "").strip()
            if not operation.get("summary"):
                problems.append(f"{where}: no summary")
            if not description or BASE_DOCSTRING_START in description:
                problems.append(f"{where}: no description of its own")
            problems += [f"{where}: no {h}" for h in (WHO_HEADING, HOST_HEADING, KEY_HEADING) if h not in description]
            if len(operation.get("tags", [])) != 1 or operation["tags"][0] not in areas:
                problems.append(f"{where}: tag {operation.get('tags')} is not an area of api.v1.openapi.AREAS")
            for status in ("404", "429"):
                content = operation.get("responses", {}).get(status, {}).get("content", {})
                if "ErrorBody" not in json.dumps(content):
                    problems.append(f"{where}: {status} without the error body")
    return problems


def test_every_operation_is_described_for_its_reader() -> None:
    schema = WargaSchemaGenerator().get_schema(request=None, public=True)

    operations = [m for item in schema["paths"].values() for m in HTTP_METHODS if m in item]
    assert len(operations) >= 80
    assert undescribed(schema) == []


def test_the_description_check_notices_an_operation_left_undescribed() -> None:
    assert ApiView.__doc__ is not None
    assert ApiView.__doc__.startswith(BASE_DOCSTRING_START)
    schema = {
        "tags": [{"name": "Laporan"}],
        "paths": {
            "/api/v1/baru/": {"get": {"description": ApiView.__doc__, "tags": ["baru"], "responses": {}}},
            "/api/v1/reports/": {"post": {"summary": "Kirim", "description": "Mengirim laporan.", "tags": ["Laporan"]}},
        },
    }
    assert undescribed(schema) == [
        "GET /api/v1/baru/: no summary",
        "GET /api/v1/baru/: no description of its own",
        f"GET /api/v1/baru/: no {WHO_HEADING}",
        f"GET /api/v1/baru/: no {HOST_HEADING}",
        f"GET /api/v1/baru/: no {KEY_HEADING}",
        "GET /api/v1/baru/: tag ['baru'] is not an area of api.v1.openapi.AREAS",
        "GET /api/v1/baru/: 404 without the error body",
        "GET /api/v1/baru/: 429 without the error body",
        f"POST /api/v1/reports/: no {WHO_HEADING}",
        f"POST /api/v1/reports/: no {HOST_HEADING}",
        f"POST /api/v1/reports/: no {KEY_HEADING}",
        "POST /api/v1/reports/: 404 without the error body",
        "POST /api/v1/reports/: 429 without the error body",
    ]


@pytest.mark.parametrize("host", ["localhost", "kota-bandung.localhost"])
def test_the_reference_pages_are_served_with_their_nonce_and_other_pages_keep_the_policy(
    host: str, bandung: Government
) -> None:
    client = Client()
    swagger = client.get("/api/docs/", HTTP_HOST=host)
    redoc = client.get("/api/redoc/", HTTP_HOST=host)
    script = client.get("/api/docs/?script=", HTTP_HOST=host)
    home = client.get("/", HTTP_HOST=host)

    assert (swagger.status_code, redoc.status_code, script.status_code) == (200, 200, 200)
    nonce = swagger["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<style nonce="{nonce}">' in swagger.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in swagger.content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in redoc.content.decode()
    assert script["Content-Type"] == "application/javascript"
    assert '"/api/v1/schema/"' in script.content.decode()
    # The policy of every other page is untouched: no nonce, no hash, no blob worker.
    policy = home["Content-Security-Policy"]
    # Directives in any order: django-csp does not promise one.
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["style-src"] == "'self'"
    assert "nonce" not in policy
    assert "sha256" not in policy
    assert "worker-src" not in policy


def test_the_dashboard_sends_what_the_selectors_return_as_the_schema_describes(
    national: Government, national_figures: None
) -> None:
    user = with_totp(verified_user("pengawas@nasional.go.id"))
    membership_in(national, user, kind="pengawas_nasional")

    response = signed_in_client(user).get("/api/v1/national/dashboard/?min_volume=1", HTTP_HOST=NATIONAL_HOST)

    assert response.status_code == 200, response.content
    body = response.json()
    end = timezone.localdate()
    start = end - timedelta(days=29)
    scope = NationalScope()
    assert body == _as_sent(
        {
            "scope": {"province_code": None},
            "period": {"start": start, "end": end},
            "kpis": dashboard_kpis(scope=scope, start=start, end=end),
            "breakdown": {
                "level": "province",
                "parent": None,
                "regions": dashboard_breakdown(scope=scope, start=start, end=end, level="province"),
            },
            "categories": dashboard_by_category(scope=scope, start=start, end=end),
            "series": dashboard_series(scope=scope, start=start, end=end),
            "rankings": dashboard_rankings(scope=scope, start=start, end=end, level="regency", min_volume=1),
            "surges": dashboard_surges(scope=scope, end=end),
            "surge_flags": surge_flags_open(scope=scope),
            "freshness": relay_freshness(),
        }
    )
    # Every optional part is present, so the comparison above covers its fields.
    assert body["rankings"]["ranked_counts"] == {"per_100k_inhabitants": 1, "per_report": 1}
    assert [flag["region_code"] for flag in body["surge_flags"]] == ["31.71.01"]
    assert [relay["government_code"] for relay in body["freshness"]["stalled"]] == ["31"]
    assert _mismatches(body, *_response_schema("/api/v1/national/dashboard/")) == []


def test_open_data_sends_what_the_selector_returns_as_the_schema_describes(national_figures: None) -> None:
    response = signed_in_client().get("/api/v1/open-data/reports/", HTTP_HOST="localhost")

    assert response.status_code == 200, response.content
    body = response.json()
    end = timezone.localdate()
    start = end - timedelta(days=29)
    assert body == _as_sent(
        {
            "period": {"start": start, "end": end},
            "suppressed_below": OPEN_DATA_MIN_CELL,
            "cells": open_data_cells(start=start, end=end),
        }
    )
    assert [cell["suppressed"] for cell in body["cells"]] == [True, True]
    assert _mismatches(body, *_response_schema("/api/v1/open-data/reports/")) == []


def test_the_checker_notices_a_payload_that_strays_from_the_schema(national: Government) -> None:
    schema, components = _response_schema("/api/v1/open-data/reports/")
    cell = {"month": "2025-01", "region_code": "32.73", "category_code": "banjir", "reports": None, "suppressed": True}
    sent = {"period": {"start": "2025-01-01", "end": "2025-01-31"}, "suppressed_below": 5, "cells": [cell]}
    assert _mismatches(sent, schema, components) == []
    strayed = sent | {"extra": 1, "suppressed_below": None, "cells": [cell | {"suppressed": "ya"}]}
    del strayed["period"]
    assert _mismatches(strayed, schema, components) == [
        "$.extra: not described",
        "$.period: described as required, missing",
        "$.suppressed_below: null is not allowed",
        "$.cells[0].suppressed: str where boolean is described",
    ]
