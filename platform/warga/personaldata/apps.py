from django.apps import AppConfig


class PersonalDataConfig(AppConfig):
    name = "warga.personaldata"
    label = "personaldata"
    verbose_name = "Hak subjek data (unduh dan hapus data pribadi)"
    scope = "public"
