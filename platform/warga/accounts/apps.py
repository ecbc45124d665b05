from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "warga.accounts"
    label = "accounts"
    verbose_name = "Akun"
    scope = "public"

    def ready(self) -> None:
        # Registered at start-up, when every app's models are loaded, not at import.
        from warga.accounts import personal_data

        personal_data.register()
