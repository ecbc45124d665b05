"""A worker bootstep that records a heartbeat in the public schema every few seconds.

`/healthz` reads it; a broker-independent signal (the filesystem broker has no remote
control), so the check means the same thing with every broker.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import bootsteps

logger = logging.getLogger(__name__)


def heartbeat_record(*, hostname: str, started_at: Any) -> None:
    # Imported here, unavoidably: config.celery imports this module before Django's apps are
    # loaded, and models cannot be imported until they are.
    from django.db import close_old_connections
    from django.utils import timezone

    from tenants.context import public_context
    from warga.health.models import WorkerHeartbeat

    close_old_connections()
    with public_context():
        WorkerHeartbeat.objects.update_or_create(
            hostname=hostname,
            defaults={"pid": os.getpid(), "started_at": started_at, "beat_at": timezone.now()},
        )


class HeartbeatStep(bootsteps.StartStopStep):
    requires = ("celery.worker.components:Timer",)

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.tref: Any = None

    def start(self, worker: Any) -> None:
        from django.conf import settings
        from django.utils import timezone

        started_at = timezone.now()

        def beat() -> None:
            try:
                heartbeat_record(hostname=worker.hostname, started_at=started_at)
            except Exception:  # a database hiccup must not kill the worker's timer
                logger.exception("could not record the worker heartbeat")

        beat()
        self.tref = worker.timer.call_repeatedly(settings.WARGA_HEARTBEAT_SECONDS, beat)

    def stop(self, worker: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()


def metrics_server_start(**kwargs: Any) -> None:
    """worker_init: serve this worker's metrics on WARGA_METRICS_PORT (when set), summed over
    its child processes when PROMETHEUS_MULTIPROC_DIR is shared with them."""
    from django.conf import settings
    from prometheus_client import REGISTRY, CollectorRegistry, multiprocess, start_http_server

    port = settings.WARGA_METRICS_PORT
    if not port:
        return
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr=settings.WARGA_METRICS_ADDRESS, registry=registry)
    logger.info("metrics on %s:%s", settings.WARGA_METRICS_ADDRESS, port)


def metrics_process_dead(pid: int | None = None, **kwargs: Any) -> None:
    """worker_process_shutdown: a child's live gauges leave the shared directory with it."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())
