from django.apps import AppConfig


class WebConfig(AppConfig):
    """What every request passes through before a view decides anything, and nothing more: the
    body size limit, the client's address behind our proxies, rate limits, which host is
    Warga's and where its central sign-in host is, the hand-off of a signed-in account to a
    government host, and whether this session typed its TOTP code. No models; who may do what
    is `warga.access`, which reads the session's TOTP state from here (docs/decisions/0120)."""

    name = "warga.web"
    label = "web"
    verbose_name = "Web (jalur permintaan: batas ukuran, IP klien, batas laju, masuk lintas host)"
    scope = "public"

    def ready(self) -> None:
        # Here and not at the top: both modules import allauth's models, loaded only once
        # Django calls ready(). Importing them registers the deployment checks and connects the
        # receiver that counts a TOTP activation as this session's second step.
        from warga.web import checks, mfa  # noqa: F401
