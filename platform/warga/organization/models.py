"""A government's organisational units (tenant scope).

Seeded at provisioning from the territory: the government itself, then for a province its
regencies/cities as areas, then kecamatan, then kelurahan/desa. Dinas, badan and external
organisations are added by the routing work. `region_code` is a plain reference to the
public reference data (no constraint), so the schema stays shardable.
"""

from __future__ import annotations

from django.db import models


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", "Pemerintah daerah"
    AREA = "area", "Wilayah (kabupaten/kota, kota administrasi)"
    KECAMATAN = "kecamatan", "Kecamatan"
    KELURAHAN = "kelurahan", "Kelurahan"
    DESA = "desa", "Desa"
    AGENCY = "agency", "Perangkat daerah (dinas, badan, Satpol PP)"
    EXTERNAL = "external", "Organisasi eksternal (PLN, PDAM, ...)"


class Unit(models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    kind = models.CharField(max_length=16, choices=UnitKind.choices)
    name = models.CharField(max_length=200)
    region_code = models.CharField(max_length=13, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "organization_unit"
        ordering = ["region_code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code"], condition=~models.Q(region_code=""), name="unit_region_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="government", parent__isnull=True) | ~models.Q(kind="government"),
                name="unit_government_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name
