"""The audit log viewer: report, routing, organisation and calendar events, filtered, on the
page or as CSV."""

from __future__ import annotations

import csv
import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from frontend.console.base import console_page, page
from tenants.models import Government
from warga.access.policy import Action
from warga.organization.audit import AUDIT_PAGE_MAX, SOURCES, AuditFilter, audit_entries

SOURCE_LABELS = {
    "report": gettext_lazy("Reports"),
    "routing": gettext_lazy("Routing"),
    "organization": gettext_lazy("Organisation"),
    "calendar": gettext_lazy("Calendar"),
}
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditForm(forms.Form):
    sumber = forms.MultipleChoiceField(
        label=gettext_lazy("Sources"),
        required=False,
        choices=[(s, SOURCE_LABELS[s]) for s in SOURCES],
        widget=forms.CheckboxSelectMultiple,
    )
    dari = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_INPUT)
    sampai = forms.DateField(label=gettext_lazy("To (inclusive)"), required=False, widget=DATE_INPUT)
    pelaku = forms.CharField(label=gettext_lazy("By (email address)"), required=False, max_length=200)
    jenis = forms.CharField(label=gettext_lazy("Kind or tracking number contains"), required=False, max_length=60)
    jumlah = forms.IntegerField(
        label=gettext_lazy("At most"), required=False, min_value=1, max_value=AUDIT_PAGE_MAX, initial=100
    )


def _filter(form: AuditForm, government: Government) -> AuditFilter:
    zone = ZoneInfo(government.time_zone)
    data = form.cleaned_data if form.is_valid() else {}

    def start_of(day: datetime.date | None) -> datetime.datetime | None:
        return datetime.datetime.combine(day, datetime.time(), tzinfo=zone) if day else None

    until = data.get("sampai")
    return AuditFilter(
        sources=tuple(data.get("sumber") or SOURCES),
        since=start_of(data.get("dari")),
        until=start_of(until + datetime.timedelta(days=1)) if until else None,
        actor_email=data.get("pelaku") or "",
        kind=data.get("jenis") or "",
    )


@require_GET
@console_page(Action.AUDIT_VIEW)
def audit_page(request: HttpRequest, government: Government) -> HttpResponse:
    form = AuditForm(request.GET or None)
    limit = (form.cleaned_data.get("jumlah") if form.is_bound and form.is_valid() else None) or 100
    entries = audit_entries(audit=_filter(form, government), limit=limit if form.is_bound else 100)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{government.slug}.csv"'
        writer = csv.writer(response)
        writer.writerow(["waktu", "sumber", "pelaku", "jenis", "objek", "rincian"])
        zone = ZoneInfo(government.time_zone)
        for entry in entries:
            writer.writerow(
                [
                    entry.at.astimezone(zone).isoformat(),
                    entry.source,
                    entry.actor,
                    entry.kind,
                    entry.subject,
                    entry.detail,
                ]
            )
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    return page(
        request,
        government,
        "audit.html",
        {"form": form, "entries": entries, "csv_query": query.urlencode(), "labels": SOURCE_LABELS},
        section="audit",
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
