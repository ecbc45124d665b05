from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "warga.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostik pekerja latar (Celery)"
    scope = "tenant"
