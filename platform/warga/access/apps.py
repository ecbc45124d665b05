from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who may do what: the policy (`warga.access.policy`), its gates for pages and the API
    (`guards`), the facts it decides with (`officials`), the operator admin's door
    (`operator`), and the API keys other systems act through. How a request reaches the
    policy (hosts, cross-host sign-in, the session's TOTP, rate limits) is `warga.web`."""

    name = "warga.access"
    label = "access"
    verbose_name = "Akses (siapa boleh apa, kunci API)"
    scope = "public"

    def ready(self) -> None:
        # Here and not at the top: the admin site and the policy's imports need every app's
        # models loaded, which is only true once Django calls ready().
        from django.contrib import admin

        from warga.access.operator import operator_admin_secure

        operator_admin_secure(admin.site)
