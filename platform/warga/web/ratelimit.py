"""Fixed-window rate limits per account and per IP, counted in the `shared` cache.

The `default` cache prefixes keys with the current schema, so a counter kept there would give
an attacker a fresh budget on every government host. The `shared` cache has one namespace for
all tenants: the same account or IP spends one budget wherever it comes from.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.http import HttpResponse, JsonResponse

# Named for the app the counters were first kept by; kept so a deploy resets no budget.
_PREFIX = "access:rate:"


@dataclass(frozen=True)
class Limit:
    """At most `amount` uses per `seconds`-long window."""

    amount: int
    seconds: int


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int  # seconds until the exhausted window ends; 0 when allowed


def _hit(*, key: str, limit: Limit, now: float) -> RateDecision:
    cache = caches["shared"]
    window = int(now // limit.seconds)
    window_key = f"{key}:{window}"
    # add() is a no-op when the key exists, so concurrent first hits do not reset each other.
    cache.add(window_key, 0, limit.seconds + 1)
    try:
        used = cache.incr(window_key)
    except ValueError:  # expired between add() and incr()
        cache.add(window_key, 1, limit.seconds + 1)
        used = 1
    if used <= limit.amount:
        return RateDecision(allowed=True, retry_after=0)
    return RateDecision(allowed=False, retry_after=max(1, math.ceil((window + 1) * limit.seconds - now)))


def rate_limit_consume(
    *,
    action: str,
    account_id: str | None,
    ip: str | None,
    per_account: Limit,
    per_ip: Limit,
    now: float | None = None,
) -> RateDecision:
    """Spend one use of `action` for the account and for the IP (each when given).

    Refused when either budget is exhausted; `retry_after` is the longer of the two waits.
    A refused attempt still counts, so hammering does not shorten the wait. `now` (a Unix
    time) is for tests."""
    now = time.time() if now is None else now
    decisions = []
    if account_id:
        decisions.append(_hit(key=f"{_PREFIX}{action}:account:{account_id}", limit=per_account, now=now))
    if ip:
        decisions.append(_hit(key=f"{_PREFIX}{action}:ip:{ip}", limit=per_ip, now=now))
    refused = [decision.retry_after for decision in decisions if not decision.allowed]
    if refused:
        return RateDecision(allowed=False, retry_after=max(refused))
    return RateDecision(allowed=True, retry_after=0)


def too_many_requests(*, retry_after: int, as_json: bool = False) -> HttpResponse:
    """A 429 that says, in Indonesian first, how long to wait; with the Retry-After header."""
    message = (
        f"Terlalu banyak percobaan. Silakan coba lagi dalam {retry_after} detik. "
        f"(Too many attempts. Please try again in {retry_after} seconds.)"
    )
    response: HttpResponse
    if as_json:
        response = JsonResponse({"detail": message, "retry_after": retry_after}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response
