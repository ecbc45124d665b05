"""Tasks of data-subject requests: they read the registry and the account in `public` and
visit each government themselves, so they run in `public` (PublicTask), whichever schema a
sender happened to be in."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from tenants.tasks import PublicTask

logger = logging.getLogger(__name__)

MAX_RETRIES = 8


@shared_task(
    bind=True,
    base=PublicTask,
    name="personaldata.request_run",
    acks_late=True,
    max_retries=MAX_RETRIES,
    # Hundreds of governments, one short transaction each; a task cut off by the limit is
    # redelivered (acks_late) and continues after the last government it finished.
    time_limit=1800,
    soft_time_limit=1700,
)
def data_request_run_task(self: Any, *, request_id: int) -> str:
    """Carry out data request `request_id` (export or deletion). Idempotent and resumable.
    Retried with a growing wait; after the last try the request is marked failed."""
    # Imported here: the services queue this task, so they import this module first; a
    # module-level import either way would be a cycle.
    from warga.data_rights.services import data_request_fail, data_request_run

    try:
        request = data_request_run(request_id=request_id)
    except Exception as error:
        if self.request.retries >= MAX_RETRIES:
            logger.exception("data request %s failed after %d tries", request_id, MAX_RETRIES + 1)
            data_request_fail(request_id=request_id)
            raise
        raise self.retry(exc=error, countdown=min(600, 10 * 2**self.request.retries)) from error
    return request.status if request is not None else "unknown"


@shared_task(
    base=PublicTask, name="personaldata.requests_maintain", acks_late=True, time_limit=600, soft_time_limit=540
)
def data_requests_maintain_task() -> dict[str, int]:
    """Daily (beat): delete expired export files, send again requests whose task was lost."""
    # Imported here for the same reason: the maintenance queues data_request_run_task again.
    from warga.data_rights.services import data_requests_maintain

    done = data_requests_maintain()
    return {
        "exports_deleted": done.exports_deleted,
        "files_orphaned": done.files_orphaned,
        "requests_resent": done.requests_resent,
    }
