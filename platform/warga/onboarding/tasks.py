"""The provisioning of an approved join request: it registers a government in `public` and
builds its schema itself, so it runs in `public` (PublicTask), whichever schema the sender was
in."""

from __future__ import annotations

from celery import shared_task

from tenants.tasks import PublicTask
from warga.onboarding.services.joining import join_request_provision


@shared_task(
    base=PublicTask,
    name="onboarding.join_request_provision",
    # Redelivered if the worker dies: the transaction died with it, so the next run starts over.
    acks_late=True,
    # Cloning the template and seeding a large kabupaten take seconds; a fallback to migrating
    # a schema from scratch takes a minute or two.
    time_limit=900,
    soft_time_limit=840,
)
def join_request_provision_task(*, request_id: int) -> str:
    """Provision join request `request_id` (warga.onboarding.services.joining). Idempotent: a
    request already done, failed or refused is left alone. Returns the request's status."""
    request = join_request_provision(request_id=request_id)
    return request.status if request is not None else "busy"
