from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "warga.routing"
    label = "routing"
    verbose_name = "Aturan penerusan laporan dan eskalasi"
    scope = "tenant"

    def ready(self) -> None:
        from warga.routing import personal_data

        personal_data.register()
