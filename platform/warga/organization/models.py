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


class PositionKind(models.TextChoices):
    """Jabatan. The head of a region's government depends on its level; the rest are the same
    everywhere. What each may see and do is decided from these in one place (the permissions
    module of the routing work), never per region in code."""

    GUBERNUR = "gubernur", "Gubernur"
    BUPATI = "bupati", "Bupati"
    WALIKOTA = "walikota", "Wali Kota"
    WALIKOTA_ADMINISTRASI = "walikota_administrasi", "Wali Kota Administrasi"
    CAMAT = "camat", "Camat"
    LURAH = "lurah", "Lurah"
    KEPALA_DESA = "kepala_desa", "Kepala Desa"
    KEPALA_DINAS = "kepala_dinas", "Kepala Dinas / Badan"
    ADMIN_KOORDINATOR = "admin_koordinator", "Admin Koordinator"
    ADMIN_PENGHUBUNG = "admin_penghubung", "Admin Penghubung"
    PETUGAS_LAPANGAN = "petugas_lapangan", "Petugas Lapangan"
    PIMPINAN = "pimpinan", "Pimpinan (hanya baca)"
    PENGAWAS_NASIONAL = "pengawas_nasional", "Pengawas Nasional"


class Position(models.Model):
    """A seat in a unit (jabatan), held over time by people through memberships."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions")
    kind = models.CharField(max_length=32, choices=PositionKind.choices)
    title = models.CharField(max_length=200, help_text="e.g. Lurah Cihapit")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "organization_position"
        ordering = ["unit_id", "kind", "id"]
        indexes = [models.Index(fields=["kind", "unit"], name="position_kind_unit")]

    def __str__(self) -> str:
        return self.title


class Membership(models.Model):
    """A person holding a position from `starts_on` until `ends_on` (inclusive), possibly as
    acting holder (Pelaksana Tugas, Plt.). The account lives in the public schema: referenced by
    id only, without a database constraint."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="memberships")
    user_id = models.UUIDField(db_index=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    is_acting = models.BooleanField(default=False, help_text="Pelaksana Tugas (Plt.)")
    created_by_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "organization_membership"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.position_id}"
