"""Writes of the access app: opening a government-host session from a hand-off; API keys."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Government
from warga.access.apikeys import api_key_generate, api_key_hash
from warga.access.handoff import handoff_redeem
from warga.access.mfa import session_mfa_record
from warga.access.middleware import CENTRAL_SESSION_KEY, central_session_exists
from warga.access.models import ApiKey, ApiScope
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.errors import Invalid, NotFound


class ApiKeyInvalid(Invalid):
    """A key request refused; `message` says why in Bahasa Indonesia (then English)."""


class ApiKeyNotFound(NotFound):
    """No such key in this government (another government's key is not found either)."""

    default_message = _("No such API key.")


def government_session_open(*, request: HttpRequest, token: str, state: str) -> User | None:
    """Sign the browser in on this government host with the account the central host handed
    over, if `token` is valid for this origin and for this browser (`state`, from its cookie)
    and the central session still exists. The new session has passed MFA if the central one
    had."""
    origin = f"{request.scheme}://{request.get_host()}"
    handoff = handoff_redeem(token=token, origin=origin, state=state)
    if handoff is None or not central_session_exists(handoff.central_session_key):
        return None
    user = User.objects.filter(pk=handoff.user_id, is_active=True).first()
    if user is None:
        return None
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[CENTRAL_SESSION_KEY] = handoff.central_session_key
    if handoff.mfa:
        session_mfa_record(request, via="handoff")
    return user


# --- API keys ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedApiKey:
    """A key just made: `raw` is shown to its creator once and never stored."""

    key: ApiKey
    raw: str


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
