"""A report's public page (`/laporan/<nomor>/`), its citizen actions as plain form POSTs, and
the lookup by tracking number (`/lacak/`).

Thin: the page reads `report_lookup_public`; every action calls its intake service, which
decides who may do what. A `rahasia` report answers a stranger exactly like a number that does
not exist, on the page, in the lookup and in every action.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from frontend.citizen.words import PRIVACY_WORDS, STATUS_STORIES, category_name, status_badge
from warga.intake.selectors import PublicReport, report_lookup_public
from warga.intake.services import (
    report_comment_public,
    report_dispute,
    report_rate_resolution,
    report_support,
    report_withdraw,
)
from warga.reports.errors import InvalidTransition, ReportError, ReportInvalid, ReportNotFound
from warga.reports.lifecycle import OPEN_STATUSES

TRACKING_NUMBER_MAX = 32


def _not_found(request: HttpRequest, number: str) -> HttpResponse:
    """The one answer for a number that does not exist and for one the viewer may not see."""
    return render(request, "frontend/citizen/report_not_found.html", {"number": number}, status=404)


def _page(
    request: HttpRequest, found: PublicReport, *, errors: dict[str, list[str]] | None = None, status: int = 200
) -> HttpResponse:
    timeline = [
        {"story": STATUS_STORIES.get(entry.status, entry.status), "badge": status_badge(entry.status), "at": entry.at}
        for entry in found.timeline
    ]
    errors = errors or {}
    return render(
        request,
        "frontend/citizen/report.html",
        {
            "report": found,
            "category": category_name(found.category_code),
            "badge": status_badge(found.status),
            "privacy_words": PRIVACY_WORDS.get(found.privacy, found.privacy),
            "timeline": timeline,
            "errors": errors,
            "error_summary": [(field, message) for field, texts in errors.items() for message in texts],
            "share_url": request.build_absolute_uri(reverse("citizen-report", args=[found.tracking_number])),
            "values": request.POST if request.method == "POST" else {},
            # "Saya juga" is for reports still being handled (the service refuses the others).
            "supportable": found.status in OPEN_STATUSES and not found.is_mine,
        },
        status=status,
    )


@require_GET
def report_page(request: HttpRequest, tracking_number: str) -> HttpResponse:
    found = report_lookup_public(tracking_number=tracking_number, viewer=request.user)
    if found is None:
        return _not_found(request, tracking_number)
    return _page(request, found)


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """`/lacak/?nomor=...` from the home page: to the report's page, or a clear "not found"."""
    if "nomor" not in request.GET:
        # Opened directly (the menu, a bookmark): the form, with nothing to warn about yet.
        return render(request, "frontend/citizen/lookup.html", {"number": "", "state": "form"})
    number = request.GET.get("nomor", "").strip().upper()[:TRACKING_NUMBER_MAX]
    if not number:
        return render(request, "frontend/citizen/lookup.html", {"number": "", "state": "empty"}, status=400)
    if report_lookup_public(tracking_number=number, viewer=request.user) is None:
        return render(request, "frontend/citizen/lookup.html", {"number": number, "state": "not_found"}, status=404)
    return HttpResponseRedirect(reverse("citizen-report", args=[number]))


def _signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Actions need an account; a signed-out citizen signs in and comes back to the report page
    (not to the action's URL, which answers POST only)."""

    @wraps(view)
    def wrapped(request: HttpRequest, tracking_number: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("citizen-report", args=[tracking_number]))
        return view(request, tracking_number)

    return wrapped


# Field names of the services' errors -> the form field on the page that shows them.
_FIELD_OF = {"body": "komentar", "score": "nilai", "note": "alasan"}


def _act(
    request: HttpRequest, tracking_number: str, action: Callable[[], Any], success: Callable[[Any], str]
) -> HttpResponse:
    """Run one citizen action; a refusal re-renders the page with the message next to its field."""
    back = HttpResponseRedirect(reverse("citizen-report", args=[tracking_number]))
    try:
        outcome = action()
    except ReportNotFound:
        return _not_found(request, tracking_number)
    except (ReportInvalid, InvalidTransition, ReportError) as error:
        found = report_lookup_public(tracking_number=tracking_number, viewer=request.user)
        if found is None:
            return _not_found(request, tracking_number)
        if isinstance(error, ReportInvalid):
            errors: dict[str, list[str]] = {}
            for field, items in error.errors.items():
                errors.setdefault(_FIELD_OF.get(field, "laporan"), []).extend(item.message for item in items)
        else:
            errors = {"laporan": [_("This can no longer be done: the report's status has changed.")]}
        return _page(request, found, errors=errors, status=400)
    messages.success(request, success(outcome))
    return back


@require_POST
@_signed_in
def report_support_post(request: HttpRequest, tracking_number: str) -> HttpResponse:
    return _act(
        request,
        tracking_number,
        lambda: report_support(acting_user=request.user, tracking_number=tracking_number),  # type: ignore[arg-type]
        lambda outcome: (
            _('Thank you: your "saya juga" is counted.')
            if outcome.added
            else _('You had already said "saya juga" to this report; it counts once.')
        ),
    )


@require_POST
@_signed_in
def report_comment_post(request: HttpRequest, tracking_number: str) -> HttpResponse:
    body = request.POST.get("komentar", "")
    return _act(
        request,
        tracking_number,
        lambda: report_comment_public(acting_user=request.user, tracking_number=tracking_number, body=body),  # type: ignore[arg-type]
        lambda _role: _("Your comment is posted."),
    )


@require_POST
@_signed_in
def report_withdraw_post(request: HttpRequest, tracking_number: str) -> HttpResponse:
    return _act(
        request,
        tracking_number,
        lambda: report_withdraw(acting_user=request.user, tracking_number=tracking_number),  # type: ignore[arg-type]
        lambda _status: _("Your report is withdrawn."),
    )


@require_POST
@_signed_in
def report_rate_post(request: HttpRequest, tracking_number: str) -> HttpResponse:
    raw = request.POST.get("nilai", "")

    def rate() -> int:
        if raw not in {"1", "2", "3", "4", "5"}:
            raise ReportInvalid.single("score", "required", _("Choose a score from 1 to 5."))
        return report_rate_resolution(acting_user=request.user, tracking_number=tracking_number, score=int(raw))  # type: ignore[arg-type]

    return _act(
        request,
        tracking_number,
        rate,
        lambda score: _("Thank you for your rating (%(score)s of 5).") % {"score": score},
    )


@require_POST
@_signed_in
def report_dispute_post(request: HttpRequest, tracking_number: str) -> HttpResponse:
    note = request.POST.get("alasan", "")
    return _act(
        request,
        tracking_number,
        lambda: report_dispute(acting_user=request.user, tracking_number=tracking_number, note=note),  # type: ignore[arg-type]
        lambda _status: _("Your objection is sent: the report is reopened and its handler's supervisor is told."),
    )
