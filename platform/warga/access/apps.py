from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "warga.access"
    label = "access"
    verbose_name = "Akses (masuk lintas host, MFA petugas, batas laju)"
    scope = "public"
