"""Kemendagri administrative areas: reference data in the public schema.

Imported from the npm package `idn-area-data` (ODbL 1.0) by `manage.py import_regions`.
Tenant tables may reference these by code (they are small reference tables, allowed to
carry a database constraint under the Citus reference-table rule, see docs/architecture.md).
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models


class Province(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        db_table = "regions_province"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RegencyKind(models.TextChoices):
    KABUPATEN = "kabupaten", "Kabupaten"
    KOTA = "kota", "Kota"


class Regency(models.Model):
    """Kabupaten (KK 01-69) or kota (KK 71-99)."""

    code = models.CharField(max_length=5, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=RegencyKind.choices)

    class Meta:
        db_table = "regions_regency"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """Kecamatan (or distrik in Papua)."""

    code = models.CharField(max_length=8, primary_key=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(max_length=100)
    # Centre point where known; intake skips the distance check where it is not.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "regions_district"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class VillageKind(models.TextChoices):
    KELURAHAN = "kelurahan", "Kelurahan"
    DESA = "desa", "Desa"


class Village(models.Model):
    """Kelurahan (code X=1) or desa (X=2, and X=3 for the desa adat of Papua): `PP.KK.CC.XNNN`."""

    code = models.CharField(max_length=13, primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=VillageKind.choices)

    class Meta:
        db_table = "regions_village"
        ordering = ["code"]
        indexes = [GinIndex(name="village_name_trgm", fields=["name"], opclasses=["gin_trgm_ops"])]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    """One import of the reference data: which package version, when, and what it held."""

    version = models.CharField(max_length=50, help_text="e.g. idn-area-data@4.0.1")
    checksum = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the imported files.")
    provinces = models.PositiveIntegerField()
    regencies = models.PositiveIntegerField()
    districts = models.PositiveIntegerField()
    villages = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "regions_dataset"
        ordering = ["-imported_at"]
        get_latest_by = "imported_at"

    def __str__(self) -> str:
        return self.version


class PopulationLevel(models.TextChoices):
    PROVINCE = "province", "Provinsi"
    REGENCY = "regency", "Kabupaten/kota"
    DISTRICT = "district", "Kecamatan"


class Population(models.Model):
    """Inhabitants of one province, regency/city or district, as the operator loaded them
    from a published source (`manage.py import_population`): the rankings' per-100,000
    denominator. Warga ships no figures; a region without a row is ranked per report."""

    code = models.CharField(max_length=8, primary_key=True)
    level = models.CharField(max_length=10, choices=PopulationLevel.choices)
    population = models.PositiveBigIntegerField()
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=200, help_text='e.g. "BPS, Sensus Penduduk 2020"')
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "regions_population"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(population__gt=0), name="population_positive"),
            models.CheckConstraint(
                condition=models.Q(year__gte=1900, year__lte=2200), name="population_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.population} ({self.year})"


class Boundary(models.Model):
    """The outline of one province, regency/city or district, as the operator loaded it from
    a published source (`manage.py import_boundaries`), simplified for the web: outer rings
    only, [[lon, lat], ...] to four decimals. Warga ships none; without them the national
    dashboard draws its tile grid (docs/decisions/0043)."""

    code = models.CharField(max_length=8, primary_key=True)
    level = models.CharField(max_length=10, choices=PopulationLevel.choices)
    rings = models.JSONField()
    source = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "regions_boundary"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {len(self.rings)} ring(s)"
