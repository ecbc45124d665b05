from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "warga.intake"
    label = "intake"
    verbose_name = "Penerimaan laporan dan indeks nasional"
    scope = "public"

    def ready(self) -> None:
        # Here and not at the top: these modules read models, which are loaded only once
        # Django calls ready().
        from warga.intake import for_reports, personal_data
        from warga.reports.ports import report_ports_register

        personal_data.register()
        # Reports' services keep the public index in step through this hook: intake reads
        # reports, so reports cannot import intake (decision 0131).
        report_ports_register(index=for_reports)
