"""How every v1 operation describes itself in the OpenAPI schema (`/api/v1/schema/`).

An operation's description tells its reader what it does, who may call it, on which host, and
its own errors. A view says those in words with `describe(...)`, passed to `extend_schema`:

    @extend_schema(
        summary="Change a report's status",
        description=describe(
            "Moves the report to `to_status` ...",
            who=OFFICIAL_ACTING,
            host=GOVERNMENT_HOST,
            errors={"409 invalid_transition": "The status cannot follow the current one; `allowed` lists those that can."},
        ),
    )

`WargaSchemaGenerator` (the project's DEFAULT_GENERATOR_CLASS) describes both kinds of host's
routes in one schema: the public host's (api/v1/public/urls.py) and the government hosts'
(api/v1/government/urls.py). Where both answer one path and method with their own views (the
public look-up and the official view of a report), the two views share one description,
declared once with `shared_operation`; the generator fails on two views of one path that do not.

`WargaAutoSchema` (the project's DEFAULT_SCHEMA_CLASS) adds what it can tell from the view
itself: whether an API key is accepted (the view's `api_key_action` and the policy's scopes),
the refusals every operation shares (401, 403, 404, 429 with `Retry-After`, and 400 where there
is input), all with the one error body and examples in Bahasa Indonesia, and the operation's tag
(its area, from `AREAS`). A new area adds its path prefix to `AREAS`; tests/api/test_schema.py
fails on an operation without a summary, a description, a "who" or a "host", or with a tag that
is not an area.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from drf_spectacular.drainage import warn
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers

from api.v1.bounds import BoundedSerializer
from api.v1.errors import INVALID_MESSAGE, NOT_FOUND_MESSAGE, THROTTLED_MESSAGE
from warga.access.policy import KEY_NOT_ACCEPTED_MESSAGE, OFFICIAL_MESSAGES, SCOPE_ACTIONS, Action

# --- Who may call --------------------------------------------------------------------------------
ANYONE = "Anyone, without signing in."
SIGNED_IN = "Any signed-in account (a browser session)."
CITIZEN = "A signed-in citizen (a browser session)."
REPORTER = "The report's reporter, signed in (a browser session)."
OFFICIAL = (
    "An official of this government (a seat in its organisation) with two-step verification (TOTP) "
    "passed in this session."
)
OFFICIAL_VIEWING = (
    f"{OFFICIAL} The position must see reports where the report is handled (the policy answers per "
    "report: `outside_unit`, `position_not_allowed`)."
)
OFFICIAL_ACTING = (
    f"{OFFICIAL} The position must act on reports where the report is handled; leadership "
    "(pimpinan) is read-only (`read_only`)."
)
ADMIN = "This government's admin koordinator, with two-step verification (TOTP) passed in this session."
NATIONAL_OVERSEER = (
    "A national overseer (pengawas nasional) or the national admin koordinator, with two-step "
    "verification (TOTP) passed in this session."
)

# --- On which host ---------------------------------------------------------------------------------
PUBLIC_HOST = (
    "The public host, the shared citizen app (`localhost:8000` in development). On a government's "
    "host it answers 404 `not_found`, saying where it is served."
)
GOVERNMENT_HOST = (
    "A government's host (`<slug>.<base domain>`, e.g. `kota-bandung.localhost:8000`), about that "
    "government only: another government's data is a 404. On the public host it answers 404 `not_found`."
)
NATIONAL_HOST = "The national government's host (`nasional.<base domain>`) only; 404 `not_found` elsewhere."
REGIONAL_HOST = (
    "The host of a province or of a regency/city (e.g. `kota-bandung.localhost:8000`); 404 `not_found` "
    "on the public and the national host."
)
OVERSIGHT_HOST = (
    "The national host (the whole country) or a province's host (that province); 404 `not_found` elsewhere."
)
ANY_HOST = "Any host: the public one, the national one and every government's; the answer is the same."
PUBLIC_OR_GOVERNMENT_HOST = (
    "Both: on the public host it serves the citizen app (public view); on a government's host, that "
    "government's officials (official view, that government's data only)."
)

# The refusal every operation on one report of a government's host shares.
REPORT_NOT_FOUND = "No report with that tracking number here (another government's report is a 404 too)."
REPORT_NOT_FOUND_HERE = {"404 not_found": REPORT_NOT_FOUND}

WHO_HEADING = "**Who may call:**"
HOST_HEADING = "**Host:**"
KEY_HEADING = "**API key:**"
ERRORS_HEADING = "**Errors:**"

# The API views' common base's docstring: inherited by views without their own, it says
# nothing to a reader of the schema, so it never counts as a description.
BASE_DOCSTRING_START = "Base of every v1 view"


def describe(does: str, *, who: str, host: str, errors: Mapping[str, str] | None = None) -> str:
    """An operation's description: what it does, who may call it, where, and its own errors
    (`{"409 invalid_transition": "what it means and what to do"}`); the errors every
    operation shares are added by WargaAutoSchema."""
    parts = [does.strip(), f"{WHO_HEADING} {who}", f"{HOST_HEADING} {host}"]
    if errors:
        parts.append(ERRORS_HEADING + "\n\n" + "\n".join(f"- `{code}`: {meaning}" for code, meaning in errors.items()))
    return "\n\n".join(parts)


# --- Areas (tags) ----------------------------------------------------------------------------------
# Path prefix under /api/v1/ -> area; the longest prefix wins. The order is the documentation's.
AREAS: dict[str, tuple[str, str]] = {
    "reports/": ("Laporan", "Reports: filing, looking up, photos, and what citizens and officials do with them."),
    "me/reports/": ("Laporan", ""),
    "response-templates/": ("Templat balasan", "Replies officials start from."),
    "feed/": ("Peta & wilayah", "The public map feed and the official list of villages."),
    "regions/": ("Peta & wilayah", ""),
    "inbox/": ("Kotak masuk & penerusan", "Officials' inbox and the government's routing rules."),
    "routing/": ("Kotak masuk & penerusan", ""),
    "triage/": ("Meja triase", "The national triage desk and the offers it makes to governments."),
    "notifications/": ("Notifikasi", "In-app notifications, preferences and web push."),
    "me/notifications/": ("Notifikasi", ""),
    "me/push-subscriptions/": ("Notifikasi", ""),
    "organization/": ("Organisasi", "Units, positions, memberships and invitations of a government."),
    "calendar/": ("Kalender kerja & SLA", "Working days, days off and SLA targets."),
    "privacy/": ("Pengaturan pemerintah", "A government's privacy settings and branding."),
    "branding/": ("Pengaturan pemerintah", ""),
    "national/": ("Nasional & data terbuka", "National and provincial oversight, exports and open data."),
    "open-data/": ("Nasional & data terbuka", ""),
    "api-keys/": ("Kunci API", "Keys for other systems, made by a government's admin koordinator."),
    "categories/": ("Laporan", ""),
    "webhooks/": ("Webhook", "Signed report events sent to a government's own systems (docs/webhooks.md)."),
    "webhook-deliveries/": ("Webhook", ""),
}
API_PREFIX = "/api/v1/"


def area_of(path: str) -> str | None:
    relative = path.removeprefix(API_PREFIX)
    matches = [prefix for prefix in AREAS if relative.startswith(prefix)]
    return AREAS[max(matches, key=len)][0] if matches else None


def area_tags() -> list[dict[str, str]]:
    """The areas in the documentation's order, each once, with its description."""
    seen: dict[str, str] = {}
    for name, description in AREAS.values():
        seen.setdefault(name, description)
    return [{"name": name, "description": description} for name, description in seen.items()]


