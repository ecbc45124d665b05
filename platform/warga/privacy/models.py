"""A government's privacy settings (tenant scope): it is the data controller for the reports
made to it, and names its data protection officer (PPDP, UU 27/2022 Pasal 53)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from warga.organization.models import PositionKind


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
    identity_viewer_kind = models.CharField(
        "jabatan yang boleh melihat identitas pelapor laporan rahasia",
        max_length=32,
        choices=PositionKind.choices,
        default=PositionKind.ADMIN_KOORDINATOR,
        help_text="The one role that may reveal who sent a `rahasia` report; every view is logged.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "privacy_settings"
        constraints = [models.CheckConstraint(condition=models.Q(singleton=True), name="privacy_settings_singleton")]

    def __str__(self) -> str:
        return self.dpo_name or "PPDP belum ditetapkan"


class IdentityView(models.Model):
    """One look at the identity of a `rahasia` report's reporter: who, when, why. Written once."""

    id = models.BigAutoField(primary_key=True)
    report_id = models.BigIntegerField(db_index=True)
    tracking_number = models.CharField(max_length=32)
    # Accounts live in public: a plain id.
    actor_id = models.UUIDField()
    reason = models.CharField(max_length=500)
    viewed_at = models.DateTimeField()

    class Meta:
        db_table = "privacy_identity_view"
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.tracking_number} @ {self.viewed_at:%Y-%m-%d %H:%M}"
