"""Requests to join Warga from a government's representative, and their audit trail (public
schema). The government itself is made only when the operator approves a request
(warga.onboarding.services.joining): until then a request is a row here and nothing else.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from tenants.models import code_validator
from warga.append_only import AppendOnlyModel


class JoinStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Menunggu konfirmasi email"
    PENDING = "pending", "Menunggu keputusan operator"
    REFUSED = "refused", "Ditolak"
    PROVISIONING = "provisioning", "Sedang disiapkan"
    FAILED = "failed", "Penyiapan gagal"
    DONE = "done", "Selesai"


# A request in one of these holds its government: a second one is refused. Unconfirmed
# requests do not (anyone can type any address), nor refused ones.
HOLDING_STATUSES = (JoinStatus.PENDING, JoinStatus.PROVISIONING, JoinStatus.FAILED, JoinStatus.DONE)


class JoinStep(models.TextChoices):
    """What the provisioning task is doing, in order; `progress` is the share done."""

    QUEUED = "queued", "Menunggu giliran"
    REGISTER = "register", "Mendaftarkan pemerintah daerah"
    SCHEMA = "schema", "Membuat basis data"
    TERRITORY = "territory", "Menyiapkan wilayah dan unit kerja"
    OPEN = "open", "Membuka alamat"
    INVITE = "invite", "Mengundang admin koordinator"
    TRIAL = "trial", "Memulai masa uji coba"
    DONE = "done", "Selesai"


class JoinRequest(models.Model):
    """One representative's request that their government join Warga."""

    # The requester's status page is reached by this id (in the emailed links), never by pk.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region_code = models.CharField(max_length=5, validators=[code_validator], db_index=True)
    # The government's name as the reference data had it when the request was made.
    government_name = models.CharField(max_length=200)
    requester_name = models.CharField(max_length=200)
    requester_position = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    # The part after @, kept on its own so that the operator sees (and can filter by) the
    # domain to verify.
    email_domain = models.CharField(max_length=253, db_index=True)
    phone = models.CharField(max_length=20)
    note = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=16, choices=JoinStatus.choices, default=JoinStatus.UNCONFIRMED)
    step = models.CharField(max_length=16, choices=JoinStep.choices, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    refusal_reason = models.TextField(blank=True)
    # What went wrong in the last provisioning attempt (for the operator; the requester's page
    # names only the step).
    failure_reason = models.TextField(blank=True)
    failed_step = models.CharField(max_length=16, choices=JoinStep.choices, blank=True)
    # Port of the operator admin at approval (development: 8000), for the links in the
    # invitation email; empty in production.
    link_port = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_id = models.UUIDField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "onboarding_join_request"
        ordering = ["-created_at"]
        verbose_name = "permintaan bergabung"
        verbose_name_plural = "permintaan bergabung"
        constraints = [
            models.UniqueConstraint(
                fields=["region_code"],
                condition=models.Q(status__in=[status.value for status in HOLDING_STATUSES]),
                name="join_request_one_holding_per_region",
                violation_error_message="Sudah ada permintaan bergabung untuk pemerintah daerah ini.",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="join_request_progress_at_most_100"),
            models.CheckConstraint(
                condition=~models.Q(status=JoinStatus.REFUSED) | ~models.Q(refusal_reason=""),
                name="join_request_refused_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.government_name} ({self.region_code}) — {self.email}"

    @property
    def is_go_id(self) -> bool:
        """Whether the address is on a government domain (`.go.id`), which only governments get."""
        return self.email_domain == "go.id" or self.email_domain.endswith(".go.id")


class JoinEventKind(models.TextChoices):
    SUBMIT = "submit", "Diajukan"
    CONFIRM = "confirm", "Email dikonfirmasi"
    APPROVE = "approve", "Disetujui operator"
    RETRY = "retry", "Dicoba lagi oleh operator"
    REFUSE = "refuse", "Ditolak operator"
    PROVISION_DONE = "provision_done", "Penyiapan selesai"
    PROVISION_FAIL = "provision_fail", "Penyiapan gagal"


class JoinEvent(AppendOnlyModel):
    """Who did what to a join request, when: the operator's decisions with their reasons, and
    the outcome of each provisioning attempt. Written once, never changed."""

    id = models.BigAutoField(primary_key=True)
    request = models.ForeignKey(JoinRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=JoinEventKind.choices)
    # The operator (an account id); empty for the requester and for the provisioning task.
    actor_id = models.UUIDField(null=True, blank=True)
    detail = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "onboarding_join_event"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.request_id} @ {self.at:%Y-%m-%d %H:%M}"
