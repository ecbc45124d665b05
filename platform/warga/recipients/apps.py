from django.apps import AppConfig


class RecipientsConfig(AppConfig):
    """The public side of notifications: a person's browsers (web push subscriptions) and the
    governments holding notifications for them. Notifications themselves stay in each
    government's schema (warga.notifications)."""

    name = "warga.recipients"
    label = "recipients"
    verbose_name = "Penerima notifikasi"
    scope = "public"

    def ready(self) -> None:
        from warga.recipients import personal_data

        personal_data.register()
