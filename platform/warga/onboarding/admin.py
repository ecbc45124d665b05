"""The operator admin's view of the governments, with the one action an operator needs there:
inviting a government's first admin koordinator (as `manage.py invite_admin` does)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from tenants.models import Government
from warga.onboarding.services import FirstAdminRefused, first_admin_invite


class FirstAdminForm(forms.Form):
    email = forms.EmailField(
        label="Email admin koordinator (email of the admin koordinator)",
        error_messages={"invalid": "Alamat email tidak valid. (The email address is not valid.)"},
    )
    port = forms.IntegerField(
        label="Port alamat pemerintah di tautan (port in the link; empty in production)",
        required=False,
        min_value=1,
        max_value=65535,
    )


@admin.register(Government)
class GovernmentAdmin(admin.ModelAdmin[Government]):
    list_display = ["name", "code", "level", "slug", "is_ready"]
    list_filter = ["level", "is_ready"]
    search_fields = ["name", "code", "slug"]
    readonly_fields = ["schema_name", "created_at", "ready_at"]
    actions = ["invite_first_admin"]

    @admin.action(description="Undang admin koordinator pertama (invite the first admin koordinator)")
    def invite_first_admin(self, request: HttpRequest, queryset: QuerySet[Government]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(
                request, "Pilih tepat satu pemerintah. (Select exactly one government.)", level=messages.ERROR
            )
            return None
        government = queryset.get()
        form = FirstAdminForm(request.POST if "send" in request.POST else None)
        if "send" in request.POST and form.is_valid():
            try:
                sent = first_admin_invite(
                    code=government.code or "NAS",
                    email=form.cleaned_data["email"],
                    port=form.cleaned_data["port"],
                    operator_id=request.user.pk,
                )
            except FirstAdminRefused as error:
                self.message_user(request, str(error), level=messages.ERROR)
                return None
            self.message_user(
                request,
                f"Undangan admin koordinator {sent.government.name} untuk {sent.email} "
                f"{'dikirim ulang' if sent.resent else 'dikirim'}. (Invitation sent.)",
                level=messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/onboarding/invite_first_admin.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Undang admin koordinator pertama: {government.name}",
                "government": government,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )
