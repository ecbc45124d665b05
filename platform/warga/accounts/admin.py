"""The operator admin's account pages.

Nothing here can make anyone a superuser or hand out groups and permissions (those stay with
`createsuperuser` and the shell, where the operator is at the server); only a superuser may
change the staff flag. Changing someone's email or phone is audited and makes the new contact
unverified until its owner confirms it (warga.accounts.services). TOTP authenticators are
listed without their (encrypted) data.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from warga.accounts.models import AccountAuditEvent, User
from warga.accounts.services import account_contact_changed

_ALWAYS_READ_ONLY = ["id", "date_joined", "last_login", "is_superuser", "phone_verified"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "phone", "full_name", "is_staff", "date_joined"]
    search_fields = ["email", "phone", "full_name"]
    exclude = ["password", "groups", "user_permissions"]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        read_only = list(_ALWAYS_READ_ONLY)
        if not request.user.is_superuser:
            read_only.append("is_staff")
        return read_only

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool) -> None:
        old_email = form.initial.get("email", "") if change else ""
        super().save_model(request, obj, form, change)
        if change:
            acting = request.user
            assert isinstance(acting, User)
            account_contact_changed(
                acting_user=acting, user=obj, changed=form.changed_data, old_email=str(old_email), request=request
            )


@admin.register(AccountAuditEvent)
class AccountAuditEventAdmin(admin.ModelAdmin[AccountAuditEvent]):
    list_display = ["at", "kind", "user_id", "actor_id"]
    list_filter = ["kind"]
    readonly_fields = ["at", "kind", "user_id", "actor_id", "detail"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin[Authenticator]):
    """Listing and deleting (a lost phone) only: the data holds the secret."""

    raw_id_fields = ["user"]
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    exclude = ["data"]
    readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
