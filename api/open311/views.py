"""Open311 GeoReport v2 over HTTP (docs/open311.md, docs/decisions/0056).

Mounted at /open311/v2/ on the public host (the national intake: a new request goes to the
government that owns its place, or must belong to the one `jurisdiction_id` names) and on
every government's host (that government only). Reads are open, as the public report page
is; writing takes an API key with `reports:submit`, as the `api_key` form field or the
usual headers. Throttled like the rest of the API.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpResponse, QueryDict
from django.utils import translation
from rest_framework import exceptions
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from api.open311.inputs import MAX_ID_LENGTH, NewRequest, Open311Error, bad_request, new_request, request_query, window
from api.open311.render import document, errors
from api.v1.authentication import ApiKeyAuthentication
from api.v1.errors import PARSE_LIMITS, THROTTLED_MESSAGE
from tenants.context import public_context
from tenants.host_kinds import EVERY
from tenants.models import Government
from warga.access.models import ApiKey
from warga.access.policy import Action, ActionForbidden, api_key_of, policy_key_decide
from warga.errors import Defect, WargaError
from warga.intake.open311 import (
    ServiceRequest,
    open311_jurisdiction,
    open311_lookup_budget_spend,
    open311_request,
    open311_requests,
    open311_service_definition,
    open311_services,
    open311_token,
    open311_updates,
    open311_village,
)
from warga.intake.services import report_submit, submission_ip_budget_spend
from warga.reports.errors import ReportInvalid
from warga.taxonomy.questions import ANSWERS_FIELD, Question
from warga.web.client_ip import client_ip, ip_budget_key
from warga.web.hosts import government_of

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint last changed in a way a client would notice (discovery's `changeset`).
CHANGESET = "2026-12-04T00:00:00Z"
NOT_FOUND = "Tidak ditemukan. (Not found.)"
KEY_REQUIRED = (
    "api_key wajib untuk mengirim laporan: minta kunci dengan cakupan reports:submit dari admin koordinator "
    "pemerintah daerah. (An api_key with the reports:submit scope is required.)"
)
UNKNOWN_JURISDICTION = (
    "jurisdiction_id tidak dikenal di alamat ini: pakai kode Kemendagri pemerintah daerah (misalnya 32.73). "
    "(Unknown jurisdiction_id here: use a government's Kemendagri code.)"
)
JURISDICTION_REQUIRED = (
    "jurisdiction_id wajib di alamat nasional: kode Kemendagri pemerintah daerah (misalnya 32.73). "
    "(jurisdiction_id is required on the national address.)"
)
ADDRESS_REQUIRED = (
    "address_id wajib diisi: kode Kemendagri kelurahan/desa lokasi (misalnya 32.73.01.1001). "
    "(address_id is required: the location's village code.)"
)
# Intake's field names as a GeoReport client knows them.
FIELD_NAMES = {
    "category_code": "service_code",
    "latitude": "lat",
    "longitude": "long",
    "village_code": "address_id",
}


def form(request: Request) -> QueryDict:
    """The POSTed form (GeoReport clients post forms; other bodies never reach here: 415)."""
    data = request.data
    return data if isinstance(data, QueryDict) else QueryDict()


class Open311KeyAuthentication(ApiKeyAuthentication):
    """The API key from the headers or, as the specification passes it, the `api_key` field."""

    def presented_key(self, request: Request) -> str | None:
        from_headers = super().presented_key(request)
        if from_headers is not None:
            return from_headers
        value = request.query_params.get("api_key")
        if not value and request.method == "POST":
            value = form(request).get("api_key")
        return value.strip() if isinstance(value, str) and value.strip() else None


def _field_name(name: str) -> str:
    """An intake field as a GeoReport client names it: `answers.<code>` is `attribute[<code>]`."""
    if name.startswith(f"{ANSWERS_FIELD}."):
        return f"attribute[{name.removeprefix(f'{ANSWERS_FIELD}.')}]"
    if name == ANSWERS_FIELD:
        return "attribute"
    return FIELD_NAMES.get(name, name)


def _error_response(exc: Exception, fmt: str) -> HttpResponse | None:
    if isinstance(exc, Open311Error):
        return errors(fmt, exc.status, exc.descriptions)
    if isinstance(exc, ReportInvalid):
        return errors(
            fmt,
            400,
            [f"{_field_name(name)}: {error.message}" for name, items in exc.errors.items() for error in items],
        )
    if isinstance(exc, Defect):
        return None
    if isinstance(exc, WargaError):
        return errors(fmt, exc.http_status, [str(exc.message)], headers=exc.headers() or None)
    for kind, (status, _, message) in PARSE_LIMITS.items():
        if isinstance(exc, kind):
            return errors(fmt, status, [message])
    if isinstance(exc, Http404):
        return errors(fmt, 404, [NOT_FOUND])
    if isinstance(exc, exceptions.Throttled):
        seconds = max(1, int(getattr(exc, "wait", None) or 1))
        return errors(fmt, 429, [THROTTLED_MESSAGE.format(seconds=seconds)], headers={"Retry-After": str(seconds)})
    if isinstance(exc, exceptions.APIException):
        auth_header = getattr(exc, "auth_header", None)
        headers = {"WWW-Authenticate": str(auth_header)} if auth_header else None
        return errors(fmt, exc.status_code, [str(exc.detail)], headers=headers)
    return None


class Open311View(APIView):
    """Base of the GeoReport views: answers in the format the path ends with, errors included."""

    # On every host: the public host's is the national intake, a government's is about it only.
    host_kinds = EVERY
    authentication_classes = [Open311KeyAuthentication]
    permission_classes = [AllowAny]
    parser_classes = [FormParser, MultiPartParser]
    # Described by the GeoReport v2 specification (docs/open311.md), not by /api/v1/schema/.
    schema = None

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # The path names the format; an Accept header never turns a request into a 406.
        return JSONRenderer(), "application/json"

    def get_exception_handler(self) -> Any:
        def handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
            return _error_response(exc, context["kwargs"].get("fmt", "xml"))

        return handler

    def government(self, request: Request) -> Government | None:
        """The government this request is about: this host's, or on the public host the one
        `jurisdiction_id` names (None without one)."""
        here = government_of(request)
        code = str(request.query_params.get("jurisdiction_id") or form(request).get("jurisdiction_id") or "")
        if len(code) > MAX_ID_LENGTH:
            raise Open311Error(404, UNKNOWN_JURISDICTION)
        if not code.strip():
            return here
        named = open311_jurisdiction(code=code)
        if named is None or (here is not None and named.pk != here.pk):
            raise Open311Error(404, UNKNOWN_JURISDICTION)
        return named


def _language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "id"


class DiscoveryView(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        here = government_of(request)
        if here is None:
            contact = "Operator Warga, lewat alamat nasional. (The Warga operator.)"
            key_service = (
                "Kunci API intake nasional dibuat oleh operator Warga, dengan cakupan reports:submit; kunci "
                "pemerintah daerah berlaku di alamat pemerintah itu. (National intake keys come from the operator.)"
            )
        else:
            contact = f"Admin koordinator {here.name}, lewat alamat ini. (The admin koordinator of {here.name}.)"
            key_service = (
                f"Kunci API dibuat oleh admin koordinator {here.name} (POST /api/v1/api-keys/), dengan cakupan "
                "reports:submit. (API keys come from the government's admin koordinator.)"
            )
        body = {
            "changeset": CHANGESET,
            "contact": contact,
            "key_service": key_service,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": request.build_absolute_uri("/open311/v2"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }
        return document(fmt, "discovery", body)


class ServicesView(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        self.government(request)
        body = [
            {
                "service_code": service.code,
                "service_name": service.name,
                "description": service.description,
                "metadata": service.has_questions,
                "type": "realtime",
                "keywords": "",
                "group": service.group,
            }
            for service in open311_services(language=_language())
        ]
        return document(fmt, "services", body)


def _attribute(question: Question, language: str) -> dict[str, Any]:
    """A category question as the specification's attribute: every one is the citizen's to
    answer (`variable`); list questions carry their choices."""
    return {
        "variable": True,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "datatype_description": None,
        "order": question.order,
        "description": question.description(language),
        "values": [{"key": value.key, "name": value.name(language)} for value in question.values],
    }


class ServiceDefinitionView(Open311View):
    def get(self, request: Request, fmt: str, service_code: str) -> HttpResponse:
        self.government(request)
        definition = open311_service_definition(code=service_code)
        if definition is None:
            raise Open311Error(
                404, f"service_code '{service_code[:MAX_ID_LENGTH]}' tidak dikenal. (Unknown service_code.)"
            )
        language = _language()
        body = {
            "service_code": definition.code,
            "attributes": [_attribute(question, language) for question in definition.questions],
        }
        return document(fmt, "service_definition", body)


def _request_body(found: ServiceRequest) -> dict[str, Any]:
    return {
        "service_request_id": found.service_request_id,
        "status": found.status,
        "status_notes": found.status_notes,
        "service_name": found.service_name,
        "service_code": found.service_code,
        "description": found.description,
        "agency_responsible": found.agency_responsible,
        "service_notice": None,
        "requested_datetime": found.requested_datetime,
        "updated_datetime": found.updated_datetime,
        "expected_datetime": None,
        "address": found.address,
        "address_id": found.address_id,
        "zipcode": None,
        "lat": found.lat,
        "long": found.long,
        "media_url": None,
    }


def _key_for(request: Request, action: Action) -> ApiKey:
    """The request's API key, allowed `action` on this host; refused otherwise."""
    key = api_key_of(request.user)
    if key is None:
        raise Open311Error(403, KEY_REQUIRED)
    decision = policy_key_decide(key=key, government=government_of(request), action=action)
    if not decision.allowed:
        raise ActionForbidden(action=action, decision=decision)
    return key


