from django.apps import AppConfig


class NotificationsPublicConfig(AppConfig):
    """The public half of notifications: a person's browsers (web push subscriptions) and the
    governments holding notifications for them. Notifications themselves stay in each
    government's schema (warga.notifications).

    The label stays `recipients`, the app's first name: it names the migration history, the
    tables (`recipients_*`), the content types and the operator admin's URLs on every
    existing database, and renaming it would rewrite all of those for no reader's benefit
    (docs/decisions/0121)."""

    name = "warga.notifications_public"
    label = "recipients"
    verbose_name = "Notifikasi: langganan push dan pemerintah pengirim"
    scope = "public"

    def ready(self) -> None:
        # Registered at start-up, when every app's models are loaded, not at import.
        from warga.notifications_public import personal_data

        personal_data.register()
