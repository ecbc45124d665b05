"""Prometheus metrics (docs/decisions/0065, deploy/README.md "Metrics").

Two kinds:

- **Counted where they happen**, in the process that does the work: request latency by view
  and host kind (`MetricsMiddleware`), reports submitted per government, notifications per
  channel and outcome, escalations per government, and each task's wait and run time per queue
  (Celery signals, connected in `HealthConfig.ready`); the counters other apps count are
  defined below every app, in `warga.counters`. With several processes (gunicorn
  workers, a prefork worker's children) set `PROMETHEUS_MULTIPROC_DIR` to a directory they share:
  prometheus_client then keeps each process's values in files there, and a scrape sums them.
- **Read when scraped**, because the source of truth is elsewhere: each queue's depth from the
  broker, and each government's relay lag from the relay's own batches (`ScrapeCollector`).

Labels are bounded: view names (URL pattern names, not paths), three host kinds, government
codes (at most ~550), the task queues, channels and outcomes.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import REGISTRY, Collector

# Registers the counters other apps count in this registry, so a scrape shows them (at zero)
# even in a process that has not counted one yet.
import warga.counters  # noqa: F401
from warga.national.models import RelayBatch, RelaySource
from warga.web.hosts import host_kind

logger = logging.getLogger(__name__)

REQUEST_SECONDS = Histogram(
    "warga_http_request_duration_seconds",
    "Time to answer a request, by view and host kind.",
    ["view", "host_kind", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASK_WAIT_SECONDS = Histogram(
    "warga_task_wait_seconds",
    "Time a task waited in its queue, from being sent to starting.",
    ["queue"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)
TASK_RUN_SECONDS = Histogram(
    "warga_task_run_seconds",
    "Time a task ran, by queue and task.",
    ["queue", "task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120),
)

# The relay's lag is read from its batches of this window; a government without a batch in it
# has nothing waiting (the relay writes a batch whenever it applies events).
RELAY_WINDOW = timedelta(minutes=15)


def _queue_depths() -> Iterator[tuple[str, int]]:
    with current_app.connection_for_read() as connection:
        channel: Any = connection.default_channel  # kombu's channels declare queues; its stubs say less
        for queue in settings.CELERY_TASK_QUEUES:
            try:
                declared = channel.queue_declare(queue=queue.name, passive=True)
            except Exception as error:
                logger.debug("queue %s not readable: %s", queue.name, error)
                yield queue.name, 0
                continue
            yield queue.name, int(declared.message_count)


class ScrapeCollector(Collector):
    """What is read at scrape time: queue depths from the broker, relay lag per government."""

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily("warga_queue_depth", "Messages waiting in each Celery queue.", labels=["queue"])
        try:
            for name, count in _queue_depths():
                depth.add_metric([name], count)
        except OSError as error:
            logger.warning("metrics: the broker did not answer: %s", error)
        yield depth

        lag = GaugeMetricFamily(
            "warga_relay_lag_seconds",
            "Largest outbox-to-read-model lag of each government's relay batches in the last 15 minutes.",
            labels=["government"],
        )
        since = timezone.now() - RELAY_WINDOW
        for code, seconds in (
            RelayBatch.objects.filter(finished_at__gte=since)
            .values("source_code")
            .annotate(worst=Max("lag_max_seconds"))
            .values_list("source_code", "worst")
        ):
            lag.add_metric([code], seconds)
        yield lag

        failures = GaugeMetricFamily(
            "warga_relay_failures",
            "Failed relay runs in a row on one outbox event, per government.",
            labels=["government"],
        )
        for code, count in RelaySource.objects.filter(failures__gt=0).values_list("source_code", "failures"):
            failures.add_metric([code], count)
        yield failures


def metrics_render() -> bytes:
    """The exposition text: every process's counters (multiprocess mode) plus the scrape-time
    readings."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    scraped = CollectorRegistry()
    scraped.register(ScrapeCollector())
    return generate_latest(registry) + generate_latest(scraped)


class MetricsMiddleware:
    """Times every request; the view is its URL pattern's name (or "unmatched")."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unmatched"
        REQUEST_SECONDS.labels(
            view=view,
            host_kind=host_kind(request),
            method=request.method or "",
            status=f"{response.status_code // 100}xx",
        ).observe(time.perf_counter() - started)
        return response


# --- Celery ---------------------------------------------------------------------------------

SENT_AT_HEADER = "warga_sent_at"


def task_sent_stamp(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """before_task_publish: the time the task left, for its wait time in the worker."""
    if headers is not None:
        headers[SENT_AT_HEADER] = time.time()


def task_started(task: Any = None, **kwargs: Any) -> None:
    """task_prerun: the wait since it was sent, and the start of its run."""
    if task is None:
        return
    request = task.request
    queue = (request.delivery_info or {}).get("routing_key") or "unknown"
    sent_at = request.get(SENT_AT_HEADER) if hasattr(request, "get") else None
    if isinstance(sent_at, (int, float)):
        TASK_WAIT_SECONDS.labels(queue=queue).observe(max(0.0, time.time() - sent_at))
    request.warga_started_at = time.perf_counter()


def task_finished(task: Any = None, **kwargs: Any) -> None:
    """task_postrun: the run time."""
    if task is None:
        return
    started = getattr(task.request, "warga_started_at", None)
    if started is None:
        return
    queue = (task.request.delivery_info or {}).get("routing_key") or "unknown"
    TASK_RUN_SECONDS.labels(queue=queue, task=task.name).observe(time.perf_counter() - started)
