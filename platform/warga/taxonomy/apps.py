from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "warga.taxonomy"
    label = "taxonomy"
    verbose_name = "Taksonomi kategori nasional"
    scope = "public"
