from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "warga.notifications"
    label = "notifications"
    verbose_name = "Notifikasi"
    scope = "tenant"

    def ready(self) -> None:
        # Registered at start-up, when every app's models are loaded, not at import.
        from warga.notifications import personal_data

        personal_data.register()
