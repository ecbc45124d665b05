"""`/kantor/templat-balasan/`: the government's response templates, written by the admin
koordinator (`organization.edit`), offered on every report's reply form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from frontend.office.access import acting_user, office_page
from tenants.models import Government
from warga.access.policy import Action
from warga.reports.errors import ReportError, ReportInvalid, ReportNotFound
from warga.reports.selectors import response_templates_for
from warga.reports.services import TEMPLATE_BODY_MAX, response_template_archive, response_template_save
from warga.taxonomy.selectors import categories_active

PATH = "/kantor/templat-balasan/"
FIELDS = {"title": "judul", "body": "isi", "category_code": "kategori"}


class TemplateForm(forms.Form):
    judul = forms.CharField(max_length=500, label=_("Title"))
    kategori = forms.ChoiceField(required=False, label=_("For category"))
    isi = forms.CharField(
        max_length=TEMPLATE_BODY_MAX + 1000,
        label=_("Text"),
        help_text=_("You may use {nomor} (tracking number), {unit} (handling unit) and {tanggal} (today's date)."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kategori"]).choices = [("", _("Every category"))] + [
            (c.code, c.name_id) for c in categories_active().order_by("sort_order", "code")
        ]


@require_http_methods(["GET", "POST"])
@office_page(Action.ORGANIZATION_EDIT)
def templates_page(request: HttpRequest, government: Government) -> HttpResponse:
    form = TemplateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            response_template_save(
                acting_user=acting_user(request),
                title=form.cleaned_data["judul"],
                body=form.cleaned_data["isi"],
                category_code=form.cleaned_data["kategori"],
            )
        except ReportInvalid as error:
            for name, problems in error.errors.items():
                for problem in problems:
                    form.add_error(FIELDS.get(name), problem.message)
        else:
            messages.success(request, gettext("Template saved."))
            return HttpResponseRedirect(PATH)
    categories = dict(categories_active().values_list("code", "name_id"))
    templates = [
        {"template": t, "category": categories.get(t.category_code, t.category_code)} for t in response_templates_for()
    ]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "frontend/office/templates.html",
        {"government": government, "form": form, "templates": templates},
        status=status,
    )


@require_POST
@office_page(Action.ORGANIZATION_EDIT)
def template_archive(request: HttpRequest, government: Government, template_id: int) -> HttpResponse:
    try:
        response_template_archive(acting_user=acting_user(request), template_id=template_id)
    except ReportNotFound:
        messages.error(request, gettext("That template does not exist here."))
    except ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("Template no longer offered."))
    return HttpResponseRedirect(PATH)
