from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "warga.regions"
    label = "regions"
    verbose_name = "Wilayah administrasi (Kemendagri)"
    scope = "public"
