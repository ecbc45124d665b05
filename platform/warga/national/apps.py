from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "warga.national"
    label = "national"
    verbose_name = "Pemantauan nasional"
    # The read model is one set of tables for the whole country (docs/decisions/0009).
    scope = "public"
