"""Hostname -> government lookup, cached per process.

Every request needs it, so it must not cost a query each time (django-tenants#435, #481).
Entries expire after WARGA_HOST_CACHE_SECONDS; saving or deleting a Government or Domain
clears this process's cache at once, other processes catch up within the TTL.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from tenants.models import Domain, Government


@dataclass(frozen=True)
class _Entry:
    government: Government | None
    expires_at: float


_cache: dict[str, _Entry] = {}
_lock = threading.Lock()


def government_for_host(hostname: str) -> Government | None:
    """The government serving `hostname`, or None when no domain matches."""
    now = time.monotonic()
    entry = _cache.get(hostname)
    if entry is not None and entry.expires_at > now:
        return entry.government
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    government = domain.tenant if domain is not None else None
    with _lock:
        _cache[hostname] = _Entry(government, now + settings.WARGA_HOST_CACHE_SECONDS)
    return government


def clear() -> None:
    with _lock:
        _cache.clear()


def _on_change(**_kwargs: object) -> None:
    clear()


def connect_invalidation() -> None:
    for model in (Government, Domain):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"hosts-clear-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"hosts-clear-delete-{model.__name__}")
