"""How many new reports one reporter, and one address, may send: the per-reporter windows
counted from the public index, and the per-IP budget. A retried submission (the same
idempotency key) is never refused by them."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, Value

from tenants.scope import any_scope
from warga.access.policy import api_key_of
from warga.accounts.models import User
from warga.errors import TooManyRequests
from warga.intake.models import ReferenceVersion, ReportIndex
from warga.intake.reference import reference_version
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


def _limits_for(acting_user: User) -> tuple[tuple[int, int], ...]:
    if api_key_of(acting_user) is not None:
        # An integrator's key files for many citizens through one account: it is throttled per
        # key by the API instead (WARGA_API_RATE_KEY), not as one citizen.
        return ()
    return tuple(getattr(settings, "WARGA_INTAKE_RATE_LIMITS", DEFAULT_RATE_LIMITS))


@dataclass(frozen=True)
class EarlierSubmissions:
    """What the public index says about a reporter's new submission, read before it is
    validated: whether the idempotency key was used already, and the reporter's newest reports
    (newest first) for the per-reporter windows. With them, intake's reference version, read in
    the same statement (the submission needs both, and each statement is a round trip)."""

    reference_key: tuple[int, uuid.UUID | None]
    same_key: bool
    created_at: tuple[datetime, ...]
    limits: tuple[tuple[int, int], ...]


@any_scope
def earlier_submissions_read(*, acting_user: User, idempotency_key: str | None, now: datetime) -> EarlierSubmissions:
    """One indexed query serves the retry and the limit: the row of the key and the reporter's
    newest reports of the longest window, as many as the largest limit (a round trip costs more
    than a few extra rows), joined to intake's reference version (decision 0085) so that the
    reporter with no rows still gets the version. Counted from the index itself (exact across
    processes)."""
    limits = _limits_for(acting_user)
    longest = max((window_seconds for window_seconds, _ in limits), default=0)
    wanted = Q(created_at__gt=now - timedelta(seconds=longest)) if limits else Q()
    is_same_key: Value | ExpressionWrapper = Value(False)
    if idempotency_key is not None:
        same_key = Q(idempotency_key=idempotency_key)
        wanted = (wanted | same_key) if limits else same_key
        is_same_key = ExpressionWrapper(same_key, output_field=BooleanField())
    elif not limits:
        return EarlierSubmissions(reference_key=reference_version(), same_key=False, created_at=(), limits=())
    rows = (
        ReportIndex.objects.filter(index_rows_of(acting_user.pk))
        .filter(wanted)
        .annotate(is_same_key=is_same_key)
        .order_by("-is_same_key", "-created_at")
        .values_list("is_same_key", "created_at")[: 1 + max((limit for _, limit in limits), default=0)]
    )
    rows_sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT reference.tableoid::bigint, reference.version, recent.is_same_key, recent.created_at "
            f"FROM public.{ReferenceVersion._meta.db_table} AS reference LEFT JOIN LATERAL ({rows_sql}) AS recent ON true",
            params,
        )
        fetched = cursor.fetchall()
    if fetched:
        reference_key: tuple[int, uuid.UUID | None] = (int(fetched[0][0]), fetched[0][1])
        found = [(same, created_at) for _, _, same, created_at in fetched if created_at is not None]
    else:  # no version row (never written since the schema was built): as intake.reference does
        reference_key = reference_version()
        found = list(rows)
    return EarlierSubmissions(
        reference_key=reference_key,
        same_key=bool(found and found[0][0]),
        created_at=tuple(created_at for _, created_at in found),
        limits=limits,
    )


@any_scope
def earlier_submissions_check(earlier: EarlierSubmissions, *, now: datetime) -> None:
    """Raise RateLimited when a window already holds as many new reports as it allows: the
    n-th newest report inside a window decides, and tells when a slot frees up."""
    longest = max((window_seconds for window_seconds, _ in earlier.limits), default=0)
    newest_first = [created_at for created_at in earlier.created_at if created_at > now - timedelta(seconds=longest)]
    for window_seconds, limit in earlier.limits:
        since = now - timedelta(seconds=window_seconds)
        inside = [created_at for created_at in newest_first if created_at > since]
        if len(inside) >= limit:
            oldest_counted = inside[limit - 1]
            retry_after = math.ceil((oldest_counted + timedelta(seconds=window_seconds) - now).total_seconds())
            raise RateLimited(limit=limit, window_seconds=window_seconds, retry_after=max(1, retry_after))


def _rate_limit_check(*, acting_user: User, now: datetime) -> None:
    """The per-reporter limit alone (see earlier_submissions_read); no query without limits."""
    if not _limits_for(acting_user):
        return
    earlier_submissions_check(earlier_submissions_read(acting_user=acting_user, idempotency_key=None, now=now), now=now)


@any_scope
def submission_ip_budget_spend(*, ip_key: str | None) -> int:
    """Spend one unit of the per-IP budget for new reports (`warga.web.client_ip.ip_budget_key`
    of the request); 0 when allowed, else the seconds until one frees up. Spent by every attempt,
    valid or not, in the `shared` cache: one budget whichever government the reports go to. The
    API and the report wizard both call it before `report_submit`."""
    limit = Limit(amount=settings.WARGA_INTAKE_IP_LIMIT, seconds=settings.WARGA_INTAKE_IP_WINDOW_SECONDS)
    decision = rate_limit_consume(action="report_submit", account_id=None, ip=ip_key, per_account=limit, per_ip=limit)
    return 0 if decision.allowed else max(1, decision.retry_after)
