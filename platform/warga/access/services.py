"""Writes of the access app: API keys, made and revoked by the operator or a government's admin
koordinator."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Government
from tenants.scope import any_scope
from warga.access.apikeys import api_key_generate, api_key_hash
from warga.access.models import ApiKey, ApiScope
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.errors import Invalid, NotFound


class ApiKeyInvalid(Invalid):
    """A key request refused; `message` says why in Bahasa Indonesia (then English)."""


class ApiKeyNotFound(NotFound):
    """No such key in this government (another government's key is not found either)."""

    default_message = _("No such API key.")


@dataclass(frozen=True)
class IssuedApiKey:
    """A key just made: `raw` is shown to its creator once and never stored."""

    key: ApiKey
    raw: str


@any_scope
def api_key_create(*, government: Government, name: str, scopes: list[str], acting_user: User | None) -> IssuedApiKey:
    """Make a key for `government` with `scopes`, acting through a new service account.

    `acting_user` must be allowed `api_keys.create` there (the admin koordinator, while the
    subscription covers premium features); None is the operator (management command or
    operator admin). ApiKeyInvalid for an empty name or an
    unknown or missing scope; nothing is written then."""
    if acting_user is not None:
        policy_require(actor=acting_user, government=government, action=Action.API_KEYS_CREATE)
    name = name.strip()
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if not name or len(name) > 100:
        raise ApiKeyInvalid("Nama kunci wajib diisi, paling banyak 100 huruf. (A name of at most 100 characters.)")
    if not scopes or unknown:
        raise ApiKeyInvalid(
            f"Pilih satu atau lebih hak akses: {', '.join(ApiScope.values)}. (Choose one or more scopes.)"
        )
    raw, prefix = api_key_generate()
    with transaction.atomic():
        account = User.objects.create_user(email=f"kunci-{prefix}@api.warga.invalid", password=None)
        key = ApiKey.objects.create(
            government=government,
            name=name,
            prefix=prefix,
            secret_hash=api_key_hash(raw),
            scopes=sorted(set(scopes)),
            account=account,
            created_by_id=acting_user.pk if acting_user is not None else None,
        )
    return IssuedApiKey(key=key, raw=raw)


@any_scope
def api_key_revoke(*, key_id: int, government: Government, acting_user: User | None) -> ApiKey:
    """Revoke one of `government`'s keys; refused at once on every host from then on. A key of
    another government is ApiKeyNotFound, as if it did not exist."""
    if acting_user is not None:
        policy_require(actor=acting_user, government=government, action=Action.API_KEYS_EDIT)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(pk=key_id, government=government).first()
        if key is None:
            raise ApiKeyNotFound("Kunci API tidak ditemukan. (No such API key.)")
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.revoked_by_id = acting_user.pk if acting_user is not None else None
            key.save(update_fields=["revoked_at", "revoked_by_id"])
            User.objects.filter(pk=key.account_id).update(is_active=False)
    return key


@any_scope
def api_key_mark_used(*, key: ApiKey) -> None:
    """Record that `key` was just used, at most once per WARGA_API_KEY_LAST_USED_SECONDS: a
    busy integrator must not turn every read into a write."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.WARGA_API_KEY_LAST_USED_SECONDS)
    if key.last_used_at is not None and key.last_used_at > stale:
        return
    ApiKey.objects.filter(pk=key.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)).update(
        last_used_at=now
    )
    key.last_used_at = now
