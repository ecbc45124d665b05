from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "warga.reports"
    label = "reports"
    verbose_name = "Laporan warga"
    scope = "tenant"

    def ready(self) -> None:
        from warga.reports import personal_data

        personal_data.register()