def add_area_tags(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the areas as the schema's top-level tags."""
    result["tags"] = area_tags()
    return result


# --- The shared error body -------------------------------------------------------------------------


class ErrorProblem(BoundedSerializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorDetail(BoundedSerializer):
    code = serializers.CharField(help_text="Stable, for programs: `invalid`, `not_found`, `rate_limited`, ...")
    message = serializers.CharField(help_text="For people, in Bahasa Indonesia (often with English after it).")
    # The body's key is `fields`; the metaclass takes it as a field, not Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=ErrorProblem(many=True), required=False, help_text="Input problems, per field (400 `invalid`)."
    )
    current = serializers.CharField(required=False, help_text="A refused status change: the report's status.")
    allowed = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="A refused status change: the statuses that may follow.",
    )
    retry_after = serializers.IntegerField(required=False, help_text="429: seconds to wait, as in `Retry-After`.")


class ErrorBody(BoundedSerializer):
    """Every refusal of the API: `{"error": {"code": ..., "message": ...}}`."""

    error = ErrorDetail()


def _error(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


RETRY_SECONDS = 42
SHARED_ERRORS: dict[int, tuple[str, list[OpenApiExample]]] = {
    400: (
        "The input is not valid: `fields` says what is wrong with each field.",
        [
            OpenApiExample(
                "Isian tidak valid",
                value=_error(
                    "invalid",
                    INVALID_MESSAGE,
                    fields={
                        "note": [
                            {"code": "max_length", "message": "Pastikan isian ini tidak lebih dari 4000 karakter."}
                        ]
                    },
                ),
            )
        ],
    ),
    401: (
        "An API key was sent but is unknown or revoked (`WWW-Authenticate: Bearer`).",
        [
            OpenApiExample(
                "Kunci API tidak dikenal",
                value=_error(
                    "authentication_failed",
                    "Kunci API tidak dikenal atau sudah dicabut. (Unknown or revoked API key.)",
                ),
            )
        ],
    ),
    403: (
        "Refused: not signed in (`not_authenticated`), a missing CSRF token on a session write, or the "
        "policy's reason (`not_official`, `mfa_missing`, `position_not_allowed`, `read_only`, "
        "`outside_unit`, `other_government`, `scope_missing`, `key_not_accepted`).",
        [
            OpenApiExample(
                "Belum verifikasi dua langkah", value=_error("mfa_missing", OFFICIAL_MESSAGES["mfa_missing"])
            ),
            OpenApiExample("Kunci API tidak diterima", value=_error("key_not_accepted", KEY_NOT_ACCEPTED_MESSAGE)),
        ],
    ),
    404: (
        "Not on this host, or nothing with that number/id here (another government's data is a 404 too).",
        [OpenApiExample("Tidak ditemukan", value=_error("not_found", NOT_FOUND_MESSAGE))],
    ),
    429: (
        "Too many requests: wait the `Retry-After` seconds (also in `retry_after`). Nothing was written.",
        [
            OpenApiExample(
                "Terlalu banyak permintaan",
                value=_error(
                    "rate_limited", THROTTLED_MESSAGE.format(seconds=RETRY_SECONDS), retry_after=RETRY_SECONDS
                ),
            )
        ],
    ),
}
RETRY_AFTER_HEADER = {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}
WRITE_METHODS = {"POST", "PUT", "PATCH"}
# An error line of describe(): "- `409 invalid_transition`: what it means".
OWN_ERROR = re.compile(r"^- `(\d{3}) ([a-z_]+)`: (.+)$", re.MULTILINE)


def key_sentence(action: Action | None, *, authenticates: bool = True) -> str:
    """Whether an operation accepts an API key, from the view's `api_key_action` and the scopes."""
    if not authenticates:
        return f"{KEY_HEADING} not needed: open to anyone; a key or session sent is not looked at."
    if action is None:
        return f"{KEY_HEADING} not accepted (403 `key_not_accepted`): sign in instead."
    scopes = sorted(scope for scope, actions in SCOPE_ACTIONS.items() if action in actions)
    listed = " or ".join(f"`{scope}`" for scope in scopes)
    return (
        f"{KEY_HEADING} accepted with the scope {listed} (`Authorization: Bearer wrg_...`), on its "
        "government's host (the national intake's keys: on the public host)."
    )


class WargaAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema with the shared parts of every operation's documentation."""

    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular's, not DRF's
        # Only the view's own docstring: an inherited one (the base view's) describes nothing.
        own = self.view.__class__.__dict__.get("__doc__")
        return super().get_description() if own else ""

    def get_tags(self) -> list[str]:
        area = area_of(self.path)
        return [area] if area else super().get_tags()

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        # A view with no authentication classes never looks at who asks: no 401 or 403 either.
        authenticates = getattr(self.view, "authentication_classes", None) != []
        description = operation.get("description", "")
        if description:
            key = key_sentence(getattr(self.view, "api_key_action", None), authenticates=authenticates)
            before, heading, errors = description.partition(ERRORS_HEADING)
            operation["description"] = f"{before.rstrip()}\n\n{key}" + (f"\n\n{heading}{errors}" if heading else "")
        # The operation's own errors (from describe) and the shared ones, each with the one body.
        own: dict[str, list[str]] = {}
        for status, code, meaning in OWN_ERROR.findall(description):
            own.setdefault(status, []).append(f"`{code}`: {meaning}")
        error_ref = self.resolve_serializer(ErrorBody, "response").ref
        has_input = self.method in WRITE_METHODS or any(p.get("in") == "query" for p in operation.get("parameters", []))
        responses = operation.setdefault("responses", {})
        shared = {
            str(code): (meaning, examples)
            for code, (meaning, examples) in SHARED_ERRORS.items()
            if not (code == 400 and not has_input) and not (code in (401, 403) and not authenticates)
        }
        for status in sorted(set(shared) | set(own)):
            if status in responses:
                continue
            meaning, examples = shared.get(status, ("", []))
            response: dict[str, Any] = {
                "description": " ".join([*own.get(status, []), meaning]).strip(),
                "content": {
                    "application/json": {
                        "schema": error_ref,
                        "examples": {self._example_key(e): {"value": e.value, "summary": e.name} for e in examples},
                    }
                },
            }
            if status in ("429", "503"):
                response["headers"] = {"Retry-After": RETRY_AFTER_HEADER}
            responses[status] = response
        return dict(operation, responses=dict(sorted(responses.items())))

    @staticmethod
    def _example_key(example: OpenApiExample) -> str:
        return "".join(word.capitalize() for word in example.name.split())


# --- One schema for every kind of host ---------------------------------------------------------

Decorated = Callable[..., Any]


def shared_operation(name: str, **schema: Any) -> Callable[[Decorated], Decorated]:
    """`extend_schema` for an operation the public host and the government hosts answer on one
    path and method, each with its own view: apply the same one to both views' methods."""
    describe_it = extend_schema(**schema)

    def decorate(method: Decorated) -> Decorated:
        described = describe_it(method)
        described.warga_operation = name  # type: ignore[attr-defined]
        return described

    return decorate


def _shared_name(callback: Any, method: str) -> str | None:
    return getattr(getattr(callback.cls, method.lower(), None), "warga_operation", None)


class WargaSchemaGenerator(SchemaGenerator):
    """The routes of the public host's URLconf, then the government hosts' (unless asked for
    one URLconf or some patterns): a path and method both answer is described once."""

    def _initialise_endpoints(self) -> None:
        if self.endpoints is not None or self.patterns is not None or self.urlconf is not None:
            super()._initialise_endpoints()
            return
        endpoints: dict[tuple[str, str], tuple[str, str, str, Any]] = {}
        for urlconf in (settings.PUBLIC_SCHEMA_URLCONF, settings.ROOT_URLCONF):
            self.inspector = self.endpoint_inspector_cls(None, urlconf)
            for endpoint in self.inspector.get_api_endpoints():
                path, _, method, callback = endpoint
                known = endpoints.setdefault((path, method), endpoint)
                if known[3].cls is callback.cls:
                    continue
                shared = _shared_name(known[3], method)
                if shared is None or shared != _shared_name(callback, method):
                    warn(
                        f"{method} {path}: {known[3].cls.__name__} and {callback.cls.__name__} answer it on different "
                        "hosts without one description (api.v1.openapi.shared_operation)"
                    )
        # (path, regex, method, view): drf-spectacular annotates three parts, DRF gives four.
        self.endpoints = list(endpoints.values())  # type: ignore[arg-type]
