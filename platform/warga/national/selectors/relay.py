"""How fresh the read model is: the relay's lag over its recent batches, and the governments
whose relay is stalled on an event (docs/decisions/0009)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tenants.models import Government, Level
from tenants.scope import any_scope
from warga.national.models import (
    RelayBatch,
    RelaySource,
)

FRESHNESS_WINDOW = timedelta(minutes=15)
# Above this p95 lag the national host's /healthz fails its "national" check.
FRESHNESS_LAG_LIMIT_SECONDS = 60.0


# Above this many failed runs in a row on the same outbox event a government's relay counts
# as stalled: /healthz of the national host fails and the dashboard names it. Beat sends the
# relay every 15 s, so three runs are well under a minute of a relay not moving.
RELAY_STALL_AFTER_FAILURES = 3


@any_scope
def relays_stalled(
    *, after_failures: int = RELAY_STALL_AFTER_FAILURES, province_code: str | None = None
) -> list[dict[str, Any]]:
    """Governments whose relay keeps failing on the same outbox event, longest stuck first;
    with `province_code`, only the province and its kabupaten/kota."""
    stuck = RelaySource.objects.filter(failing_event_id__isnull=False, failures__gte=after_failures)
    if province_code is not None:
        stuck = stuck.filter(Q(source_code=province_code) | Q(source_code__startswith=f"{province_code}."))
    sources = list(stuck.order_by("failing_since", "source_code"))
    if not sources:
        return []
    codes = [source.source_code for source in sources]
    names = dict(Government.objects.filter(code__in=codes).values_list("code", "name"))
    national = Government.objects.filter(level=Level.NATIONAL).values_list("name", flat=True).first()
    return [
        {
            "government_code": source.source_code,
            "government_name": names.get(source.source_code) or (national if source.source_code == "NAS" else "") or "",
            "event_id": source.failing_event_id,
            "error": source.failing_error,
            "failing_since": source.failing_since.isoformat() if source.failing_since else None,
            "failures": source.failures,
            "last_event_id": source.last_event_id,
        }
        for source in sources
    ]


@any_scope
def relay_freshness(*, window: timedelta = FRESHNESS_WINDOW, province_code: str | None = None) -> dict[str, Any]:
    """Lag between an outbox event's creation and its application, over the relay batches
    of the last `window`: p95 weighted by events (from each batch's own p95) and the maximum;
    and the governments whose relay is stalled on an event (with `province_code`, only that
    province's own: its overseers have no business with other governments' errors)."""
    since = timezone.now() - window
    batches = list(
        RelayBatch.objects.filter(finished_at__gte=since).values_list("events", "lag_p95_seconds", "lag_max_seconds")
    )
    last = RelayBatch.objects.order_by("-finished_at").values_list("finished_at", flat=True).first()
    events = sum(count for count, _, _ in batches)
    p95: float | None = None
    if batches:
        covered = 0
        for count, lag, _ in sorted(batches, key=lambda batch: batch[1]):
            covered += count
            if covered >= 0.95 * events:
                p95 = lag
                break
    return {
        "window_seconds": int(window.total_seconds()),
        "batches": len(batches),
        "events": events,
        "lag_p95_seconds": None if p95 is None else round(p95, 3),
        "lag_max_seconds": round(max(b[2] for b in batches), 3) if batches else None,
        "last_batch_at": last.isoformat() if last else None,
        # A relay that keeps failing writes no batches: the lag above cannot show it.
        "stalled": relays_stalled(province_code=province_code),
    }
