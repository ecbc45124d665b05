"""allauth's MFA adapter: TOTP secrets and recovery-code seeds are encrypted at rest.

allauth stores them in `Authenticator.data` and passes them through the adapter's `encrypt`
and `decrypt` hooks. Fernet (AES-128-CBC with HMAC-SHA256) under keys derived with HKDF from
`WARGA_MFA_ENCRYPTION_KEYS`: a database dump, a backup or the operator admin no longer shows
the secret that makes an official's codes.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Marks a stored value as ours, so a plain one (written before encryption) is never mistaken
# for a token.
ENCRYPTED_PREFIX = "fernet:"


def _fernet_key(secret: str) -> bytes:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"warga.mfa.secrets").derive(secret.encode())
    return base64.urlsafe_b64encode(key)


def mfa_cipher(secrets: Sequence[str] | None = None) -> MultiFernet:
    chosen = list(secrets if secrets is not None else settings.WARGA_MFA_ENCRYPTION_KEYS)
    if not chosen:
        raise ImproperlyConfigured("WARGA_MFA_ENCRYPTION_KEYS names no key.")
    return MultiFernet([Fernet(_fernet_key(secret)) for secret in chosen])


def mfa_encrypt(text: str, *, secrets: Sequence[str] | None = None) -> str:
    return ENCRYPTED_PREFIX + mfa_cipher(secrets).encrypt(text.encode()).decode()


def mfa_decrypt(stored: str, *, secrets: Sequence[str] | None = None) -> str:
    if not stored.startswith(ENCRYPTED_PREFIX):
        raise ValueError("An MFA secret is stored unencrypted; run the migrations.")
    try:
        return mfa_cipher(secrets).decrypt(stored.removeprefix(ENCRYPTED_PREFIX).encode()).decode()
    except InvalidToken as error:
        raise ValueError("An MFA secret cannot be decrypted with WARGA_MFA_ENCRYPTION_KEYS.") from error


class MfaAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return mfa_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_decrypt(encrypted_text)
