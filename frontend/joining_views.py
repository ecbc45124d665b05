"""A government asks to join Warga (public host): find it in the Kemendagri list, fill in who
asks, confirm the work address from the emailed link, then follow the request's status.

Thin: the pages call warga.onboarding's selectors and joining services, which decide.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from warga.onboarding.models import JoinStatus, JoinStep
from warga.onboarding.selectors import join_candidates, join_request_by_public_id, join_target
from warga.onboarding.services.joining import (
    CONFIRMATION_VALID_FOR,
    NOTE_MAX,
    STEP_PROGRESS,
    JoinRefused,
    join_availability,
    join_request_confirm,
    join_request_for_token,
    join_request_submit,
    status_path,
)

FIELDS = ("requester_name", "requester_position", "email", "phone", "note")


def _fields(values: dict[str, str], errors: dict[str, str]) -> list[dict[str, object]]:
    """The form's fields as the template draws them (frontend/joining/_field.html)."""
    fields: list[dict[str, object]] = [
        {"name": "requester_name", "label": _("Your full name"), "autocomplete": "name", "maxlength": 200},
        {
            "name": "requester_position",
            "label": _("Your position"),
            "hint": _("For example Kepala Dinas Komunikasi dan Informatika"),
            "autocomplete": "organization-title",
            "maxlength": 200,
        },
        {
            "name": "email",
            "label": _("Work email address"),
            "hint": _(
                "The address of your office, usually ending in .go.id. The operator checks that this domain belongs to the government; we send a confirmation link to it, and later your invitation."
            ),
            "type": "email",
            "autocomplete": "email",
            "maxlength": 254,
        },
        {
            "name": "phone",
            "label": _("Telephone"),
            "hint": _("Office or mobile number, for the operator to call you back"),
            "type": "tel",
            "autocomplete": "tel",
            "maxlength": 20,
        },
        {
            "name": "note",
            "label": _("Note for the operator (optional)"),
            "hint": _("For example who else in your office the operator can contact. At most %(note_max)s characters.")
            % {"note_max": NOTE_MAX},
            "rows": 4,
            "maxlength": NOTE_MAX,
        },
    ]
    return [
        {"type": "text", "hint": ""}
        | field
        | {"value": values.get(str(field["name"]), ""), "error": errors.get(str(field["name"]), "")}
        for field in fields
    ]


# The steps the requester sees, in order, once the operator has approved.
SHOWN_STEPS = (JoinStep.SCHEMA, JoinStep.TERRITORY, JoinStep.OPEN, JoinStep.INVITE, JoinStep.TRIAL)


def _step_words() -> dict[str, str]:
    return {
        JoinStep.SCHEMA: _("Creating the government's database"),
        JoinStep.TERRITORY: _("Setting up kecamatan, kelurahan/desa and work units"),
        JoinStep.OPEN: _("Opening the government's address"),
        JoinStep.INVITE: _("Inviting you as admin koordinator"),
        JoinStep.TRIAL: _("Starting the trial period"),
    }


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


@require_GET
def join_search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("cari", "").split())[:100]
    candidates = join_candidates(query=query)
    return render(
        request,
        "frontend/joining/search.html",
        {"query": query, "candidates": candidates, "searched": bool(query), "too_short": 0 < len(query) < 2},
    )


@require_http_methods(["GET", "POST"])
def join_form(request: HttpRequest, code: str) -> HttpResponse:
    target = join_target(region_code=code)
    if target is None:
        messages.error(
            request,
            _("Choose your government from the list: %(code)s is not a province, regency or city code that can join.")
            % {"code": code[:10]},
        )
        return HttpResponseRedirect("/bergabung/")
    refusal = join_availability(region_code=target.code, name=target.name)
    errors: dict[str, str] = {}
    values = {field: request.POST.get(field, "") for field in FIELDS} if request.method == "POST" else {}
    status = 200
    if request.method == "POST" and refusal is None:
        try:
            join = join_request_submit(region_code=target.code, link_origin=_origin(request), **values)
        except JoinRefused as refused:
            errors = refused.errors
            refusal = errors.pop("region_code", None) or errors.pop("", None)
            status = 400
        else:
            return HttpResponseRedirect(status_path(join))
    return render(
        request,
        "frontend/joining/form.html",
        {
            "target": target,
            "refusal": refusal,
            "errors": errors,
            "error_summary": list(errors.items()),
            "fields": _fields(values, errors),
        },
        status=409 if refusal else status,
    )


@require_http_methods(["GET", "POST"])
def join_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        join = join_request_for_token(token=token) if request.method == "GET" else join_request_confirm(token=token)
    except JoinRefused as refused:
        return render(request, "frontend/joining/confirm.html", {"refusal": refused.message}, status=400)
    if request.method == "POST" or join.status != JoinStatus.UNCONFIRMED:
        if request.method == "POST":
            messages.success(
                request, _("Thank you: your address is confirmed. The Warga operator now reviews the request.")
            )
        return HttpResponseRedirect(status_path(join))
    return render(request, "frontend/joining/confirm.html", {"join": join})


@require_GET
def join_status(request: HttpRequest, public_id: str) -> HttpResponse:
    join = join_request_by_public_id(public_id=public_id)
    if join is None:
        return render(request, "frontend/joining/status_not_found.html", status=404)
    failed_at = SHOWN_STEPS.index(JoinStep(join.failed_step)) if join.failed_step in SHOWN_STEPS else 0
    current = JoinStep(join.step) if join.step else JoinStep.QUEUED
    words = _step_words()
    steps = []
    for step in SHOWN_STEPS:
        if join.status == JoinStatus.DONE or (
            join.status == JoinStatus.PROVISIONING and STEP_PROGRESS[step] < STEP_PROGRESS[current]
        ):
            state = "done"
        elif join.status == JoinStatus.PROVISIONING and step == current:
            state = "current"
        elif join.status == JoinStatus.FAILED and step == SHOWN_STEPS[failed_at]:
            state = "failed"
        else:
            state = "waiting"
        steps.append({"label": words[step], "state": state})
    return render(
        request,
        "frontend/joining/status.html",
        {
            "join": join,
            "steps": steps,
            "statuses": JoinStatus,
            "valid_days": CONFIRMATION_VALID_FOR.days,
        },
    )
