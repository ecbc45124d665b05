from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "warga.health"
    label = "health"
    verbose_name = "Kesehatan sistem"
    scope = "public"
