"""The working calendar and SLA targets: office hours per weekday, days off and substitute
working days of a year, and the working time each step of a report may take."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from frontend.console.base import CONSOLE_PATH, acting_user, console_page, page
from tenants.models import Government
from warga.access.policy import Action
from warga.organization.selectors import today_in
from warga.taxonomy.selectors import categories_active
from warga.workcalendar.models import DayOffKind, SlaStep, Weekday
from warga.workcalendar.selectors import calendar_months, calendar_overview
from warga.workcalendar.services import (
    DAY_OFF_KINDS_EDITABLE,
    WorkCalendarEntryNotFound,
    WorkCalendarInputError,
    day_off_add,
    day_off_remove,
    day_worked_add,
    day_worked_remove,
    office_hours_set,
    sla_target_set,
)

CALENDAR_PATH = f"{CONSOLE_PATH}kalender/"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class OfficeHoursForm(forms.Form):
    """Seven weekdays; a weekday with both times empty is closed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day in Weekday:
            self.fields[f"opens_{day.value}"] = forms.TimeField(
                label=f"{day.label}: " + str(gettext_lazy("opens")), required=False, widget=TIME_INPUT
            )
            self.fields[f"closes_{day.value}"] = forms.TimeField(
                label=f"{day.label}: " + str(gettext_lazy("closes")), required=False, widget=TIME_INPUT
            )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(day.label, self[f"opens_{day.value}"], self[f"closes_{day.value}"]) for day in Weekday]


class DayOffForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE_INPUT)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[(k.value, DayOffKind(k).label) for k in DAY_OFF_KINDS_EDITABLE]
    )
    source = forms.CharField(label=gettext_lazy("Decree or announcement (optional)"), max_length=300, required=False)


class DayWorkedForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE_INPUT)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)
    source = forms.CharField(label=gettext_lazy("Decree or announcement (optional)"), max_length=300, required=False)


class SlaForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    step = forms.ChoiceField(label=gettext_lazy("Step"), choices=SlaStep.choices)
    working_days = forms.IntegerField(label=gettext_lazy("Working days"), required=False, min_value=1)
    working_minutes = forms.IntegerField(
        label=gettext_lazy("or working minutes (urgent categories)"), required=False, min_value=1
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", gettext_lazy("Every category (the default)"))] + [  # type: ignore[attr-defined]
            (c.code, c.name_id) for c in categories_active()
        ]


def _hours_initial(overview: Any) -> dict[str, datetime.time]:
    initial: dict[str, datetime.time] = {}
    for hours in overview.office_hours:
        initial[f"opens_{hours.weekday}"] = hours.opens_at
        initial[f"closes_{hours.weekday}"] = hours.closes_at
    return initial


@require_http_methods(["GET", "POST"])
@console_page(Action.CALENDAR_EDIT)
def calendar_page(request: HttpRequest, government: Government) -> HttpResponse:
    today = today_in(government=government)
    try:
        year = int(request.GET.get("tahun", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    overview = calendar_overview(government=government, year=year)
    action = request.POST.get("aksi", "") if request.method == "POST" else ""
    actor = acting_user(request).pk
    bound = request.POST if action else None
    hours = OfficeHoursForm(bound if action == "hours" else None, initial=_hours_initial(overview), prefix="jam")
    day_off = DayOffForm(bound if action == "day_off" else None, prefix="libur")
    day_worked = DayWorkedForm(bound if action == "day_worked" else None, prefix="kerja")
    sla = SlaForm(bound if action == "sla" else None, prefix="sla")
    back = HttpResponseRedirect(f"{CALENDAR_PATH}?tahun={year}")
    try:
        if action == "hours" and hours.is_valid():
            with transaction.atomic():  # all seven days or none
                for day in Weekday:
                    office_hours_set(
                        weekday=day.value,
                        opens_at=hours.cleaned_data[f"opens_{day.value}"],
                        closes_at=hours.cleaned_data[f"closes_{day.value}"],
                        acting_user=actor,
                    )
            messages.success(request, _("Office hours saved."))
            return back
        if action == "day_off" and day_off.is_valid():
            day_off_add(acting_user=actor, **day_off.cleaned_data)
            messages.success(request, _("Day off added."))
            return back
        if action == "day_worked" and day_worked.is_valid():
            day_worked_add(acting_user=actor, **day_worked.cleaned_data)
            messages.success(request, _("Substitute working day added."))
            return back
        if action == "sla" and sla.is_valid():
            data = sla.cleaned_data
            sla_target_set(
                acting_user=actor,
                category_code=data["category"] or None,
                step=data["step"],
                working_days=data["working_days"],
                working_minutes=data["working_minutes"],
            )
            messages.success(request, _("SLA target saved."))
            return back
        if action in ("remove_day_off", "remove_day_worked"):
            entry = int(request.POST.get("id", "0") or 0)
            if action == "remove_day_off":
                day_off_remove(day_off_id=entry, acting_user=actor)
            else:
                day_worked_remove(day_worked_id=entry, acting_user=actor)
            messages.success(request, _("Removed."))
            return back
    except WorkCalendarInputError as error:
        form = {"hours": hours, "day_off": day_off, "day_worked": day_worked, "sla": sla}[action]
        form.add_error(None, str(error))
    except WorkCalendarEntryNotFound as error:
        messages.error(request, str(error))
        return back
    return page(
        request,
        government,
        "calendar.html",
        {
            "overview": overview,
            "months": calendar_months(government=government, year=year),
            "year": year,
            "hours": hours,
            "day_off": day_off,
            "day_worked": day_worked,
            "sla": sla,
            "categories": {c.code: c.name_id for c in categories_active()},
        },
        section="calendar",
    )
