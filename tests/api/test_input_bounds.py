"""Every integer and string the v1 API takes is bounded, so that no input reaches PostgreSQL
as a value too large for its column (a 500); the two cases a fuzzer found answer 400."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from rest_framework import serializers

import api.v1
from api.v1.bounds import BoundedSerializer
from api.v1.openapi import WargaSchemaGenerator
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.personas import official_of

BANDUNG_HOST = "kota-bandung.localhost"
# String formats whose parser bounds them already.
BOUNDED_FORMATS = {"date", "date-time", "time", "uuid", "binary", "uri", "email", "ipv4", "ipv6", "decimal"}


def _v1_serializers() -> list[type[serializers.Serializer[Any]]]:
    found = []
    for module_info in pkgutil.walk_packages(api.v1.__path__, "api.v1."):
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, serializers.BaseSerializer) and value.__module__ == module.__name__:
                found.append(value)
    return found


def _unbounded(field: serializers.Field[Any, Any, Any, Any], name: str) -> list[str]:
    if field.read_only:
        return []
    if isinstance(field, serializers.IntegerField):
        if field.max_value is None or field.min_value is None:
            return [name]
        # The bound must be enforced, not only shown.
        for probe in (field.max_value + 1, field.min_value - 1):
            try:
                field.run_validation(probe)
            except serializers.ValidationError:
                continue
            return [name]
    elif isinstance(field, serializers.CharField) and field.max_length is None:
        return [name]
    elif isinstance(field, serializers.ListField | serializers.DictField):
        return _unbounded(field.child, f"{name}[]")
    return []


def test_there_are_serializers_to_walk() -> None:
    names = {cls.__name__ for cls in _v1_serializers()}
    assert {"SlaTargetInput", "InboxQuery", "SubmitInput", "TransitionInput", "ApiKeyInput"} <= names


@pytest.mark.parametrize("serializer_class", _v1_serializers(), ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_v1_serializer_bounds_its_integers_and_strings(serializer_class: type[Any]) -> None:
    assert issubclass(serializer_class, BoundedSerializer), "derive v1 serializers from BoundedSerializer"
    fields = serializer_class().fields
    problems = [problem for name, field in fields.items() for problem in _unbounded(field, name)]
    assert problems == []


def _walk_schema(schema: dict[str, Any], components: dict[str, Any], at: str, seen: set[str]) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        return _walk_schema(components[name], components, f"{at}<{name}>", seen | {name})
    problems = []
    kind = schema.get("type")
    if kind == "integer" and ("maximum" not in schema or "minimum" not in schema):
        problems.append(at)
    bounded_string = "enum" in schema or schema.get("format") in BOUNDED_FORMATS or "maxLength" in schema
    if kind == "string" and not bounded_string:
        problems.append(at)
    for name, sub in schema.get("properties", {}).items():
        if not sub.get("readOnly"):
            problems += _walk_schema(sub, components, f"{at}.{name}", seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            problems += _walk_schema(schema[key], components, f"{at}[]", seen)
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key, []):
            problems += _walk_schema(sub, components, at, seen)
    return problems


def test_every_input_of_the_published_schema_is_bounded() -> None:
    """Request bodies and query/path parameters: what a client (or a fuzzer) reads as the contract."""
    schema = WargaSchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    problems, inputs = [], 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                if parameter["in"] in ("query", "path"):
                    inputs += 1
                    problems += _walk_schema(parameter["schema"], components, f"{where} ?{parameter['name']}", set())
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                inputs += 1
                problems += _walk_schema(content["schema"], components, f"{where} ({media})", set())
    assert inputs > 50
    # Path parameters (tracking numbers, ids) are matched by the URL patterns: `<int:...>`
    # takes digits only and is looked up, never stored; listed here so that a new one is seen.
    unbounded_paths = {problem for problem in problems if "{" in problem.split(" ?")[0] and " ?" in problem}
    assert sorted(set(problems) - unbounded_paths) == []


def test_an_inbox_offset_past_any_column_is_a_400_with_a_message(bandung: Government) -> None:
    client = signed_in_client(official_of(bandung))
    response = client.get("/api/v1/inbox/?offset=27388281646243540992", HTTP_HOST=BANDUNG_HOST)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["offset"]
    assert "2147483647" in error["fields"]["offset"][0]["message"]


def test_an_sla_target_too_long_is_a_400_and_changes_nothing(bandung: Government) -> None:
    client = signed_in_client(official_of(bandung))
    before = client.get("/api/v1/calendar/?year=2026", HTTP_HOST=BANDUNG_HOST).json()["sla_targets"]
    response = client.put(
        "/api/v1/calendar/sla-targets/",
        {"category_code": "banjir", "step": "follow_up", "working_minutes": 7082422846837372},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["working_minutes"]
    after = client.get("/api/v1/calendar/?year=2026", HTTP_HOST=BANDUNG_HOST).json()["sla_targets"]
    assert after == before
