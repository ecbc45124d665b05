"""The caches and the session engine, both decided by REDIS_URL.

In one place so that tests running with production's shape (Redis) build exactly what
config.settings builds.
"""

from __future__ import annotations

from typing import Any


def caches_for(redis_url: str) -> dict[str, dict[str, Any]]:
    """`default` keys are prefixed with the current schema; `shared` is one namespace for all
    tenants, for what must not multiply per tenant host (rate limits, sessions)."""
    if redis_url:
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    return {
        "default": backend
        | {"KEY_FUNCTION": "django_tenants.cache.make_key", "LOCATION": backend.get("LOCATION", "tenant")},
        "shared": backend | {"KEY_PREFIX": "shared", "LOCATION": backend.get("LOCATION", "shared")},
    }


def session_engine_for(redis_url: str) -> str:
    """With Redis, sessions are read from the cache and written through to the database (a
    Redis restart loses none); without it, from the database only: the local-memory cache is
    per process, and a session cached in one process would outlive its deletion in another
    (docs/decisions/0150)."""
    if redis_url:
        return "django.contrib.sessions.backends.cached_db"
    return "django.contrib.sessions.backends.db"
