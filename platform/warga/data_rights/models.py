"""The log of data-subject requests (UU 27/2022): what was asked, when, and when it was done.

The law gives the controller 3x24 hours. After an account is deleted its log rows keep no
account id, only `subject_digest`, a keyed hash of it: the person can still show that their
request was fulfilled, and nobody can read who they were from the log.

A request is carried out by a task, one government at a time (warga.data_rights.services);
each government finished is a `DataRequestPart`, so a task resumed after a crash does not do
that government again.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from tenants.models import Government


class DataRequestKind(models.TextChoices):
    EXPORT = "export", "Unduh data pribadi"
    DELETE = "delete", "Hapus akun"


class DataRequestStatus(models.TextChoices):
    PENDING = "pending", "Menunggu diproses"
    RUNNING = "running", "Sedang diproses"
    DONE = "done", "Selesai"
    FAILED = "failed", "Gagal (akan dicoba lagi)"


class DataRequest(models.Model):
    user_id = models.UUIDField(null=True, blank=True, db_index=True)
    subject_digest = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=8, choices=DataRequestKind.choices)
    status = models.CharField(max_length=8, choices=DataRequestStatus.choices, default=DataRequestStatus.PENDING)
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # How many governments the task found to visit, for the progress shown to the person.
    governments_total = models.PositiveIntegerField(default=0)
    # An export's ZIP in the default storage, under a random name; empty once deleted.
    export_file = models.CharField(max_length=200, blank=True)
    export_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "personaldata_request"
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True) | models.Q(completed_at__gte=models.F("requested_at")),
                name="data_request_completed_after_requested",
            ),
            models.CheckConstraint(
                condition=models.Q(status=DataRequestStatus.DONE, completed_at__isnull=False)
                | (~models.Q(status=DataRequestStatus.DONE) & models.Q(completed_at__isnull=True)),
                name="data_request_done_when_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.requested_at:%Y-%m-%d %H:%M}"


class DataRequestPart(models.Model):
    """One government's share of a request, finished. An export keeps that government's data
    here until the ZIP is written (then emptied); a deletion keeps only the fact."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="parts")
    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    done_at = models.DateTimeField()

    class Meta:
        db_table = "personaldata_request_part"
        constraints = [
            models.UniqueConstraint(fields=["request", "government"], name="data_request_part_once_per_government")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} @ {self.government_id}"
