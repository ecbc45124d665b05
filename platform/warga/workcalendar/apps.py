from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "warga.workcalendar"
    label = "workcalendar"
    verbose_name = "Kalender hari kerja dan target layanan"
    scope = "tenant"

    def ready(self) -> None:
        # Registered at start-up, when every app's models are loaded, not at import.
        from warga.workcalendar import personal_data

        personal_data.register()
