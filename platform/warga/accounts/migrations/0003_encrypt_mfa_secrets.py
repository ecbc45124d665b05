"""Encrypt the TOTP secrets and recovery-code seeds stored before encryption at rest."""

from typing import Any

from django.db import migrations

from warga.accounts.mfa_adapter import ENCRYPTED_PREFIX, mfa_encrypt

_FIELDS = ("secret", "seed")


def _encrypt_plain(apps: Any, schema_editor: Any) -> None:
    authenticator = apps.get_model("mfa", "Authenticator")
    for row in authenticator.objects.all().iterator():
        data = dict(row.data)
        changed = False
        for field in _FIELDS:
            value = data.get(field)
            if isinstance(value, str) and not value.startswith(ENCRYPTED_PREFIX):
                data[field] = mfa_encrypt(value)
                changed = True
        codes = data.get("migrated_codes")
        if isinstance(codes, list) and any(not str(c).startswith(ENCRYPTED_PREFIX) for c in codes):
            data["migrated_codes"] = [c if str(c).startswith(ENCRYPTED_PREFIX) else mfa_encrypt(c) for c in codes]
            changed = True
        if changed:
            authenticator.objects.filter(pk=row.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_phone"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(_encrypt_plain, migrations.RunPython.noop, elidable=False)]
