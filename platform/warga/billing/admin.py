"""The operator admin's view of billing: every government's plan, state, trial end, next
invoice and the Stripe dashboard's page of it. Read-mostly: the state mirrors Stripe and is
changed by Stripe's events or `manage.py billing_reconcile --apply`, never by hand here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html

from warga.billing.models import BillingAccount, BillingAudit, Plan, StripeEvent
from warga.billing.selectors import billing_enabled, next_invoice, stripe_dashboard_url

BILLING_OFF = (
    "Tagihan mati: WARGA_STRIPE_SECRET_KEY tidak diatur, jadi setiap pemerintah dianggap aktif. "
    "(Billing is off: WARGA_STRIPE_SECRET_KEY is not set, so every government is treated as active.)"
)


class BillingOffNotice:
    """Says on every billing page of the admin when billing is off."""

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not billing_enabled():
            messages.warning(request, BILLING_OFF)
        return super().changelist_view(request, extra_context)  # type: ignore[misc]


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditInline(ReadOnly, admin.TabularInline[BillingAudit, BillingAccount]):
    model = BillingAudit
    extra = 0
    fields = ["at", "from_status", "to_status", "plan_code", "stripe_event_id", "actor_id", "note"]
    readonly_fields = ["at", "from_status", "to_status", "plan_code", "stripe_event_id", "actor_id", "note"]


@admin.register(BillingAccount)
class BillingAccountAdmin(BillingOffNotice, ReadOnly, admin.ModelAdmin[BillingAccount]):
    list_display = ["government", "plan", "status", "trial_ends_at", "next_invoice_due", "premium_until", "stripe_link"]
    list_filter = ["status", "plan__level", "plan__includes_premium"]
    search_fields = ["government__name", "government__code", "stripe_customer_id", "stripe_subscription_id"]
    list_select_related = ["government", "plan"]
    inlines = [AuditInline]

    @admin.display(description="Tagihan berikutnya (next invoice)")
    def next_invoice_due(self, account: BillingAccount) -> str:
        due = next_invoice(account)
        return f"{due[0]:%Y-%m-%d}: Rp {due[1]:,}".replace(",", ".") if due else "—"

    @admin.display(description="Stripe")
    def stripe_link(self, account: BillingAccount) -> str:
        url = stripe_dashboard_url(account)
        return format_html('<a href="{}" rel="noopener">{}</a>', url, "dashboard") if url else "—"


@admin.register(Plan)
class PlanAdmin(BillingOffNotice, admin.ModelAdmin[Plan]):
    list_display = [
        "code",
        "name",
        "level",
        "population_min",
        "population_max",
        "includes_premium",
        "price_month_idr",
        "price_year_idr",
        "is_offered",
    ]
    list_filter = ["level", "includes_premium", "is_offered"]
    # Prices are Stripe's; the catalogue changes by migration or here only to stop offering a plan.
    readonly_fields = ["code", "level", "population_min", "population_max", "includes_premium"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StripeEvent)
class StripeEventAdmin(BillingOffNotice, ReadOnly, admin.ModelAdmin[StripeEvent]):
    list_display = ["id", "type", "created", "government_code", "outcome", "processed_at"]
    list_filter = ["type", "outcome"]
    search_fields = ["id", "government_code"]
