from __future__ import annotations

from warga.privacy.models import PrivacySettings


def privacy_settings_current() -> PrivacySettings:
    """The current government's settings; defaults (no DPO named yet) when none are saved."""
    return PrivacySettings.objects.first() or PrivacySettings()
