"""The tenant registry: one row per regional government, each with its own schema.

A government is identified by its Kemendagri code (`31` DKI Jakarta, `32.73` Kota Bandung),
never by its name: names change (DKI -> DKJ), codes are what the reference data keys on.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Level(models.TextChoices):
    NATIONAL = "national", "Nasional"
    PROVINCE = "province", "Provinsi"
    REGENCY = "regency", "Kabupaten"
    CITY = "city", "Kota"
    TEMPLATE = "template", "Templat (tersembunyi)"


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", "WIB (UTC+7)"
    WITA = "Asia/Makassar", "WITA (UTC+8)"
    WIT = "Asia/Jayapura", "WIT (UTC+9)"


code_validator = RegexValidator(
    r"^\d{2}(\.\d{2})?$",
    "Kode wilayah harus berbentuk PP (provinsi) atau PP.KK (kabupaten/kota).",
)


class Government(TenantMixin):
    """A regional government (pemerintah daerah), the national government, or the template."""

    code = models.CharField(
        max_length=5,
        unique=True,
        null=True,
        blank=True,
        validators=[code_validator],
        help_text="Kemendagri code; empty only for the national government and the template.",
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=63, unique=True)
    level = models.CharField(max_length=16, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    time_zone = models.CharField(max_length=32, choices=TimeZone.choices, default=TimeZone.WIB)
    is_ready = models.BooleanField(
        default=False, help_text="Served and sent tasks only once its schema is migrated and seeded."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    # Tenants are cloned from the template structure only; their data is seeded afterwards.
    clone_mode = "NODATA"
    # Schemas are built explicitly by tenants.services.government_build_schema, which can
    # resume after a crash; a plain save() never runs DDL.
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        db_table = "tenants_government"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=["template", "national"]) | models.Q(code__isnull=False),
                name="government_regional_has_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code or self.level})"


class Domain(DomainMixin):
    class Meta:
        db_table = "tenants_domain"
