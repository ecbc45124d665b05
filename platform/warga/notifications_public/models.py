"""Where a person can be reached, and where their notifications are (public schema).

`PushSubscription` is one browser's Web Push subscription (the `PushSubscription.toJSON()` a
page hands over): the push service's endpoint URL and the keys the message is encrypted to.
`NotificationGovernment` records that a government's schema holds notifications for a person,
so their notifications across governments are read from those schemas only, never by walking
every schema (docs/decisions/0013).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PushSubscription(models.Model):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # A capability URL: whoever knows it can push to that browser, so it is never shown back.
    endpoint = models.CharField(max_length=2000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=50)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "recipients_push_subscription"
        indexes = [models.Index(fields=["user"], name="push_subscription_user")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.endpoint[:60]}"


class NotificationGovernment(models.Model):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    government = models.ForeignKey("tenants.Government", on_delete=models.CASCADE, related_name="+")
    first_notified_at = models.DateTimeField()

    class Meta:
        db_table = "recipients_notification_government"
        constraints = [
            models.UniqueConstraint(fields=["user", "government"], name="notification_government_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.government_id}"
