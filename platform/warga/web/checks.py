"""Deployment checks of our own, run by `manage.py check --deploy` next to Django's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks as django_checks
from django.core.checks import CheckMessage, Tags, register


@register(Tags.security, deploy=True)
def warga_deploy_checks(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.WARGA_MFA_ENCRYPTION_KEYS[:1] == [settings.SECRET_KEY]:
        problems.append(
            django_checks.Warning(
                "TOTP secrets are encrypted with a key derived from DJANGO_SECRET_KEY.",
                hint="Set WARGA_MFA_ENCRYPTION_KEYS (or WARGA_MFA_ENCRYPTION_KEYS_FILE) to a secret of its own, so "
                "that rotating the Django secret key does not lock every official out.",
                id="warga.W001",
            )
        )
    if not settings.WARGA_REPORT_INDEX_KEY_GIVEN:
        problems.append(
            django_checks.Warning(
                "The key of the rahasia report index is derived from DJANGO_SECRET_KEY.",
                hint="Set WARGA_REPORT_INDEX_KEY (or WARGA_REPORT_INDEX_KEY_FILE) to a secret of its own, so that "
                "rotating the Django secret key does not hide every citizen's rahasia reports from them "
                "(deploy/README.md, 'Rotating secrets').",
                id="warga.W003",
            )
        )
    if settings.WARGA_HTTPS:
        unprefixed = [
            name
            for name in ("SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "WARGA_HANDOFF_STATE_COOKIE")
            if not getattr(settings, name).startswith("__Host-")
        ]
        if unprefixed or settings.SESSION_COOKIE_DOMAIN or settings.CSRF_COOKIE_DOMAIN:
            problems.append(
                django_checks.Warning(
                    f"Cookies without the __Host- prefix or with a domain: {', '.join(unprefixed) or 'a domain is set'}.",
                    hint="Every Warga cookie is host-only (docs/decisions/0006); keep the defaults.",
                    id="warga.W002",
                )
            )
    return problems
