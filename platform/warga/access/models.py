"""API keys for other systems (SP4N-LAPOR!, a government's own app, a call centre).

A key belongs to one government and works only on that government's host (the national
government's keys also on the public host, where the national intake is). Its secret is
shown once; the row keeps a lookup prefix and an HMAC of the secret (docs/decisions/0049).
Each key acts through its own service account, so every report it files or changes carries
an actor like any other, and its rights come from its scopes in `warga.access.policy`.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class ApiScope(models.TextChoices):
    REPORTS_READ = "reports:read", "Membaca laporan (read reports)"
    REPORTS_SUBMIT = "reports:submit", "Mengirim laporan (submit reports)"
    REPORTS_STATUS = "reports:status", "Mengubah status laporan (update status)"


class ApiKey(models.Model):
    government = models.ForeignKey("tenants.Government", on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="Who uses it, e.g. 'SP4N-LAPOR! Kota Bandung'.")
    # Public part of the key, its first characters: finds the row without scanning hashes.
    prefix = models.CharField(max_length=16, unique=True)
    # HMAC-SHA256 of the whole key under a key derived from SECRET_KEY, hex.
    secret_hash = models.CharField(max_length=64)
    scopes = ArrayField(models.CharField(max_length=20, choices=ApiScope.choices))
    # The account the key acts as (never signs in: no usable password, no session).
    account = models.OneToOneField("accounts.User", on_delete=models.PROTECT, related_name="api_key")
    created_by_id = models.UUIDField(null=True, blank=True, help_text="Empty when the operator made it.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(scopes=[]), name="access_apikey_has_a_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
