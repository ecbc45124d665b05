"""A government's outbound webhooks (tenant scope): the endpoints its admin registered and
every delivery of an event to one of them.

A delivery row is written in the transaction of the report change it announces (the same
transaction as the report's outbox event), so an event is delivered if and only if the change
committed. Its body is stored as sent: every attempt, and a replay, sends the same bytes.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models


class Event(models.TextChoices):
    REPORT_CREATED = "report.created", "Laporan baru"
    REPORT_STATUS_CHANGED = "report.status_changed", "Status laporan berubah"
    REPORT_TRANSFERRED = "report.transferred", "Laporan dialihkan (bukan wewenang)"
    REPORT_RESOLVED = "report.resolved", "Laporan selesai ditangani"
    REPORT_DISPUTED = "report.disputed", "Warga menyanggah penyelesaian"
    # Only to an external organisation's endpoint: a report forwarded to it.
    REPORT_FORWARDED = "report.forwarded", "Laporan diteruskan ke organisasi eksternal"
    # Sent by the admin from the console to check an endpoint; never subscribed to.
    PING = "ping", "Uji koneksi"


# What a government's own endpoint may subscribe to.
GOVERNMENT_EVENTS = (
    Event.REPORT_CREATED,
    Event.REPORT_STATUS_CHANGED,
    Event.REPORT_TRANSFERRED,
    Event.REPORT_RESOLVED,
    Event.REPORT_DISPUTED,
)


class EndpointState(models.TextChoices):
    ACTIVE = "active", "Aktif"
    PAUSED = "paused", "Dijeda"


class Endpoint(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=100)
    url = models.CharField(max_length=2000)
    events = ArrayField(models.CharField(max_length=32), default=list)
    # Set: the webhook of an external organisation (a unit of kind `external`), which receives
    # the reports forwarded to it (`report.forwarded`) instead of an email.
    unit = models.ForeignKey("organization.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Fernet token of the signing secret (warga.webhooks.signing): needed in the clear to sign.
    secret_encrypted = models.TextField()
    state = models.CharField(max_length=8, choices=EndpointState.choices, default=EndpointState.ACTIVE)
    # The first failed attempt since the last success: paused after a day of failures.
    failing_since = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "webhooks_endpoint"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(unit__isnull=False), name="webhook_one_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Menunggu"
    DELIVERED = "delivered", "Terkirim"
    FAILED = "failed", "Gagal"


class Delivery(models.Model):
    id = models.BigAutoField(primary_key=True)
    # Sent as `Warga-Delivery`: the same on every attempt, for the receiver's idempotency.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=32, choices=Event.choices)
    # The event's id, in the body: shared by its deliveries to every endpoint and by replays.
    event_id = models.UUIDField()
    body = models.TextField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "webhooks_delivery"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_due", condition=models.Q(state="pending")),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint_id} ({self.state})"
