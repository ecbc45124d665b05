"""Notifications to officials and citizens, per recipient and channel (tenant scope).

One row per (event, recipient, channel), made unique by `dedup_key`, so an event handled
twice (a retried task, an escalation run twice) never notifies anyone twice. Recipients are
accounts of the public schema, referenced by plain id.
"""

from __future__ import annotations

from django.db import models


class Channel(models.TextChoices):
    IN_APP = "in_app", "Di aplikasi"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"
    PUSH = "push", "Notifikasi peramban"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Menunggu dikirim"
    SENT = "sent", "Terkirim"
    FAILED = "failed", "Gagal"


class EventKind(models.TextChoices):
    REPORT_ROUTED = "report_routed", "Laporan baru untuk diketahui/ditangani"
    REPORT_RECEIVED = "report_received", "Laporan Anda diterima"
    REPORT_STATUS_CHANGED = "report_status_changed", "Status laporan Anda berubah"
    REPORT_ESCALATED = "report_escalated", "Laporan dieskalasi"
    DISPUTE_ESCALATED = "dispute_escalated", "Sanggahan warga diteruskan ke atasan"
    SURGE_DETECTED = "surge_detected", "Lonjakan laporan terdeteksi"
    REPORT_OFFERED = "report_offered", "Laporan ditawarkan meja triase nasional"
    REPORT_ASSIGNED = "report_assigned", "Laporan ditugaskan kepada Anda"
    REPORT_UNIT_TRANSFERRED = "report_unit_transferred", "Laporan dipindahkan ke unit Anda"


class Notification(models.Model):
    id = models.BigAutoField(primary_key=True)
    recipient_id = models.UUIDField()
    report_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    # What the message says: tracking number, statuses, deadlines (no report content).
    context = models.JSONField(default=dict)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    dedup_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "notifications_notification"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient_id"],
                name="notification_unread",
                condition=models.Q(channel="in_app", read_at__isnull=True),
            ),
            models.Index(fields=["recipient_id", "-created_at"], name="notification_recipient"),
            # The resend pass looks for queued rows never tried (notifications_resend_waiting).
            models.Index(fields=["created_at"], name="notification_waiting", condition=models.Q(status="queued")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.recipient_id} ({self.channel})"


class ChannelPreference(models.Model):
    """A person's choice of channels in this government. In-app is always on: it is the
    record of what happened, not an interruption."""

    user_id = models.UUIDField(primary_key=True)
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=False)
    whatsapp = models.BooleanField(default=False)
    push = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "notifications_channel_preference"

    def __str__(self) -> str:
        return f"{self.user_id}: email={self.email} sms={self.sms} whatsapp={self.whatsapp} push={self.push}"
