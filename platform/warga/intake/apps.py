from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "warga.intake"
    label = "intake"
    verbose_name = "Penerimaan laporan dan indeks nasional"
    scope = "public"

    def ready(self) -> None:
        from warga.intake import personal_data

        personal_data.register()
