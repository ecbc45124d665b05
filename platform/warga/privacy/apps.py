from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "warga.privacy"
    label = "privacy"
    verbose_name = "Privasi (pengendali data dan PPDP pemerintah daerah)"
    scope = "tenant"

    def ready(self) -> None:
        from warga.privacy import personal_data

        personal_data.register()
