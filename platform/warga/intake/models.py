"""The cross-tenant report index (public scope): tracking number -> owning government.

The report itself lives in its owner's schema; this row is how the shared citizen app finds
it (lookup by tracking number, "my reports" across every government) without walking
schemas, and how a repeated submission with the same idempotency key is recognised.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportIndex(models.Model):
    id = models.BigAutoField(primary_key=True)
    tracking_number = models.CharField(max_length=32, unique=True)
    government = models.ForeignKey("tenants.Government", on_delete=models.PROTECT, related_name="+")
    # The report's id inside the owner's schema (no constraint can reach across schemas).
    report_id = models.BigIntegerField()
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=64)
    # SHA-256 of the submitted fields: the same key with different content is refused.
    request_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "intake_report_index"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reporter", "idempotency_key"], name="report_index_idempotency"),
            models.UniqueConstraint(fields=["government", "report_id"], name="report_index_government_report"),
        ]
        indexes = [models.Index(fields=["reporter", "-created_at"], name="report_index_reporter_recent")]

    def __str__(self) -> str:
        return self.tracking_number
