from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "warga.routing"
    label = "routing"
    verbose_name = "Aturan penerusan laporan dan eskalasi"
    scope = "tenant"

    def ready(self) -> None:
        # Here and not at the top: these modules read models, which are loaded only once
        # Django calls ready().
        from warga.reports.ports import report_ports_register
        from warga.routing import for_reports, personal_data

        personal_data.register()
        # Reports' services route through this hook: routing reads reports, so reports cannot
        # import routing (decision 0131).
        report_ports_register(routing=for_reports)
