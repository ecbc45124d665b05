"""Beat's dispatcher sends a per-government job only into governments with work for it: an idle
government gets no task, one with work does, and what the job would act on is never missed
(docs/decisions/0125)."""

from __future__ import annotations

import datetime
import itertools
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.module_loading import import_string

from config.celery import app as celery_app
from tenants import selectors
from tenants.context import current_schema, government_context
from tenants.models import Government
from tenants.selectors import governments_holding
from tenants.tasks import for_each_ready_tenant
from tests.factories import UserFactory
from tests.warga.reports.helpers import submit
from tests.warga.reports.images import distinct_image
from warga.notifications.models import DeliveryStatus, Notification
from warga.notifications.services import notifications_resend_waiting
from warga.reports.models import PhotoState, Report, ReportPhoto
from warga.reports.services import report_photos_resend_waiting
from warga.routing.models import ReportRouting
from warga.routing.services import escalations_run
from warga.webhooks.models import Delivery, Endpoint
from warga.webhooks.services import deliveries_due_send
from warga.webhooks.tasks import webhook_deliver

LONG_AGO = datetime.timedelta(days=1)
_seeds = itertools.count(700)
RESEND_AFTER = datetime.timedelta(seconds=settings.WARGA_RESEND_WAITING_SECONDS)


def _fan_out_jobs() -> set[str]:
    return {
        str(entry["kwargs"]["task_name"])  # type: ignore[index]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "tenants.for_each_ready_tenant"
    }


def test_every_fan_out_job_of_beat_is_listed_with_its_probe_or_none_on_purpose() -> None:
    assert _fan_out_jobs() == set(settings.WARGA_FAN_OUT_PROBES)
    probed = {name for name, path in settings.WARGA_FAN_OUT_PROBES.items() if path}
    # The jobs that run every minute or two, into the urgent, default and webhook queues.
    assert probed >= {
        "notifications.resend_waiting",
        "reports.photos_resend_waiting",
        "routing.escalate_overdue",
        "webhooks.deliver_due",
    }


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """What the dispatcher sends: (task, schema it was sent into); the broker is not involved."""
    calls: list[tuple[str, str]] = []

    def record(name: str, *args: Any, **kwargs: Any) -> None:
        calls.append((name, current_schema()))

    monkeypatch.setattr(celery_app, "send_task", record)
    # The webhook pass sends its deliveries at once (not on commit): kept off the broker too.
    monkeypatch.setattr(webhook_deliver, "apply_async", lambda *args, **kwargs: None)
    return calls


@pytest.fixture
def idle(bandung: Government, jakarta: Government, national: Government) -> list[Government]:
    """Three ready governments and a report in Kota Bandung (its notifications just queued, its
    routing running towards a deadline days away): nothing any fan-out job has to do yet."""
    submit(UserFactory())
    with government_context(bandung):
        assert Report.objects.count() == 1
    return [bandung, jakarta, national]


def _photo_waiting(government: Government) -> None:
    """A report in Kota Bandung with a photo whose task never ran (it is sent on commit)."""
    assert government.code == "32.73"
    photo = SimpleUploadedFile("lubang.jpg", distinct_image(next(_seeds)), content_type="image/jpeg")
    submit(UserFactory(), photos=[photo])
    with government_context(government):
        assert ReportPhoto.objects.filter(state=PhotoState.PROCESSING).update(created_at=timezone.now() - LONG_AGO)


def _notification_waiting(government: Government) -> None:
    with government_context(government):
        Notification.objects.filter(status=DeliveryStatus.QUEUED).update(created_at=timezone.now() - LONG_AGO)


def _routing_overdue(government: Government) -> None:
    with government_context(government):
        ReportRouting.objects.update(running_due_at=timezone.now() - datetime.timedelta(minutes=1))


