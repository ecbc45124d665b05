"""The national category taxonomy: a small curated reference table in the public schema.

Every tenant maps these codes to its own units (the routing work); reports carry the code.
A category says how intake treats it: most go into a government's complaint queue, some are
forwarded to an external organisation (PLN, PDAM: forward, never close), and emergencies
(fire, crime) are referred to 112 and the police instead of being queued as complaints.
"""

from __future__ import annotations

from django.db import models

from warga.reports.models import Priority


class Handling(models.TextChoices):
    COMPLAINT = "complaint", "Ditangani pemerintah daerah"
    EXTERNAL_FORWARD = "external_forward", "Diteruskan ke organisasi eksternal"
    EMERGENCY_REFERRAL = "emergency_referral", "Keadaan darurat: rujuk ke 112 / kepolisian"


class Category(models.Model):
    code = models.SlugField(max_length=40, primary_key=True, allow_unicode=False)
    name_id = models.CharField("nama (Bahasa Indonesia)", max_length=120)
    name_en = models.CharField("name (English)", max_length=120)
    handler_hint = models.CharField(
        max_length=200, help_text="The usual handler; each government routes the code to its own unit."
    )
    handling = models.CharField(max_length=24, choices=Handling.choices, default=Handling.COMPLAINT)
    referral_id = models.CharField(
        max_length=300, blank=True, help_text="What the citizen is told to do instead (emergencies, external)."
    )
    # What a new report of this category starts with; officials change a report's own
    # priority, never this national default.
    default_priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = "taxonomy_category"
        ordering = ["sort_order", "code"]
        verbose_name = "kategori"
        verbose_name_plural = "kategori"

    def __str__(self) -> str:
        return self.name_id

    @property
    def accepts_reports(self) -> bool:
        return self.is_active and self.handling != Handling.EMERGENCY_REFERRAL
