from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "warga.webhooks"
    label = "webhooks"
    verbose_name = "Webhook"
    scope = "tenant"
