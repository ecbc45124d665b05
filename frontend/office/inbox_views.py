"""`/kantor/`: the inbox of every official on a government host (the reports their seats reach),
with filters, counts per SLA state, pages and a CSV download; their seats below it.

Reads through `warga.routing.selectors.inbox_for_official` (the API's inbox); the policy
decides who may open it (`inbox.view`) and download it (`inbox.export`).
"""

from __future__ import annotations

import csv
import io
from typing import Any, cast
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from frontend.office.access import acting_user, office_page
from tenants.models import Government, Level
from warga.access.guards import page_refusal
from warga.access.policy import Action, policy_decide
from warga.organization.selectors import memberships_active_for_user
from warga.reports.lifecycle import Status
from warga.reports.models import Priority, Report
from warga.routing.selectors import (
    INBOX_COUNT_CAP,
    InboxFilters,
    SlaState,
    handling_unit_names,
    inbox_counts_by_sla_state,
    inbox_for_official,
    inbox_unit_choices,
)
from warga.taxonomy.selectors import categories_active

PAGE_SIZE = 25
EXPORT_PAGE = 500
ORDERINGS = {"terbaru": "newest", "tenggat": "due"}


class InboxFilter(forms.Form):
    cari = forms.CharField(required=False, max_length=200, label=_("Search description or tracking number"))
    status = forms.ChoiceField(required=False, label=_("Status"))
    sla = forms.ChoiceField(required=False, label=_("Deadline"))
    prioritas = forms.ChoiceField(required=False, label=_("Priority"))
    kategori = forms.ChoiceField(required=False, label=_("Category"))
    unit = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Handling unit"))
    dari = forms.DateField(required=False, label=_("Sent from"), widget=forms.DateInput(attrs={"type": "date"}))
    sampai = forms.DateField(required=False, label=_("Sent until"), widget=forms.DateInput(attrs={"type": "date"}))
    urut = forms.ChoiceField(
        required=False, label=_("Sort by"), choices=[("terbaru", _("Newest first")), ("tenggat", _("Nearest deadline"))]
    )
    halaman = forms.IntegerField(required=False, min_value=1, label=_("Page"))

    def __init__(self, *args: Any, user_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every: list[tuple[str, Any]] = [("", _("All"))]
        choices: dict[str, list[tuple[str, Any]]] = {
            "status": every + [(s.value, s.label) for s in Status],
            "sla": [
                *every,
                (SlaState.OVERDUE.value, _("Overdue")),
                (SlaState.DUE_SOON.value, _("Due within 24 hours")),
                (SlaState.ON_TIME.value, _("On time")),
                (SlaState.NO_DEADLINE.value, _("No running deadline")),
            ],
            "prioritas": every + [(p.value, p.label) for p in Priority],
            "kategori": every + [(c.code, c.name_id) for c in categories_active().order_by("sort_order", "code")],
            "unit": every + [(str(u.pk), u.name) for u in inbox_unit_choices(user_id=user_id)],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("dari") and data.get("sampai") and data["dari"] > data["sampai"]:
            self.add_error("sampai", _("The end date must be on or after the start date."))
        return data


def _selector_filters(data: dict[str, Any]) -> InboxFilters:
    """The selectors' filters from the form's cleaned data (empty when nothing was asked)."""
    return InboxFilters(
        status=data.get("status") or None,
        category_code=data.get("kategori") or None,
        sla_state=data.get("sla") or None,
        priority=data.get("prioritas") or None,
        unit_id=data.get("unit"),
        created_from=data.get("dari"),
        created_to=data.get("sampai"),
        search=data.get("cari") or None,
    )


def _rows(reports: list[Report], government: Government) -> list[dict[str, Any]]:
    units = handling_unit_names(reports=reports)
    categories = dict(categories_active().values_list("code", "name_id"))
    zone = ZoneInfo(government.time_zone)
    return [
        {
            "report": report,
            "category": categories.get(report.category_code, report.category_code),
            "unit": units.get(report.pk, ""),
            "status_label": Status(report.status).label,
            "priority_label": Priority(report.priority).label,
            "sla_state": getattr(report, "sla_state", SlaState.NO_DEADLINE),
            "due_at": getattr(report, "due_at", None),
            "created_local": report.created_at.astimezone(zone),
            "is_disputed": report.status == Status.REOPENED,
        }
        for report in reports
    ]


def _desks(user: Any, government: Government) -> list[tuple[str, str]]:
    """The other pages this person's seats may use here (the policy decides, as on the pages)."""
    desks = [(gettext("Notifications"), "/notifikasi/")]
    if government.level == Level.NATIONAL:
        if policy_decide(actor=user, government=government, action=Action.TRIAGE_ACT).allowed:
            desks.append((gettext("National triage desk"), "/meja-triase/"))
    elif policy_decide(actor=user, government=government, action=Action.OFFER_DECIDE).allowed:
        desks.append((gettext("Offers from the triage desk"), "/tawaran-triase/"))
    return desks


@require_GET
@office_page(Action.INBOX_VIEW)
def inbox_page(request: HttpRequest, government: Government) -> HttpResponse:
    user = acting_user(request)
    query = InboxFilter(request.GET or None, user_id=user.pk)
    memberships = memberships_active_for_user(user_id=user.pk, government=government)
    may_export = policy_decide(actor=user, government=government, action=Action.INBOX_EXPORT, anywhere=True).allowed
    context: dict[str, Any] = {
        "government": government,
        "form": query,
        "rows": [],
        "memberships": memberships,
        "desks": _desks(user, government),
        "may_export": may_export,
        "counts": {},
    }
    if request.GET and not query.is_valid():
        return render(request, "frontend/office/inbox.html", context, status=400)
    data = query.cleaned_data if request.GET else {}
    filters = _selector_filters(data)
    number = data.get("halaman") or 1
    page = inbox_for_official(
        user_id=user.pk,
        filters=filters,
        ordering=ORDERINGS.get(data.get("urut") or "terbaru", "newest"),
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )
    counts = inbox_counts_by_sla_state(user_id=user.pk, filters=filters)
    kept = {name: value for name, value in request.GET.items() if name != "halaman" and value}
    more = page.offset + len(page.reports) < page.total or (not page.total_exact and len(page.reports) == PAGE_SIZE)
    pages = max((page.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    context |= {
        "rows": _rows(list(page.reports), government),
        "total": page.total,
        "total_exact": page.total_exact,
        "page_number": number,
        "pages": pages,
        "previous": "?" + urlencode(kept | {"halaman": number - 1}) if number > 1 else "",
        "next": "?" + urlencode(kept | {"halaman": number + 1}) if more else "",
        "counts": counts,
        "count_links": {
            state: "?" + urlencode({k: v for k, v in kept.items() if k != "sla"} | {"sla": state}) for state in counts
        },
        "export_query": urlencode(kept),
        "filtered": bool(kept),
        "count_cap": INBOX_COUNT_CAP,
    }
    return render(request, "frontend/office/inbox.html", context)


CSV_COLUMNS = (
    "nomor",
    "dikirim",
    "jenis",
    "kategori",
    "kode_desa",
    "unit_penanganan",
    "status",
    "prioritas",
    "tenggat",
    "status_tenggat",
)


@require_GET
@office_page(Action.INBOX_VIEW)
def inbox_export(request: HttpRequest, government: Government) -> HttpResponse:
    """`/kantor/ekspor.csv`: the filtered list (every page, up to the inbox's counting cap) as
    CSV, for heads of units and admins (`inbox.export`)."""
    user = acting_user(request)
    decision = policy_decide(actor=user, government=government, action=Action.INBOX_EXPORT, anywhere=True)
    refusal = page_refusal(request, decision)
    if refusal is not None:
        return refusal
    query = InboxFilter(request.GET or None, user_id=user.pk)
    if request.GET and not query.is_valid():
        errors = "; ".join(f"{name}: {' '.join(str(p) for p in problems)}" for name, problems in query.errors.items())
        return HttpResponse(f"Saringan tidak valid (invalid filters): {errors}", status=400, content_type="text/plain")
    data = query.cleaned_data if request.GET else {}
    filters = _selector_filters(data)
    zone = ZoneInfo(government.time_zone)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    offset = 0
    while offset < INBOX_COUNT_CAP:
        page = inbox_for_official(
            user_id=user.pk,
            filters=filters,
            ordering=ORDERINGS.get(data.get("urut") or "terbaru", "newest"),
            limit=EXPORT_PAGE,
            offset=offset,
        )
        reports = list(page.reports)
        units = handling_unit_names(reports=reports)
        for report in reports:
            due = getattr(report, "due_at", None)
            writer.writerow(
                [
                    report.tracking_number,
                    report.created_at.astimezone(zone).isoformat(timespec="minutes"),
                    report.type,
                    report.category_code,
                    report.village_code,
                    units.get(report.pk, ""),
                    report.status,
                    report.priority,
                    due.astimezone(zone).isoformat(timespec="minutes") if due else "",
                    getattr(report, "sla_state", ""),
                ]
            )
        if len(reports) < EXPORT_PAGE:
            break
        offset += EXPORT_PAGE
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kotak-masuk-{government.slug}.csv"'
    return response
