"""The log of data-subject requests (UU 27/2022): what was asked, when, and when it was done.

The law gives the controller 3x24 hours. After an account is deleted its log rows keep no
account id, only `subject_digest`, a keyed hash of it: the person can still show that their
request was fulfilled, and nobody can read who they were from the log.
"""

from __future__ import annotations

from django.db import models


class DataRequestKind(models.TextChoices):
    EXPORT = "export", "Unduh data pribadi"
    DELETE = "delete", "Hapus akun"


class DataRequest(models.Model):
    user_id = models.UUIDField(null=True, blank=True, db_index=True)
    subject_digest = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=8, choices=DataRequestKind.choices)
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "personaldata_request"
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True) | models.Q(completed_at__gte=models.F("requested_at")),
                name="data_request_completed_after_requested",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.requested_at:%Y-%m-%d %H:%M}"
