from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "warga.notifications"
    label = "notifications"
    verbose_name = "Notifikasi"
    scope = "tenant"

    def ready(self) -> None:
        from warga.notifications import personal_data

        personal_data.register()
