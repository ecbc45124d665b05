from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "warga.workcalendar"
    label = "workcalendar"
    verbose_name = "Kalender hari kerja dan target layanan"
    scope = "tenant"
