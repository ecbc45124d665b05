from __future__ import annotations

from django.db import transaction

from warga.privacy.models import PrivacySettings


def privacy_settings_update(
    *, dpo_name: str, dpo_email: str, dpo_phone: str = "", retention_days: int = 730
) -> PrivacySettings:
    """Create or replace the current government's privacy settings (validated first)."""
    with transaction.atomic():
        settings = PrivacySettings.objects.select_for_update().first() or PrivacySettings()
        settings.dpo_name = dpo_name
        settings.dpo_email = dpo_email
        settings.dpo_phone = dpo_phone
        settings.retention_days = retention_days
        settings.full_clean()
        settings.save()
        return settings
