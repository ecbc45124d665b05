from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "warga.reports"
    label = "reports"
    verbose_name = "Laporan warga"
    scope = "tenant"

    def ready(self) -> None:
        # Registered at start-up, when every app's models are loaded, not at import.
        from warga.reports import personal_data

        personal_data.register()
