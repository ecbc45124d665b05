"""What the account and allauth keep about a person, for export and erasure (UU 27/2022).

The account row itself is deleted last, by the last step of a deletion
(warga.data_rights.services); the erasers here remove what hangs off it and what would outlive
it (sessions, admin log text).
"""

from __future__ import annotations

import uuid
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import transaction

from warga.accounts.models import AccountAuditEvent, User
from warga.personal_data_registry import ERASED_USER_ID, personal_data_register


def _account(user_id: uuid.UUID) -> dict[str, Any]:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return {}
    return {
        "id": str(user.pk),
        "email": user.email,
        "telepon": user.phone,
        "telepon_terverifikasi": user.phone_verified,
        "nama_lengkap": user.full_name,
        "bahasa": user.language,
        "bergabung_pada": user.date_joined,
        "terakhir_masuk": user.last_login,
    }


def _account_erase(user_id: uuid.UUID) -> int:
    # The operator admin's history names the account in free text; keep the entry, not the name.
    user_type = ContentType.objects.get_for_model(User)
    return LogEntry.objects.filter(content_type=user_type, object_id=str(user_id)).update(
        object_id="", object_repr="(akun dihapus)", change_message=""
    )


def _email_addresses(user_id: uuid.UUID) -> dict[str, Any]:
    rows = EmailAddress.objects.filter(user_id=user_id).order_by("email")
    return {"alamat_email": [{"email": e.email, "terverifikasi": e.verified, "utama": e.primary} for e in rows]}


def _email_addresses_erase(user_id: uuid.UUID) -> int:
    deleted, _ = EmailAddress.objects.filter(user_id=user_id).delete()
    return deleted


def _sessions(user_id: uuid.UUID) -> dict[str, Any]:
    rows = UserSession.objects.filter(user_id=user_id).order_by("created_at")
    return {
        "sesi": [
            {"ip": s.ip, "peramban": s.user_agent, "dibuat_pada": s.created_at, "terakhir_aktif": s.last_seen_at}
            for s in rows
        ]
    }


def account_sessions_end(*, user_id: uuid.UUID) -> int:
    """Sign the account out on every device and host: each session allauth tracks for it (one
    per host signed in to) is deleted with its record. Returns how many there were."""
    keys = list(UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    _sessions_delete(keys)
    deleted, _ = UserSession.objects.filter(user_id=user_id).delete()
    return deleted


def _sessions_delete(session_keys: list[str]) -> None:
    """Delete these sessions wherever the session engine keeps them. The rows go in the caller's
    transaction. An engine that caches sessions (cached_db, with Redis) loses its copies now
    and again once the transaction commits: a request of one of these sessions that read the
    row before the commit would otherwise put it back in the cache, alive until it expires."""
    Session.objects.filter(session_key__in=session_keys).delete()
    prefix = getattr(import_module(settings.SESSION_ENGINE).SessionStore, "cache_key_prefix", None)
    if prefix is None or not session_keys:
        return
    cache = caches[settings.SESSION_CACHE_ALIAS]
    cached = [prefix + key for key in session_keys]
    cache.delete_many(cached)
    transaction.on_commit(lambda: cache.delete_many(cached))


def _sessions_erase(user_id: uuid.UUID) -> int:
    return account_sessions_end(user_id=user_id)


def _authenticators(user_id: uuid.UUID) -> dict[str, Any]:
    # Types and dates only: secrets and recovery codes never leave the server.
    rows = Authenticator.objects.filter(user_id=user_id).order_by("type")
    return {"verifikasi_dua_langkah": [{"jenis": a.type, "dibuat_pada": a.created_at} for a in rows]}


def _authenticators_erase(user_id: uuid.UUID) -> int:
    deleted, _ = Authenticator.objects.filter(user_id=user_id).delete()
    return deleted


def _social_accounts(user_id: uuid.UUID) -> dict[str, Any]:
    # Which outside accounts sign in to this one, not what the provider sent about the person
    # (extra_data) nor its tokens: those are credentials, not data about the person.
    rows = SocialAccount.objects.filter(user_id=user_id).order_by("provider", "date_joined")
    return {
        "akun_luar": [
            {"penyedia": a.provider, "uid": a.uid, "tersambung_pada": a.date_joined, "terakhir_masuk": a.last_login}
            for a in rows
        ]
    }


def _social_accounts_erase(user_id: uuid.UUID) -> int:
    # Deletes their tokens with them (foreign key with cascade).
    deleted, _ = SocialAccount.objects.filter(user_id=user_id).delete()
    return deleted


def _audit(user_id: uuid.UUID) -> dict[str, Any]:
    rows = AccountAuditEvent.objects.filter(user_id=user_id).order_by("at", "id")
    return {"perubahan_akun_oleh_operator": [{"jenis": e.kind, "rincian": e.detail, "pada": e.at} for e in rows]}


def _audit_erase(user_id: uuid.UUID) -> int:
    # The events stay (what the operator did), nobody is identifiable in them.
    changed = AccountAuditEvent.objects.filter(user_id=user_id).update(user_id=ERASED_USER_ID)
    return changed + AccountAuditEvent.objects.filter(actor_id=user_id).update(actor_id=ERASED_USER_ID)


def register() -> None:
    personal_data_register(
        name="accounts.audit", scope="public", personal_data_for=_audit, personal_data_erase=_audit_erase
    )
    personal_data_register(
        name="accounts.user", scope="public", personal_data_for=_account, personal_data_erase=_account_erase
    )
    personal_data_register(
        name="allauth.emailaddress",
        scope="public",
        personal_data_for=_email_addresses,
        personal_data_erase=_email_addresses_erase,
    )
    personal_data_register(
        name="allauth.usersessions", scope="public", personal_data_for=_sessions, personal_data_erase=_sessions_erase
    )
    personal_data_register(
        name="allauth.mfa",
        scope="public",
        personal_data_for=_authenticators,
        personal_data_erase=_authenticators_erase,
    )
    personal_data_register(
        name="allauth.socialaccount",
        scope="public",
        personal_data_for=_social_accounts,
        personal_data_erase=_social_accounts_erase,
    )
