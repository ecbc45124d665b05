from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "warga.organization"
    label = "organization"
    verbose_name = "Organisasi perangkat daerah"
    scope = "tenant"
