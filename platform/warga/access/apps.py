from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "warga.access"
    label = "access"
    verbose_name = "Akses (masuk lintas host, MFA petugas, batas laju)"
    scope = "public"

    def ready(self) -> None:
        from django.contrib import admin

        # Registers the deployment checks, and connects the receiver that counts a TOTP
        # activation as this session's second step.
        from warga.access import checks, mfa  # noqa: F401
        from warga.access.operator import operator_admin_secure

        operator_admin_secure(admin.site)