def _spend_lookups(request: Request, numbers: int) -> None:
    """Reads by tracking number spend the public look-up budget, before any number is looked at."""
    retry_after = open311_lookup_budget_spend(ip_key=ip_budget_key(client_ip(request)), numbers=numbers)
    if retry_after:
        raise exceptions.Throttled(wait=retry_after)


class RequestsView(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        government = self.government(request)
        query = request_query(request.query_params)
        _spend_lookups(request, len(query.ids))
        found = open311_requests(government=government, viewer=request.user, query=query, language=_language())
        return document(fmt, "service_requests", [_request_body(item) for item in found])

    def post(self, request: Request, fmt: str) -> HttpResponse:
        key = _key_for(request, Action.REPORT_SUBMIT)
        government = self.government(request)
        retry_after = submission_ip_budget_spend(ip_key=ip_budget_key(client_ip(request)))
        if retry_after:
            raise exceptions.Throttled(wait=retry_after)
        data = form(request)
        given = new_request(
            data,
            {name: data.getlist(name) for name in data},
            idempotency_key=str(
                data.get("idempotency_key") or request.headers.get("Idempotency-Key") or uuid.uuid4().hex
            ),
        )
        submission = _submit(given, reporter=key, owner=government)
        body = [{"service_request_id": submission, "service_notice": None, "account_id": None}]
        return document(fmt, "service_requests", body, status=201)


def _submit(given: NewRequest, *, reporter: ApiKey, owner: Government | None) -> str:
    village = open311_village(address_id=given.address_id, latitude=given.lat, longitude=given.long)
    if not village:
        raise bad_request(ADDRESS_REQUIRED)
    # Intake writes the owner's schema and the public index from the public schema, whichever
    # host the request came to.
    with public_context():
        submission = report_submit(
            reporter=reporter.account,
            type=given.type,
            category_code=given.service_code,
            description=given.description,
            latitude=given.lat,
            longitude=given.long,
            village_code=village,
            privacy=given.privacy,
            idempotency_key=given.idempotency_key,
            answers=given.answers,
            owner_required=owner,
        )
    return submission.tracking_number


class RequestView(Open311View):
    def get(self, request: Request, fmt: str, service_request_id: str) -> HttpResponse:
        government = self.government(request)
        _spend_lookups(request, 1)
        found = open311_request(
            government=government,
            viewer=request.user,
            service_request_id=service_request_id[:MAX_ID_LENGTH],
            language=_language(),
        )
        if found is None:
            raise Open311Error(404, "service_request_id tidak ditemukan. (No such service_request_id.)")
        return document(fmt, "service_requests", [_request_body(found)])


class TokenView(Open311View):
    def get(self, request: Request, fmt: str, token: str) -> HttpResponse:
        key = api_key_of(request.user)
        if key is None:
            raise Open311Error(403, KEY_REQUIRED)
        government = self.government(request)
        found = open311_token(government=government, reporter=key.account, token=token[:MAX_ID_LENGTH])
        if found is None:
            raise Open311Error(404, "Token tidak ditemukan untuk kunci ini. (No request with this token for this key.)")
        return document(fmt, "service_requests", [{"service_request_id": found, "token": token}])


class UpdatesView(Open311View):
    def get(self, request: Request, fmt: str) -> HttpResponse:
        government = self.government(request)
        if government is None:
            raise bad_request(JURISDICTION_REQUIRED)
        start, end = window(request.query_params)
        body = [
            {
                "update_id": update.update_id,
                "service_request_id": update.service_request_id,
                "status": update.status,
                "updated_datetime": update.updated_datetime,
                "description": update.status_notes,
                "media_url": None,
            }
            for update in open311_updates(government=government, start=start, end=end)
        ]
        return document(fmt, "service_request_updates", body)


class UnknownView(Open311View):
    """Any other path under /open311/v2/: the specification's 404, in the format asked for."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = "json" if str(kwargs.get("rest", "")).endswith(".json") else "xml"
        return errors(fmt, 404, [f"{NOT_FOUND} Lihat discovery.{fmt}. (See discovery.{fmt}.)"])
