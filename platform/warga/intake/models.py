"""The cross-tenant report index (public scope): tracking number -> owning government.

The report itself lives in its owner's schema; this row is how the shared citizen app finds
it (lookup by tracking number, "my reports" across every government) without walking
schemas, and how a repeated submission with the same idempotency key is recognised.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from warga.reports.lifecycle import OPEN_STATUSES

OPEN_STATUS_VALUES = sorted(status.value for status in OPEN_STATUSES)


class ReportIndex(models.Model):
    id = models.BigAutoField(primary_key=True)
    tracking_number = models.CharField(max_length=32, unique=True)
    government = models.ForeignKey("tenants.Government", on_delete=models.PROTECT, related_name="+")
    # The report's id inside the owner's schema (no constraint can reach across schemas).
    report_id = models.BigIntegerField()
    # Null once the reporter deleted their account (UU 27/2022): the report stays, anonymous.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For `rahasia` reports, instead of `reporter`: a keyed hash of the reporter's account id
    # (warga.intake.reporters, docs/decisions/0029). Empty otherwise, and once erased.
    reporter_digest = models.CharField(max_length=64, blank=True, default="")
    idempotency_key = models.CharField(max_length=64)
    # SHA-256 of the submitted fields: the same key with different content is refused.
    request_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    # The public map's copy of the report (PII-free, see docs/decisions/0010): written with the
    # report and kept in step by every service that changes its status, in the same
    # transaction. Location only for reports the public may see: null for `rahasia`.
    type = models.CharField(max_length=24, default="")
    category_code = models.CharField(max_length=40, default="")
    privacy = models.CharField(max_length=8, default="")
    status = models.CharField(max_length=16, default="")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "intake_report_index"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reporter", "idempotency_key"], name="report_index_idempotency"),
            models.UniqueConstraint(
                fields=["reporter_digest", "idempotency_key"],
                name="report_index_idempotency_digest",
                condition=~models.Q(reporter_digest=""),
            ),
            # The public index never names the reporter of a rahasia report.
            models.CheckConstraint(
                condition=~models.Q(privacy="rahasia") | models.Q(reporter__isnull=True),
                name="report_index_rahasia_unnamed",
            ),
            models.UniqueConstraint(fields=["government", "report_id"], name="report_index_government_report"),
        ]
        indexes = [
            models.Index(fields=["reporter", "-created_at"], name="report_index_reporter_recent"),
            models.Index(
                fields=["reporter_digest", "-created_at"],
                name="report_index_digest_recent",
                condition=~models.Q(reporter_digest=""),
            ),
            # The map's bounding-box query: a range on latitude walks this index, longitude is
            # checked inside it. Rows without a location (rahasia) are not in it at all.
            models.Index(
                fields=["latitude", "longitude"],
                name="report_index_map",
                condition=models.Q(latitude__isnull=False),
            ),
            # The map's default question (open reports) on an index holding only those: about
            # twice as fast on a million rows (docs/decisions/0010). The feed asks with this
            # exact sorted list, so the planner can prove the index applies.
            models.Index(
                fields=["latitude", "longitude"],
                include=["created_at"],
                name="report_index_map_open",
                condition=models.Q(latitude__isnull=False, status__in=OPEN_STATUS_VALUES),
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number


# The map's counts per grid cell (decision 0035), at two precomputed levels: 2**-8 degree
# (~430 m) and 2**-5 degree (~3.5 km). Kept by a trigger on the index table, in the same
# transaction as every insert, status change, move or delete of an index row, whichever code
# path (or SQL) makes it; `rahasia` rows and rows without a location are never counted.
MAP_CELL_LEVELS = (5, 8)


class MapCell(models.Model):
    id = models.BigAutoField(primary_key=True)
    level = models.PositiveSmallIntegerField()
    # floor(latitude * 2**level), floor(longitude * 2**level)
    cell_row = models.IntegerField()
    cell_col = models.IntegerField()
    status = models.CharField(max_length=16)
    category_code = models.CharField(max_length=40)
    reports = models.IntegerField(default=0)
    latitude_sum = models.FloatField(default=0)
    longitude_sum = models.FloatField(default=0)

    class Meta:
        db_table = "intake_map_cell"
        constraints = [
            models.UniqueConstraint(
                fields=["level", "cell_row", "cell_col", "status", "category_code"], name="map_cell_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}:{self.cell_row},{self.cell_col} {self.status} {self.category_code} = {self.reports}"


class ReferenceVersion(models.Model):
    """The version of the public reference data intake reads for every submission (categories
    and their questions, villages, the ready governments): one row, given a new random value by
    a database trigger on each of those tables in the same transaction as the write (migration
    0007, docs/decisions/0085). `warga.intake.reference` keeps what it read per process under
    this value; never written by code."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.UUIDField()
    changed_at = models.DateTimeField()

    class Meta:
        db_table = "intake_reference_version"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_reference_version")]

    def __str__(self) -> str:
        return str(self.version)
