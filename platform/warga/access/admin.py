"""The operator's view of API keys: read and revoke; keys are made by `manage.py api_key`
(which prints the key once) or by a government's admin koordinator."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from warga.access.models import ApiKey
from warga.access.services import api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ["name", "government", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["government"]
    search_fields = ["name", "prefix", "government__name"]
    readonly_fields = [field.name for field in ApiKey._meta.concrete_fields if field.name != "secret_hash"]
    exclude = ["secret_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        # Revoked, never deleted: the reports it filed keep naming its account.
        return False

    @admin.action(description="Cabut kunci API terpilih (revoke)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset.select_related("government"):
            api_key_revoke(key_id=key.pk, government=key.government, acting_user=None)
        self.message_user(request, f"{queryset.count()} kunci API dicabut.", messages.SUCCESS)
