"""A government's privacy settings (tenant scope): it is the data controller for the reports
made to it, and names its data protection officer (PPDP, UU 27/2022 Pasal 53)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models


class PrivacySettings(models.Model):
    """One row per government schema (enforced by the constant `singleton` key)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    dpo_name = models.CharField("nama PPDP", max_length=200, blank=True)
    dpo_email = models.EmailField("email PPDP", blank=True)
    dpo_phone = models.CharField("telepon PPDP", max_length=32, blank=True)
    retention_days = models.PositiveIntegerField(
        "masa simpan identitas pelapor (hari)",
        default=730,
        validators=[MinValueValidator(30)],
        help_text="After a report is closed this long, its reporter's identity is anonymised.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "privacy_settings"
        constraints = [models.CheckConstraint(condition=models.Q(singleton=True), name="privacy_settings_singleton")]

    def __str__(self) -> str:
        return self.dpo_name or "PPDP belum ditetapkan"
