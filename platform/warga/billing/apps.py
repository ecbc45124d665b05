from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "warga.billing"
    label = "billing"
    verbose_name = "Tagihan (langganan Stripe per pemerintah)"
    scope = "public"
