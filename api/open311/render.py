"""GeoReport v2 documents in the specification's two formats.

JSON drops the root: a list (`services`, `service_requests`, `errors`, ...) is a bare array, a
single document (`discovery`, `service_definition`) a bare object. XML keeps it, under a
UTF-8 declaration, and names each member of a list by the specification's singular
(`<services><service>`, `<service_requests><request>`, `<errors><error>`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MEMBER = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "service_request_updates": "request_update",
    "endpoints": "endpoint",
    "formats": "format",
}
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def w3c(moment: datetime) -> str:
    """W3C date-time to the second with its offset: `2026-12-04T21:56:24+07:00`."""
    return moment.replace(microsecond=0).isoformat()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return w3c(value)
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value)
    return str(value)


def _element(tag: str, value: Any) -> ElementTree.Element:
    element = ElementTree.Element(tag)
    if isinstance(value, dict):
        element.extend(_element(name, item) for name, item in value.items())
    elif isinstance(value, list | tuple):
        element.extend(_element(MEMBER[tag], item) for item in value)
    else:
        element.text = _text(value)
    return element


def document(
    fmt: str, root: str, body: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    """`body` (a dict, or a list for the plural roots) as a response in `fmt` ("json"/"xml")."""
    if fmt == "json":
        content = json.dumps(_plain(body), ensure_ascii=False).encode()
    else:
        content = XML_DECLARATION + ElementTree.tostring(_element(root, body), encoding="utf-8")
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def errors(fmt: str, status: int, descriptions: list[str], *, headers: dict[str, str] | None = None) -> HttpResponse:
    """The specification's error list: one `{code, description}` per problem, `code` the HTTP status."""
    body = [{"code": status, "description": description} for description in descriptions]
    return document(fmt, "errors", body, status=status, headers=headers)
