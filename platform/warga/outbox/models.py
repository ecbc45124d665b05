"""Each government's outbox (tenant scope): facts for the national read model, written in the
transaction of the change they record and read by the national relay.

The table kept the name it had when the model lived in warga.reports (decision 0111).
"""

from __future__ import annotations

from django.db import models


class OutboxEvent(models.Model):
    """A fact for the national read model, written in the same transaction as the change.

    The national relay (warga.national.services.relay) drains rows with `relayed_at` null
    into the national read model with idempotent upserts. Payloads carry codes and statuses
    only: no description, no coordinates, no identity (UU 27/2022: the national level gets
    PII-free facts).
    """

    id = models.BigAutoField(primary_key=True)
    aggregate_type = models.CharField(max_length=32)
    aggregate_id = models.BigIntegerField()
    kind = models.CharField(max_length=64)
    payload = models.JSONField()
    created_at = models.DateTimeField()
    relayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reports_outbox"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], name="outbox_pending", condition=models.Q(relayed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.aggregate_type}:{self.aggregate_id}"
