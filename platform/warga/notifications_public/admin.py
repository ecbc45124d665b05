from django.contrib import admin

from warga.notifications_public.models import PushSubscription


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin[PushSubscription]):
    list_display = ["user", "user_agent", "created_at", "last_sent_at"]
    search_fields = ["user__email"]
    # Keys and the endpoint are capabilities: the operator sees that a browser exists, no more.
    fields = ("user", "user_agent", "created_at", "last_sent_at")
    readonly_fields = ("user", "user_agent", "created_at", "last_sent_at")
