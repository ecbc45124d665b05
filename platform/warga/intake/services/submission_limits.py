"""How many new reports one reporter, and one address, may send: the per-reporter windows
counted from the public index, and the per-IP budget. A retried submission (the same
idempotency key) is never refused by them."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Q, Value

from tenants.scope import any_scope
from warga.access.policy import api_key_of
from warga.accounts.models import User
from warga.errors import TooManyRequests
from warga.intake.models import ReportIndex
from warga.intake.reporters import index_rows_of
from warga.web.ratelimit import Limit, rate_limit_consume

# (window in seconds, most new reports per reporter in it). One account posting 10-20 a day
# flooded Qlue's queues; "saya juga" is the answer for the same problem seen again.
DEFAULT_RATE_LIMITS: tuple[tuple[int, int], ...] = ((3600, 10), (86400, 30))


class RateLimited(TooManyRequests):
    """The reporter sent as many new reports as a window allows; `retry_after` in seconds."""

    def __init__(self, *, limit: int, window_seconds: int, retry_after: int) -> None:
        window = "jam" if window_seconds <= 3600 else "hari"
        super().__init__(
            f"Batas {limit} laporan baru per {window} sudah tercapai. Coba lagi dalam {_minutes(retry_after)} menit, "
            'atau dukung laporan yang sudah ada dengan "saya juga".',
            retry_after=retry_after,
        )


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def _earlier_submission(*, acting_user: User, idempotency_key: str | None, now: datetime) -> ReportIndex | None:
    """The reporter's report under `idempotency_key`, if there is one (a retry, answered with
    the first submission and never refused); else the per-reporter limit on new reports, which
    raises RateLimited. One indexed query serves both: the row of the key and the reporter's
    newest reports of the longest window, as many as the largest limit (each submission pays
    for this, and a round trip costs more than a few extra rows). Counted from the index itself
    (exact across processes): the n-th newest report inside a window decides, and tells when a
    slot frees up."""
    limits = getattr(settings, "WARGA_INTAKE_RATE_LIMITS", DEFAULT_RATE_LIMITS)
    if api_key_of(acting_user) is not None:
        # An integrator's key files for many citizens through one account: it is throttled per
        # key by the API instead (WARGA_API_RATE_KEY), not as one citizen.
        limits = ()
    longest = max((window_seconds for window_seconds, _ in limits), default=0)
    wanted = Q(created_at__gt=now - timedelta(seconds=longest)) if limits else Q()
    is_same_key: Value | ExpressionWrapper = Value(False)
    if idempotency_key is not None:
        same_key = Q(idempotency_key=idempotency_key)
        wanted = (wanted | same_key) if limits else same_key
        is_same_key = ExpressionWrapper(same_key, output_field=BooleanField())
    elif not limits:
        return None
    rows = list(
        ReportIndex.objects.select_related("government")
        .filter(index_rows_of(acting_user.pk))
        .filter(wanted)
        .annotate(is_same_key=is_same_key)
        .order_by("-is_same_key", "-created_at")[: 1 + max((limit for _, limit in limits), default=0)]
    )
    if rows and rows[0].is_same_key:
        return rows[0]
    newest_first = [row.created_at for row in rows if row.created_at > now - timedelta(seconds=longest)]
    for window_seconds, limit in limits:
        since = now - timedelta(seconds=window_seconds)
        inside = [created_at for created_at in newest_first if created_at > since]
        if len(inside) >= limit:
            oldest_counted = inside[limit - 1]
            retry_after = math.ceil((oldest_counted + timedelta(seconds=window_seconds) - now).total_seconds())
            raise RateLimited(limit=limit, window_seconds=window_seconds, retry_after=max(1, retry_after))
    return None


def _rate_limit_check(*, acting_user: User, now: datetime) -> None:
    """The per-reporter limit alone (see _earlier_submission)."""
    _earlier_submission(acting_user=acting_user, idempotency_key=None, now=now)


@any_scope
def submission_ip_budget_spend(*, ip_key: str | None) -> int:
    """Spend one unit of the per-IP budget for new reports (`warga.web.client_ip.ip_budget_key`
    of the request); 0 when allowed, else the seconds until one frees up. Spent by every attempt,
    valid or not, in the `shared` cache: one budget whichever government the reports go to. The
    API and the report wizard both call it before `report_submit`."""
    limit = Limit(amount=settings.WARGA_INTAKE_IP_LIMIT, seconds=settings.WARGA_INTAKE_IP_WINDOW_SECONDS)
    decision = rate_limit_consume(action="report_submit", account_id=None, ip=ip_key, per_account=limit, per_ip=limit)
    return 0 if decision.allowed else max(1, decision.retry_after)
