"""A government's organisational units (tenant scope).

Seeded at provisioning from the territory: the government itself, then for a province its
regencies/cities as areas, then kecamatan, then kelurahan/desa. Dinas, badan and external
organisations are added by the routing work. `region_code` is a plain reference to the
public reference data (no constraint), so the schema stays shardable.
"""

from __future__ import annotations

from django.db import models

from warga.append_only import AppendOnlyModel
from warga.seats import PositionKind


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", "Pemerintah daerah"
    AREA = "area", "Wilayah (kabupaten/kota, kota administrasi)"
    KECAMATAN = "kecamatan", "Kecamatan"
    KELURAHAN = "kelurahan", "Kelurahan"
    DESA = "desa", "Desa"
    AGENCY = "agency", "Perangkat daerah (dinas, badan, Satpol PP)"
    EXTERNAL = "external", "Organisasi eksternal (PLN, PDAM, ...)"


class Unit(models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    kind = models.CharField(max_length=16, choices=UnitKind.choices)
    name = models.CharField(max_length=200)
    region_code = models.CharField(max_length=13, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The last day an agency or external organisation existed (a dinas merged into another):
    # it stays for the history of the reports it handled, and takes nothing new.
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "organization_unit"
        ordering = ["region_code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code"], condition=~models.Q(region_code=""), name="unit_region_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="government", parent__isnull=True) | ~models.Q(kind="government"),
                name="unit_government_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A seat in a unit (jabatan), held over time by people through memberships."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions")
    kind = models.CharField(max_length=32, choices=PositionKind.choices)
    title = models.CharField(max_length=200, help_text="e.g. Lurah Cihapit")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "organization_position"
        ordering = ["unit_id", "kind", "id"]
        indexes = [models.Index(fields=["kind", "unit"], name="position_kind_unit")]

    def __str__(self) -> str:
        return self.title


class Membership(models.Model):
    """A person holding a position from `starts_on` until `ends_on` (inclusive), possibly as
    acting holder (Pelaksana Tugas, Plt.). The account lives in the public schema: referenced by
    id only, without a database constraint."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="memberships")
    user_id = models.UUIDField(db_index=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    is_acting = models.BooleanField(default=False, help_text="Pelaksana Tugas (Plt.)")
    created_by_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "organization_membership"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.position_id}"


class Invitation(models.Model):
    """An admin's invitation of an email address to a seat. Accepting it creates the
    membership; the token that proves receipt of the email is stored only as its SHA-256, so
    neither a database reader nor a backup can accept on the invitee's behalf."""

    id = models.BigAutoField(primary_key=True)
    email = models.EmailField(help_text="Stored lower-cased.")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="invitations")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    is_acting = models.BooleanField(default=False, help_text="Pelaksana Tugas (Plt.)")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    # Accounts live in public: plain ids, no constraint. Null: sent by the operator (the
    # first admin koordinator of a government, from the command line).
    invited_by_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField()
    send_count = models.PositiveSmallIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by_id = models.UUIDField(null=True, blank=True)
    membership = models.OneToOneField(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="invitation"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by_id = models.UUIDField(null=True, blank=True)

    class Meta:
        db_table = "organization_invitation"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="invitation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_accepted_or_revoked",
            ),
            # One open invitation per address and seat: a second one is a resend.
            models.UniqueConstraint(
                fields=["email", "position"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_open_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} -> {self.position_id}"


class OrganizationAction(models.TextChoices):
    UNIT_CREATE = "unit.create", "Unit dibuat"
    UNIT_RENAME = "unit.rename", "Unit diganti nama"
    UNIT_MOVE = "unit.move", "Unit dipindah"
    UNIT_END = "unit.end", "Unit diakhiri"
    POSITION_CREATE = "position.create", "Jabatan dibuat"
    POSITION_RENAME = "position.rename", "Jabatan diganti nama"
    MEMBERSHIP_END = "membership.end", "Keanggotaan diakhiri"
    MEMBERSHIP_ACTING = "membership.acting", "Status Plt. diubah"
    INVITATION_CREATE = "invitation.create", "Undangan dibuat"
    INVITATION_RESEND = "invitation.resend", "Undangan dikirim ulang"
    INVITATION_REVOKE = "invitation.revoke", "Undangan dibatalkan"
    INVITATION_ACCEPT = "invitation.accept", "Undangan diterima"
    PRIVACY_UPDATE = "privacy.update", "Pengaturan privasi diubah"
    BRANDING_UPDATE = "branding.update", "Tampilan diubah"


class OrganizationEvent(AppendOnlyModel):
    """The audit trail of changes to a government's organisation: who, what, and the fields
    that changed as `{"field": [before, after]}` (before is null on creation)."""

    id = models.BigAutoField(primary_key=True)
    actor_id = models.UUIDField(null=True, blank=True)
    action = models.CharField(max_length=32, choices=OrganizationAction.choices)
    object_id = models.BigIntegerField()
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "organization_event"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["action", "object_id"], name="organization_event_object")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_id}"


class Branding(models.Model):
    """How the government presents itself on its pages and in its emails: a display name (the
    official name when empty), a logo (checked like a citizen's photo, stored re-encoded as a
    PNG of at most 512 px a side) and a colour. One row per government schema."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    display_name = models.CharField(max_length=200, blank=True)
    # "#rrggbb", lower case; empty: Warga's own colour.
    colour = models.CharField(max_length=7, blank=True)
    logo = models.BinaryField(null=True, blank=True)
    logo_sha256 = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "organization_branding"
        constraints = [models.CheckConstraint(condition=models.Q(singleton=True), name="branding_singleton")]

    def __str__(self) -> str:
        return self.display_name or "(nama resmi)"
