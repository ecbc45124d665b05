"""The signing secret of an endpoint: made, kept encrypted, and used to sign a delivery.

`Warga-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (docs/webhooks.md).
The secret must be usable in the clear to sign, so it is kept as a Fernet token under a key
derived (HKDF, its own `info`) from WARGA_MFA_ENCRYPTION_KEYS, the installation's keys for
secrets at rest: a database dump alone does not let anyone forge Warga's deliveries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as random_secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SECRET_PREFIX = "whsec_"  # noqa: S105 -- a label, not a secret
SIGNATURE_HEADER = "Warga-Signature"
EVENT_HEADER = "Warga-Event"
DELIVERY_HEADER = "Warga-Delivery"


def _cipher() -> MultiFernet:
    keys = []
    for key in settings.WARGA_MFA_ENCRYPTION_KEYS:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"warga.webhooks.secrets").derive(
            key.encode()
        )
        keys.append(Fernet(base64.urlsafe_b64encode(derived)))
    return MultiFernet(keys)


def secret_new() -> str:
    """A new signing secret: 256 random bits, shown to the admin once."""
    return SECRET_PREFIX + random_secrets.token_urlsafe(32)


def secret_encrypt(secret: str) -> str:
    return _cipher().encrypt(secret.encode()).decode()


def secret_decrypt(stored: str) -> str:
    try:
        return _cipher().decrypt(stored.encode()).decode()
    except InvalidToken as error:
        raise ValueError("A webhook secret cannot be decrypted with WARGA_MFA_ENCRYPTION_KEYS.") from error


def signature(*, secret: str, timestamp: int, body: str) -> str:
    """Hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`."""
    return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: str) -> str:
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"
