"""The audit log viewer: report, routing, organisation and calendar events, filtered, on the
page or as CSV."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from typing import cast
from zoneinfo import ZoneInfo

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from frontend.console.base import console_page, page
from tenants.context import government_context
from tenants.models import Government
from warga.access.policy import Action
from warga.audit_log import (
    AUDIT_PAGE_MAX,
    SOURCES,
    AuditCursor,
    AuditEntry,
    AuditFilter,
    audit_entries_all,
    audit_entries_page,
)

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
        label=gettext_lazy("Entries per page"), required=False, min_value=1, max_value=AUDIT_PAGE_MAX, initial=100
    )
    # Where the page starts (the previous page's last entry); empty: the newest.
    setelah = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def clean_setelah(self) -> AuditCursor | None:
        text = self.cleaned_data.get("setelah") or ""
        if not text:
            return None
        try:
            return AuditCursor.decode(text)
        except ValueError:
            raise forms.ValidationError(
                gettext_lazy("This page of the log does not exist any more: start again from the newest entries.")
            ) from None


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


class _Line:
    """A file-like object that hands back what csv.writer writes: one row at a time."""

    def write(self, text: str) -> str:
        return text


CSV_HEADER = ["waktu", "sumber", "pelaku", "jenis", "objek", "rincian"]


def _csv_lines(entries: Iterable[AuditEntry], zone: ZoneInfo) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_HEADER)
    for entry in entries:
        yield writer.writerow(
            [entry.at.astimezone(zone).isoformat(), entry.source, entry.actor, entry.kind, entry.subject, entry.detail]
        )


def _every_entry(government: Government, audit: AuditFilter) -> Iterator[AuditEntry]:
    # Streamed after the view returns: read in the government's schema whatever the
    # connection's state by then.
    with government_context(government):
        yield from audit_entries_all(audit=audit)


@require_GET
@console_page(Action.AUDIT_VIEW)
def audit_page(request: HttpRequest, government: Government) -> HttpResponse:
    form = AuditForm(request.GET or None)
    valid = form.is_bound and form.is_valid()
    audit = _filter(form, government)
    if request.GET.get("format") == "csv" and (valid or not form.is_bound):
        # Every entry matching the filter, whatever their number, streamed page by page.
        response = StreamingHttpResponse(
            _csv_lines(_every_entry(government, audit), ZoneInfo(government.time_zone)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="audit-{government.slug}.csv"'
        # Streamed: the console's views are typed by their usual answer, a page.
        return cast(HttpResponse, response)
    limit = (form.cleaned_data.get("jumlah") if valid else None) or 100
    after = form.cleaned_data.get("setelah") if valid else None
    found = audit_entries_page(audit=audit, limit=limit, after=after)
    query = request.GET.copy()
    query.pop("setelah", None)
    query.pop("format", None)
    first_query = query.urlencode()
    csv_query = query.copy()
    csv_query["format"] = "csv"
    next_query = ""
    if found.next is not None:
        following = query.copy()
        following["setelah"] = found.next.encode()
        next_query = following.urlencode()
    return page(
        request,
        government,
        "audit.html",
        {
            "form": form,
            "entries": found.entries,
            "csv_query": csv_query.urlencode(),
            "next_query": next_query,
            "first_query": first_query if after is not None else None,
            "labels": SOURCE_LABELS,
        },
        section="audit",
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
