from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "warga.reports"
    label = "reports"
    verbose_name = "Laporan warga"
    scope = "tenant"