def _delivery_due(government: Government) -> None:
    with government_context(government):
        endpoint = Endpoint.objects.create(
            name="Sistem aduan",
            url="https://aduan.example.id/hook",
            events=["report.created"],
            secret_encrypted="-",
            created_at=timezone.now() - LONG_AGO,
        )
        Delivery.objects.create(
            endpoint=endpoint,
            event="report.created",
            event_id=uuid.uuid4(),
            body="{}",
            next_attempt_at=timezone.now() - datetime.timedelta(seconds=1),
            created_at=timezone.now() - LONG_AGO,
        )


# Each probed job: how to give a government work for it, and the job's own service, which
# returns how much it did (run in the government's schema).
JOBS: dict[str, tuple[Callable[[Government], None], Callable[[], int]]] = {
    "reports.photos_resend_waiting": (_photo_waiting, lambda: report_photos_resend_waiting(older_than=RESEND_AFTER)),
    "notifications.resend_waiting": (
        _notification_waiting,
        lambda: notifications_resend_waiting(older_than=RESEND_AFTER),
    ),
    "routing.escalate_overdue": (_routing_overdue, lambda: escalations_run().escalated),
    "webhooks.deliver_due": (_delivery_due, deliveries_due_send),
}


@pytest.mark.parametrize("job", sorted(JOBS))
def test_an_idle_government_gets_no_task_and_its_job_would_have_done_nothing(
    job: str, idle: list[Government], sent: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    assert for_each_ready_tenant(job, jitter_seconds=0) == 0
    assert sent == []
    # Nothing missed: the job run anyway, in every government, finds nothing to do.
    _, service = JOBS[job]
    for government in idle:
        with government_context(government), django_capture_on_commit_callbacks(execute=False):
            assert service() == 0


@pytest.mark.parametrize("job", sorted(JOBS))
def test_a_government_with_work_gets_the_task_and_only_it(
    job: str,
    idle: list[Government],
    bandung: Government,
    sent: list[tuple[str, str]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    give_work, service = JOBS[job]
    give_work(bandung)
    assert for_each_ready_tenant(job, jitter_seconds=0) == 1
    assert sent == [(job, bandung.schema_name)]
    with government_context(bandung), django_capture_on_commit_callbacks(execute=False):
        assert service() >= 1


def test_a_job_without_a_probe_still_goes_to_every_ready_government(
    idle: list[Government], sent: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert settings.WARGA_FAN_OUT_PROBES["privacy.retention_apply"] is None
    assert for_each_ready_tenant("privacy.retention_apply", jitter_seconds=0) == 3
    assert sorted(sent) == sorted(("privacy.retention_apply", government.schema_name) for government in idle)


@pytest.mark.parametrize("job", sorted(path for path in settings.WARGA_FAN_OUT_PROBES.values() if path))
def test_each_probe_is_one_table_asked_of_every_schema_in_one_statement(job: str, idle: list[Government]) -> None:
    probe = import_string(job)
    with CaptureQueriesContext(connection) as captured:
        governments_holding(idle, probe())
    (statement,) = _probes(captured)
    assert statement.count(" UNION ALL ") == len(idle) - 1
    for government in idle:
        assert f'"{government.schema_name}".' in statement


def test_the_probe_takes_schemas_in_chunks(
    idle: list[Government], bandung: Government, monkeypatch: pytest.MonkeyPatch
) -> None:
    _photo_waiting(bandung)
    rows = import_string(settings.WARGA_FAN_OUT_PROBES["reports.photos_resend_waiting"])
    monkeypatch.setattr(selectors, "PROBE_CHUNK", 2)
    with CaptureQueriesContext(connection) as captured:
        assert governments_holding([*idle, bandung], rows()) == [bandung, bandung]
    assert len(_probes(captured)) == 2


def test_a_probe_with_a_join_is_refused(idle: list[Government]) -> None:
    # The joined table would be read from the search path, not from each schema.
    with pytest.raises(ValueError, match="one table with no join or subquery"):
        governments_holding(idle, Delivery.objects.filter(endpoint__state="active"))


def _probes(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if " WHERE EXISTS " in query["sql"]]
