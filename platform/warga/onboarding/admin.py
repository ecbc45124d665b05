"""The operator admin's view of the governments, with the one action an operator needs there:
inviting a government's first admin koordinator (as `manage.py invite_admin` does); and the
requests to join, approved or refused through the joining services."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html

from tenants.models import Government
from warga.accounts.models import User
from warga.onboarding.models import JoinEvent, JoinRequest, JoinStatus
from warga.onboarding.services import FirstAdminRefused, first_admin_invite
from warga.onboarding.services.joining import JoinDecisionRefused, join_request_approve, join_request_refuse


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
        if not _one_selected(self, request, queryset, "pemerintah"):
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


# --- Requests to join ------------------------------------------------------------------------


class JoinDecisionForm(forms.Form):
    reason = forms.CharField(
        label="Alasan (reason): wajib untuk penolakan, dikirim ke pemohon (required to refuse; emailed to the requester)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=2000,
    )


class JoinEventInline(admin.TabularInline[JoinEvent, JoinRequest]):
    model = JoinEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor", "detail")
    readonly_fields = ("at", "kind", "actor", "detail")

    @admin.display(description="oleh (by)")
    def actor(self, event: JoinEvent) -> str:
        return _account_email(event.actor_id, otherwise="pemohon / sistem (requester / system)")

    def has_add_permission(self, request: HttpRequest, obj: JoinRequest | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: JoinRequest | None = None) -> bool:
        return False


def _account_email(user_id: uuid.UUID | None, *, otherwise: str) -> str:
    """The operator's address for an audit row; the id when the account is gone."""
    if user_id is None:
        return otherwise
    user = User.objects.filter(pk=user_id).first()
    return user.email if user is not None else str(user_id)


def _one_selected(model_admin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any], what: str) -> bool:
    if queryset.count() == 1:
        return True
    model_admin.message_user(request, f"Pilih tepat satu {what}. (Select exactly one.)", level=messages.ERROR)
    return False


def _port_of(request: HttpRequest) -> int | None:
    """The port the operator reached the admin on (development: 8000), for the invitation's link."""
    host = request.get_host()
    port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
    return int(port) if port.isdigit() else None


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin[JoinRequest]):
    """Read-only: requests change only through the approve and refuse actions (the services)."""

    list_display = [
        "government_name",
        "region_code",
        "domain",
        "requester_name",
        "status",
        "progress_shown",
        "created_at",
    ]
    list_filter = ["status", "email_domain"]
    search_fields = ["government_name", "region_code", "email", "requester_name"]
    actions = ["approve", "refuse"]
    inlines = [JoinEventInline]
    fieldsets = [
        (
            "Pemerintah daerah (government)",
            {
                "fields": [
                    "government_name",
                    "region_code",
                    "status",
                    "progress_shown",
                    "failure_shown",
                    "refusal_reason",
                ]
            },
        ),
        (
            "Pemohon (requester)",
            {"fields": ["domain", "email", "requester_name", "requester_position", "phone", "note"]},
        ),
        ("Waktu (times)", {"fields": ["created_at", "confirmed_at", "decided_at", "decided_by", "finished_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[JoinRequest]:
        # A request reaches the operator once its address is confirmed.
        return super().get_queryset(request).exclude(status=JoinStatus.UNCONFIRMED)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: JoinRequest | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: JoinRequest | None = None) -> list[str]:
        return [field for _, options in self.fieldsets for field in options["fields"] if isinstance(field, str)]

    @admin.display(description="domain email (verify)", ordering="email_domain")
    def domain(self, join: JoinRequest) -> str:
        verdict = (
            "domain pemerintah (.go.id)"
            if join.is_go_id
            else "BUKAN .go.id: periksa sendiri (not a government domain: check it)"
        )
        return format_html(
            '<strong style="font-size:1.2em">@{}</strong><br><small>{}</small>', join.email_domain, verdict
        )

    @admin.display(description="kemajuan (progress)")
    def progress_shown(self, join: JoinRequest) -> str:
        if join.status not in (JoinStatus.PROVISIONING, JoinStatus.DONE, JoinStatus.FAILED):
            return "-"
        step = join.get_failed_step_display() if join.status == JoinStatus.FAILED else join.get_step_display()
        return format_html('<progress max="100" value="{}"></progress> {}% · {}', join.progress, join.progress, step)

    @admin.display(description="kegagalan terakhir (last failure)")
    def failure_shown(self, join: JoinRequest) -> str:
        if not join.failure_reason:
            return "-"
        return f"[{join.get_failed_step_display()}] {join.failure_reason}"

    @admin.display(description="diputuskan oleh (decided by)")
    def decided_by(self, join: JoinRequest) -> str:
        return _account_email(join.decided_by_id, otherwise="-")

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[JoinRequest], *, action: str, title: str
    ) -> HttpResponse | None:
        if not _one_selected(self, request, queryset, "permintaan"):
            return None
        join = queryset.get()
        operator_id = request.user.pk
        assert operator_id is not None  # the operator admin lets only signed-in staff in
        form = JoinDecisionForm(request.POST if "decide" in request.POST else None)
        if "decide" in request.POST and form.is_valid():
            try:
                if action == "approve":
                    join_request_approve(request_id=join.pk, operator_id=operator_id, link_port=_port_of(request))
                    done = (
                        f"{join.government_name} disetujui; penyiapan berjalan, kemajuannya tampil di sini. "
                        "(Approved; provisioning runs, its progress shows here.)"
                    )
                else:
                    join_request_refuse(
                        request_id=join.pk,
                        operator_id=operator_id,
                        reason=form.cleaned_data["reason"],
                        link_origin=f"{request.scheme}://{request.get_host()}",
                    )
                    done = (
                        f"{join.government_name} ditolak; alasannya dikirim ke {join.email}. (Refused; reason emailed.)"
                    )
            except JoinDecisionRefused as error:
                self.message_user(request, str(error), level=messages.ERROR)
                return None
            self.message_user(request, done, level=messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/onboarding/join_decision.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{title}: {join.government_name} ({join.region_code})",
                "join": join,
                "action": action,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Setujui dan siapkan pemerintah daerah (approve and provision)")
    def approve(self, request: HttpRequest, queryset: QuerySet[JoinRequest]) -> HttpResponse | None:
        return self._decide(request, queryset, action="approve", title="Setujui (approve)")

    @admin.action(description="Tolak dengan alasan (refuse with a reason)")
    def refuse(self, request: HttpRequest, queryset: QuerySet[JoinRequest]) -> HttpResponse | None:
        return self._decide(request, queryset, action="refuse", title="Tolak (refuse)")
