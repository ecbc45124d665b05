from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "warga.organization"
    label = "organization"
    verbose_name = "Organisasi perangkat daerah"
    scope = "tenant"

    def ready(self) -> None:
        from warga.organization import personal_data

        personal_data.register()
