"""How long until allauth's rate limits let a request through again.

allauth counts its limits (`ACCOUNT_RATE_LIMITS`) as lists of timestamps in the cache and raises
`RateLimited` without saying which limit or for how long. Warga answers an over-limit request
with 429 and a `Retry-After` a person can act on, so it reads the same counters, with allauth's
own key and rate functions (pinned allauth version), without spending anything.
"""

from __future__ import annotations

import math
import time

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import cache
from django.http import HttpRequest

# allauth's per-IP windows are a minute long: the wait to announce when the limit is unknown.
DEFAULT_RETRY_AFTER_SECONDS = 60


def allauth_limit_wait_seconds(
    request: HttpRequest, *, action: str, key: str | None = None, app: str = "allauth.account"
) -> int | None:
    """Seconds until every per-IP (and, with `key`, per-key) limit of `action` has room for one
    more request; None when there is room now. Per-user limits are not considered."""
    waits: list[float] = []
    now = time.time()
    for rate in allauth_ratelimit.get_rates(app=app, action=action):
        if rate.per == "user" or (rate.per == "key" and key is None):
            continue
        cache_key = allauth_ratelimit.get_cache_key(request, app=app, action=action, rate=rate, key=key)
        live = sorted((ts for ts in cache.get(cache_key, []) if ts > now - rate.duration), reverse=True)
        if len(live) >= rate.amount:
            # Room comes back when the amount-th most recent hit leaves the window.
            waits.append(live[rate.amount - 1] + rate.duration - now)
    if not waits:
        return None
    return max(1, math.ceil(max(waits)))
