"""Task bases that declare and carry the schema, and the "for each ready tenant" dispatcher.

Every task declares its scope by its base (decision 0115): `TenantRequiredTask` for work in a
government's schema, `PublicTask` for work in the public schema, `AnySchemaTask` for the rare
task that works in either; tests/test_scope_declared.py fails on a task with none of them.

tenant-schemas-celery stamps the schema current at *send* time into the message headers and
the worker switches to it before the task runs. Two consequences shape this module:

- a task sent from beat, a command or the public host runs in `public` unless sent inside a
  tenant context (tenant-schemas-celery#132): `TenantRequiredTask` refuses to run there, so a
  forgotten context is an error instead of a silent run in the wrong schema;
- beat must only reach tenants whose schema is ready (#75): the dispatcher sends one task per
  ready government that has work for it (its probe, docs/decisions/0125), each inside that
  government's context, with jitter.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from celery import Task, shared_task
from celery.exceptions import Reject
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from tenant_schemas_celery.task import TenantTask

from tenants.context import current_schema, government_context, in_public_schema, public_context
from tenants.models import Government
from tenants.scope import Scope
from tenants.selectors import governments_holding, governments_ready

logger = logging.getLogger(__name__)


class TenantContextMissing(RuntimeError):
    """A tenant-scoped task was about to run outside a ready government's schema."""


def _is_ready_now(tenant: Any) -> bool:
    """Readiness read from the registry, not from the worker's tenant cache.

    The worker caches the tenant row for CELERY_TASK_TENANT_CACHE_SECONDS; trusting its
    `is_ready` would reject (and lose) every task for a government during the first seconds
    after it was provisioned, and keep serving one that a failed migration took out of
    service. One primary-key query per task is the price of the exact answer.
    """
    pk = getattr(tenant, "pk", None)
    if pk is None:
        return False
    return governments_ready().filter(pk=pk).exists()


class TenantRequiredTask(TenantTask):
    """Base for tasks that read or write a government's schema."""

    abstract = True
    scope: ClassVar[Scope] = Scope.TENANT

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        tenant = getattr(connection, "tenant", None)
        if in_public_schema() or tenant is None or not _is_ready_now(tenant):
            message = (
                f"Task {self.name} needs a ready government's schema but would run in "
                f"{current_schema()!r}; send it inside tenants.context.government_context() "
                "of a government that is ready."
            )
            logger.error(message)
            # Rejected without requeue: running it again in the same headers cannot succeed.
            raise Reject(TenantContextMissing(message), requeue=False)
        return super().__call__(*args, **kwargs)


class PublicTask(TenantTask):
    """Base for tasks that work in the public schema: the body runs with `public` active,
    whichever schema the sender was in (a join request approved on a government's host, a
    data request asked for there). A service it calls that needs a government's schema enters
    that government's context itself."""

    abstract = True
    scope: ClassVar[Scope] = Scope.PUBLIC

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with public_context():
            return super().__call__(*args, **kwargs)


class AnySchemaTask(TenantTask):
    """Base for a task that works the same in the public schema and in a government's: it runs
    in the sender's schema and checks nothing. No task needs it today; a new one must say why in
    its docstring."""

    abstract = True
    scope: ClassVar[Scope] = Scope.ANY


def send_on_commit(task: Task, *, kwargs: dict[str, Any], **options: Any) -> None:
    """Queue `task` once the current transaction commits, into the schema current *now*.

    tenant-schemas-celery stamps the schema of the moment of sending; inside an outer
    transaction `on_commit` callbacks run after the caller has left its government's context,
    so the schema is pinned here, at the call, in the message headers.
    """
    headers = {"_schema_name": current_schema()} | options.pop("headers", {})
    transaction.on_commit(lambda: _send_or_leave(task, kwargs=kwargs, headers=headers, **options))


def _send_or_leave(task: Task, *, kwargs: dict[str, Any], headers: dict[str, Any], **options: Any) -> None:
    """Send now; when the broker cannot take the message, log it and leave it to the resend pass.

    What the task would do is already committed as waiting rows (a queued notification, a
    photo in processing, a data request not yet run): the broker being down must not turn a
    committed write into an error for the person who made it, and the beat pass that resends
    waiting work (`tenants.resend_waiting`, docs/decisions/0063) sends it once the broker is back.
    """
    try:
        task.apply_async(kwargs=kwargs, headers=headers, **options)
    except Exception as error:  # kombu's OperationalError, a refused or reset connection, a timeout
        logger.warning(
            "broker did not take %s for %s (%s); the resend pass will send it",
            task.name,
            headers.get("_schema_name"),
            error,
        )


def send_into_each(
    governments: Iterable[Government], task_name: str, *, jitter_seconds: int, kwargs: dict[str, Any] | None = None
) -> int:
    """Send `task_name` once into each of `governments` (in its schema), spread over
    `jitter_seconds`; returns how many were sent."""
    from celery import current_app

    sent = 0
    for government in governments:
        with government_context(government):
            current_app.send_task(
                task_name,
                kwargs=kwargs or {},
                countdown=random.uniform(0, jitter_seconds) if jitter_seconds else None,
            )
        sent += 1
    return sent


def waiting_work_probe(task_name: str) -> Callable[[], QuerySet[Any]] | None:
    """The probe of `task_name` named in settings.WARGA_FAN_OUT_PROBES, or None: then the job
    goes to every ready government (tests/tenants/test_fan_out_probes.py checks that every
    fan-out job of beat's schedule is listed there, with a probe or with None on purpose)."""
    path = settings.WARGA_FAN_OUT_PROBES.get(task_name)
    return import_string(path) if path else None


@shared_task(base=PublicTask, name="tenants.for_each_ready_tenant", ignore_result=True)
def for_each_ready_tenant(task_name: str, *, jitter_seconds: int = 30, kwargs: dict[str, Any] | None = None) -> int:
    """Send `task_name` once into every ready government that has work for it, spread over
    `jitter_seconds`.

    Which governments have work is asked first, in a few statements over every schema, of the
    job's probe (settings.WARGA_FAN_OUT_PROBES, docs/decisions/0125): the rows the job would act
    on, or a superset of them. A job whose probe is None goes to every ready government.
    Returns how many were sent. The target task must be idempotent: a dispatcher retried
    after a crash may send some governments' copies twice.
    """
    ready = list(governments_ready().only("pk", "schema_name", "is_ready", "code", "name", "level"))
    probe = waiting_work_probe(task_name)
    chosen = governments_holding(ready, probe()) if probe is not None else ready
    sent = send_into_each(chosen, task_name, jitter_seconds=jitter_seconds, kwargs=kwargs)
    logger.info("dispatched %s to %d of %d ready governments", task_name, sent, len(ready))
    return sent
