"""Helpers for the worker tests: the running worker, polling with a deadline, echo rows."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.models import Government
from warga.diagnostics.models import TaskEcho
from warga.diagnostics.services import echo_forget

DEADLINE_SECONDS = 30


def wait_for(
    check: Callable[[], Any],
    *,
    what: str,
    timeout: float = DEADLINE_SECONDS,
    interval: float = 0.1,
    state: Callable[[], Any] | None = None,
) -> Any:
    """Poll `check` until it returns something truthy; fail naming `what` (and, with `state`,
    what it shows) at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            seen = f" State at the deadline: {state()}" if state is not None else ""
            pytest.fail(f"Waited {timeout:g} s for {what}; it did not happen.{seen}")
        time.sleep(interval)


def backends_waiting_for_me() -> list[int]:
    """Database sessions waiting for a lock this session holds."""
    with connection.cursor() as cursor:
        # Inside a transaction the activity view is a snapshot taken at its first read.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))")
        return [row[0] for row in cursor.fetchall()]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


@dataclass
class Worker:
    broker: str
    nodename: str
    queue: str
    process: subprocess.Popen[bytes]
    log_path: Path
    environment: dict[str, str]  # what the worker was started with, on top of this process's

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, text: str, *, count: int = 1) -> str:
        """Wait until `text` appears `count` times in the worker's log; returns the log."""

        def enough() -> str:
            log = self.log()
            return log if log.count(text) >= count else ""

        return str(wait_for(enough, what=f"{count} x {text!r} in the {self.broker} worker's log"))


def echo_rows(token: uuid.UUID | str | None = None) -> dict[str, str]:
    """Every schema holding an echo row (with `token`, or any) -> the schema the worker saw.

    Walks every schema that has the echo table, found from the catalogue rather than from
    the registry, so a row written anywhere unexpected is found too.
    """
    table = TaskEcho._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = %s ORDER BY 1", [table])
        schemas = [row[0] for row in cursor.fetchall()]
        if not schemas:
            return {}
        condition = "WHERE token = %s" if token is not None else ""
        union = " UNION ALL ".join(f'SELECT %s, schema_seen FROM "{schema}".{table} {condition}' for schema in schemas)
        parameters: list[object] = []
        for schema in schemas:
            parameters += [schema] + ([str(token)] if token is not None else [])
        cursor.execute(union, parameters)
        return dict(cursor.fetchall())


def echo_rows_delete(tokens: list[uuid.UUID]) -> None:
    for government in Government.objects.all():
        if schema_exists(government.schema_name):
            echo_forget(government=government, tokens=tokens)


def facts_forget(*, tracking_numbers: list[str]) -> None:
    """Remove what the relay made of these reports from the national read model (their facts,
    and the roll-up cells they counted in, rebuilt from the facts that remain)."""
    from django.db import transaction

    from warga.national.models import ReportFact
    from warga.national.services import rollup_recompute

    facts = ReportFact.objects.filter(tracking_number__in=tracking_numbers)
    cells = set(facts.values_list("created_day", "province_code"))
    with transaction.atomic():
        facts.delete()
        rollup_recompute(cells=cells)


@contextmanager
def committed_citizen(*, email_prefix: str) -> Iterator[Any]:
    """A citizen whose Kota Bandung reports are committed (a worker must see them) and removed
    afterwards with everything written about them: photos, routing, notifications, events,
    outbox, index rows, national facts; the tracking counters are put back, because other
    committed tests count their tracking numbers from the first. The citizen goes too."""
    from tenants.context import government_context
    from tests.factories import UserFactory
    from warga.national.models import RelayBatch
    from warga.reports.models import TrackingCounter

    bandung = Government.objects.get(code="32.73")
    with government_context(bandung):
        counters = dict(TrackingCounter.objects.values_list("year", "last_value"))
    last_batch = RelayBatch.objects.order_by("-id").values_list("id", flat=True).first() or 0
    user = UserFactory(email=f"{email_prefix}-{uuid.uuid4().hex[:8]}@example.id")
    try:
        yield user
    finally:
        _citizen_forget(user=user, bandung=bandung, counters=counters, last_batch=last_batch)


def _citizen_forget(*, user: Any, bandung: Government, counters: dict[int, int], last_batch: int) -> None:
    """Everything `committed_citizen` promises to remove, also after a failed test (the relay
    batches that carried its reports too: the national host's freshness counts batches)."""
    from tenants.context import government_context
    from warga.intake.models import ReportIndex
    from warga.national.models import RelayBatch
    from warga.notifications.models import Notification
    from warga.outbox.models import OutboxEvent
    from warga.reports.models import Report, ReportEvent, ReportPhoto, TrackingCounter
    from warga.routing.models import ReportRouting

    numbers = list(ReportIndex.objects.filter(reporter=user).values_list("tracking_number", flat=True))
    with government_context(bandung):
        reports = Report.objects.filter(tracking_number__in=numbers)
        ids = list(reports.values_list("pk", flat=True))
        ReportPhoto.objects.filter(report_id__in=ids).delete()
        Notification.objects.filter(report_id__in=ids).delete()
        ReportRouting.objects.filter(report_id__in=ids).delete()
        ReportEvent.objects.filter(report_id__in=ids).delete()
        OutboxEvent.objects.filter(aggregate_type="report", aggregate_id__in=ids).delete()
        reports.delete()
        TrackingCounter.objects.exclude(year__in=counters).delete()
        for year, last_value in counters.items():
            TrackingCounter.objects.filter(year=year).update(last_value=last_value)
    ReportIndex.objects.filter(reporter=user).delete()
    user.delete()
    # Each outbox write nudges the relay, so the worker may have relayed them too.
    facts_forget(tracking_numbers=numbers)
    RelayBatch.objects.filter(id__gt=last_batch, source_code=bandung.code).delete()
