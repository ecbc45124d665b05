"""Who is an official of a government: the facts `warga.access.policy` decides with.

An official is an account with an active membership (a position held today) in that
government's schema. Officials must have an activated TOTP authenticator (`allauth.mfa`)
before they may do anything. `is_staff`/`is_superuser` play no part: they open the operator
admin on the public host and nothing in a government.
"""

from __future__ import annotations

import uuid
from typing import Literal

from allauth.mfa.models import Authenticator

from tenants.context import government_context
from tenants.models import Government
from warga.access.facts import seats_held

Reason = Literal["anonymous", "not_official", "mfa_missing", "mfa_not_passed"]

MESSAGES: dict[Reason, str] = {
    "anonymous": "Silakan masuk terlebih dahulu. (Please sign in first.)",
    "not_official": (
        "Akun Anda tidak memegang jabatan aktif di pemerintah daerah ini, jadi tindakan ini tidak diizinkan. "
        "(Your account holds no active position in this government.)"
    ),
    "mfa_missing": (
        "Petugas wajib mengaktifkan verifikasi dua langkah (aplikasi autentikator) sebelum bertindak: "
        "buka Akun > Verifikasi dua langkah. "
        "(Officials must activate two-step verification with an authenticator app before acting.)"
    ),
    "mfa_not_passed": (
        "Sesi ini belum diverifikasi dengan kode dari aplikasi autentikator. Masukkan kode itu untuk melanjutkan. "
        "(This session has not been verified with a code from your authenticator app. Enter that code to go on.)"
    ),
}


def user_is_official(*, user_id: uuid.UUID, government: Government) -> bool:
    """Whether the person holds a seat today (in the government's own time zone), read in its
    schema."""
    with government_context(government):
        return bool(seats_held(government=government, user_id=user_id))


def user_has_totp(*, user_id: uuid.UUID) -> bool:
    return Authenticator.objects.filter(user_id=user_id, type=Authenticator.Type.TOTP).exists()


def official_requires_mfa(*, user: object, government: Government) -> bool:
    """True when `user` is an official of `government` and so must have MFA to act there."""
    user_id = getattr(user, "pk", None)
    if not getattr(user, "is_authenticated", False) or not isinstance(user_id, uuid.UUID):
        return False
    return user_is_official(user_id=user_id, government=government)
