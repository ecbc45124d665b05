from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "warga.regions"
    label = "regions"
    verbose_name = "Wilayah administrasi (Kemendagri)"
    scope = "public"

    def ready(self) -> None:
        # Here and not at the top: models are loaded only once Django calls ready().
        from django.db.models.signals import post_delete, post_save

        from warga.regions.models import District, Province, Regency
        from warga.regions.selectors import region_names_forget

        # A write in this process forgets its copy of the region names (decision 0170).
        for model in (Province, Regency, District):
            post_save.connect(region_names_forget, sender=model, dispatch_uid=f"region-names-{model.__name__}")
            post_delete.connect(region_names_forget, sender=model, dispatch_uid=f"region-names-{model.__name__}-gone")
