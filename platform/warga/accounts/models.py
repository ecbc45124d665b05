"""One account per person, valid in every region. Lives in the public schema only.

Roles in a government are memberships in that government's schema (the routing issue); the
account itself carries no tenant. `is_staff` opens the operator admin on the public host and
nothing else.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from warga.append_only import AppendOnlyModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> User:
        if not email:
            raise ValueError("Alamat email wajib diisi.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)


class Language(models.TextChoices):
    INDONESIAN = "id", "Bahasa Indonesia"
    ENGLISH = "en", "English"


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    # E.164 (+62...). Unique: one number signs in to one account.
    phone = models.CharField(max_length=16, unique=True, null=True, blank=True)
    phone_verified = models.BooleanField(default=False)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.INDONESIAN)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May open the operator admin on the public host.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        db_table = "accounts_user"

    def __str__(self) -> str:
        return self.email


class AccountAuditEvent(AppendOnlyModel):
    """One change made to an account by someone else (the operator admin): who, what, when.
    Written once, never changed. The values themselves are not kept (personal data); the
    account's own records hold the new ones."""

    class Kind(models.TextChoices):
        CONTACT_CHANGED = "contact_changed", "Email atau telepon diubah operator"

    id = models.BigAutoField(primary_key=True)
    user_id = models.UUIDField(db_index=True)
    actor_id = models.UUIDField(null=True, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    detail = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_audit_event"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} @ {self.at:%Y-%m-%d %H:%M}"
