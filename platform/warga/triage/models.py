"""The national triage desk's public rows (public scope): holds on reports at the desk and
offers of them to governments that became ready. The reports themselves stay in the national
government's schema; these rows are keyed by tracking number (docs/decisions/0012).

The tables kept the names they had when the desk lived in warga.national (decision 0110).
"""

from __future__ import annotations

from django.db import models


class TriageHold(models.Model):
    """A report the national triage desk set aside, with why; at most one active hold per
    report. The report itself stays in the national government's schema, where the hold and
    its release are also audit events (docs/decisions/0012)."""

    id = models.BigAutoField(primary_key=True)
    tracking_number = models.CharField(max_length=32)
    reason = models.TextField()
    held_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "national_triage_hold"
        ordering = ["-held_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tracking_number"], condition=models.Q(released_at__isnull=True), name="triage_hold_active_once"
            )
        ]
        indexes = [models.Index(fields=["tracking_number"], name="triage_hold_number")]

    def __str__(self) -> str:
        return f"{self.tracking_number} ditahan {self.held_at:%Y-%m-%d}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", "Menunggu keputusan"
    ACCEPTED = "accepted", "Diterima"
    DECLINED = "declined", "Ditolak"
    # The report left the desk another way (assigned, accepted elsewhere, held, closed).
    WITHDRAWN = "withdrawn", "Ditarik"


class Offer(models.Model):
    """A report waiting at the national triage desk, offered to a government that became
    ready and whose territory holds its village. Offered once per government (unique);
    its admin koordinator accepts it (the report is transferred there) or declines it with
    a reason (the report stays at the desk). Carries a PII-free summary of the report so the
    government decides without reading the desk's schema (docs/decisions/0012)."""

    id = models.BigAutoField(primary_key=True)
    tracking_number = models.CharField(max_length=32)
    government = models.ForeignKey("tenants.Government", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=OfferStatus.choices, default=OfferStatus.PENDING)
    type = models.CharField(max_length=24)
    category_code = models.CharField(max_length=40)
    district_code = models.CharField(max_length=8)
    village_code = models.CharField(max_length=13)
    report_created_at = models.DateTimeField()
    offered_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        db_table = "national_offer"
        ordering = ["offered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tracking_number", "government"], name="offer_once_per_government")
        ]
        indexes = [
            models.Index(fields=["government", "status", "offered_at"], name="offer_government_status"),
            models.Index(fields=["tracking_number", "status"], name="offer_number_status"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} -> {self.government_id} ({self.status})"
