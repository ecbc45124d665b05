"""Hostname -> government lookup, cached per process.

Every request needs it, so it must not cost a query each time (django-tenants#435, #481).
Entries expire after WARGA_HOST_CACHE_SECONDS; saving or deleting a Government or Domain
clears this process's cache at once, other processes catch up within the TTL.

Hits are bounded by the number of domains. Misses are not: every `<anything>.<base>` passes
ALLOWED_HOSTS, so a client inventing host names would grow the cache without end. Misses are
kept apart, at most MISSES_MAX of them, the oldest dropped first.
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


MISSES_MAX = 1024

_cache: dict[str, _Entry] = {}
# Insertion-ordered: the first key is the oldest miss.
_misses: dict[str, _Entry] = {}
_lock = threading.Lock()


def government_for_host(hostname: str) -> Government | None:
    """The government serving `hostname`, or None when no domain matches."""
    now = time.monotonic()
    entry = _cache.get(hostname) or _misses.get(hostname)
    if entry is not None and entry.expires_at > now:
        return entry.government
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    government = domain.tenant if domain is not None else None
    with _lock:
        fresh = _Entry(government, now + settings.WARGA_HOST_CACHE_SECONDS)
        if government is not None:
            _cache[hostname] = fresh
        else:
            _misses.pop(hostname, None)
            while len(_misses) >= MISSES_MAX:
                del _misses[next(iter(_misses))]
            _misses[hostname] = fresh
    return government


def cached_count() -> tuple[int, int]:
    """(hits, misses) held by this process, for tests and diagnostics."""
    return len(_cache), len(_misses)


def clear() -> None:
    with _lock:
        _cache.clear()
        _misses.clear()


def _on_change(**_kwargs: object) -> None:
    clear()


def connect_invalidation() -> None:
    for model in (Government, Domain):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"hosts-clear-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"hosts-clear-delete-{model.__name__}")
