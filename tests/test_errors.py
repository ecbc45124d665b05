"""One error family: what the services raise, what each error says, and how the API answers it.

The services and selectors raise only `warga.errors.WargaError` subclasses (decision 0095), read
from their source: a `raise` of any other class (a bare ValueError, RuntimeError or LookupError)
fails here, naming the file and line. Every subclass has a stable code and a default message
with an Indonesian translation; the API's one handler answers each with its status and body.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.functional import Promise
from rest_framework.test import APIRequestFactory

from api.v1.errors import exception_handler
from warga.errors import Defect, FieldError, Invalid, NotFound, TooManyRequests, Unavailable, WargaError
from warga.errors import all_error_classes as _all_error_classes

WARGA = Path(__file__).resolve().parents[1] / "platform" / "warga"
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _service_modules() -> list[Path]:
    """services*.py and selectors*.py of every app, and the modules of services/ packages."""
    found = []
    for path in sorted(WARGA.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        named = path.stem.startswith(("services", "selectors"))
        packaged = any(part in {"services", "selectors"} for part in path.relative_to(WARGA).parts[:-1])
        if named or packaged:
            found.append(path)
    return found


def _module_name(path: Path) -> str:
    return ".".join(("warga", *path.relative_to(WARGA).with_suffix("").parts)).removesuffix(".__init__")


def _raised_names(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, name) of each `raise X(...)`, `raise X` and `raise X.factory(...)`."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or node.exc is None:
            continue
        target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        while isinstance(target, ast.Attribute):
            target = target.value
        if isinstance(target, ast.Name):
            found.append((node.lineno, target.id))
    return found


def test_the_walk_finds_the_service_modules() -> None:
    names = {_module_name(path) for path in _service_modules()}
    assert {"warga.reports.services", "warga.intake.selectors", "warga.onboarding.services.joining"} <= names


def test_services_and_selectors_raise_only_warga_errors() -> None:
    offenders = []
    for path in _service_modules():
        module = importlib.import_module(_module_name(path))
        for line, name in _raised_names(ast.parse(path.read_text())):
            raised = getattr(module, name, getattr(builtins, name, None))
            # A name that is not a class is a variable: an error built above and raised here, or
            # one caught and raised again.
            if inspect.isclass(raised) and not issubclass(raised, WargaError):
                offenders.append(f"{path.relative_to(WARGA.parent)}:{line} raises {name}")
    assert offenders == []


def test_the_walk_would_catch_a_bare_value_error() -> None:
    tree = ast.parse("def f():\n    raise ValueError('no')\n\ndef g():\n    raise Invalid.on_field('x', 'no')\n")
    assert _raised_names(tree) == [(2, "ValueError"), (5, "Invalid")]


def _every_error_class() -> list[type[WargaError]]:
    for path in _service_modules():
        importlib.import_module(_module_name(path))
    for name in ("warga.reports.errors", "warga.organization.errors", "warga.billing.errors", "warga.access.policy"):
        importlib.import_module(name)
    return _all_error_classes()


def test_every_error_has_a_code_and_an_indonesian_message() -> None:
    classes = _every_error_class()
    assert len(classes) > 40  # the apps' errors were found, not only the kinds
    problems = []
    for kind in classes:
        if not isinstance(kind.code, str) or not CODE.match(kind.code):
            problems.append(f"{kind.__qualname__}: code {kind.code!r}")
        message = kind.default_message
        if not isinstance(message, Promise):
            problems.append(f"{kind.__qualname__}: the default message is not a lazy translation")
            continue
        with translation.override("en"):
            english = str(message)
        with translation.override("id"):
            indonesian = str(message)
        if indonesian == english:
            problems.append(f"{kind.__qualname__}: no Indonesian translation of {english!r}")
    assert problems == []


def test_a_default_message_is_read_in_the_language_of_the_reader() -> None:
    error = NotFound()
    with translation.override("id"):
        assert error.message == "Tidak ditemukan."
    with translation.override("en"):
        assert error.message == "Not found."


def _answer(error: Exception) -> tuple[int, dict[str, object], dict[str, str]] | None:
    request = APIRequestFactory().get("/api/v1/")
    with translation.override("id"):
        response = exception_handler(error, {"request": request, "view": None})
        if response is None:
            return None
        return response.status_code, response.data, dict(response.headers)


def test_the_handler_answers_an_input_refusal_with_its_fields() -> None:
    error = Invalid("Periksa isian.", fields={"date": [FieldError("too_early", "Tanggal terlalu awal.")]})
    status, body, _ = _answer(error) or (0, {}, {})
    assert status == 400
    assert body == {
        "error": {
            "code": "invalid",
            "message": "Periksa isian.",
            "fields": {"date": [{"code": "too_early", "message": "Tanggal terlalu awal."}]},
        }
    }


def test_the_handler_answers_a_limit_with_retry_after_and_an_outage_with_the_default_wait() -> None:
    status, body, headers = _answer(TooManyRequests(retry_after=42)) or (0, {}, {})
    assert (status, headers["Retry-After"]) == (429, "42")
    assert body == {
        "error": {
            "code": "rate_limited",
            "message": "Terlalu banyak permintaan. Silakan coba lagi nanti.",
            "retry_after": 42,
        }
    }
    status, body, headers = _answer(Unavailable()) or (0, {}, {})
    assert (status, headers["Retry-After"], body["error"]["code"]) == (503, "60", "unavailable")  # type: ignore[index]


def test_a_defect_is_not_answered_as_a_refusal() -> None:
    assert _answer(Defect("Outbox event 7 cannot be relayed")) is None


@pytest.mark.parametrize(
    ("module", "name", "status", "code"),
    [
        ("warga.reports.errors", "ReportNotFound", 404, "not_found"),
        ("warga.intake.services", "IdempotencyKeyReused", 422, "idempotency_key_reused"),
        ("warga.intake.services", "IntakeUnavailable", 503, "unavailable"),
        ("warga.routing.selectors", "RoutingNotConfigured", 409, "not_configured"),
        ("warga.organization.errors", "InvitationEmailMismatch", 403, "email_mismatch"),
        ("warga.webhooks.services", "WebhookNotFound", 404, "not_found"),
        ("warga.notifications.services", "NotificationNotFound", 404, "not_found"),
    ],
)
def test_the_apps_errors_keep_their_answers(module: str, name: str, status: int, code: str) -> None:
    kind = getattr(importlib.import_module(module), name)
    answered = _answer(kind())
    assert answered is not None
    assert (answered[0], answered[1]["error"]["code"]) == (status, code)  # type: ignore[index]
