from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenancy"
    scope = "public"

    def ready(self) -> None:
        from tenants import hosts

        hosts.connect_invalidation()
