"""Every task is sent to the queue of its urgency, decided in one place (settings.WARGA_TASK_URGENCY):
what a person waits for (notifications, escalations, the national relay) never shares a queue
with bulk work (photos, exports, retention, surge scans), and calls to other organisations'
servers (webhooks) have a queue of their own."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest
from django.conf import settings

import config.settings
from config.celery import app

URGENT = {"notifications.deliver", "routing.escalate_overdue", "national.relay_drain", "national.relay_sweep"}
BULK = {
    "reports.photo_process",
    "personaldata.request_run",
    "personaldata.requests_maintain",
    "privacy.retention_apply",
    "national.surges_flag",
    "accounts.sessions_clear",
    "onboarding.join_request_provision",
}
WEBHOOKS = {"webhooks.deliver", "webhooks.deliver_due"}


def _project_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def _queue_of(name: str) -> str:
    return str(app.amqp.router.route({}, name)["queue"].name)


def test_every_task_of_the_project_is_classified() -> None:
    tasks = _project_tasks()
    assert len(tasks) >= 12  # the scan found the tasks
    unclassified = tasks - set(settings.WARGA_TASK_URGENCY)
    assert unclassified == set(), f"Add these tasks to WARGA_TASK_URGENCY in config/settings.py: {unclassified}"
    assert set(settings.WARGA_TASK_URGENCY) - tasks == set(), "a classified task that no longer exists"
    assert set(settings.WARGA_TASK_URGENCY.values()) <= set(settings.WARGA_QUEUES)


def test_urgent_work_never_shares_a_queue_with_bulk_work() -> None:
    urgent = {_queue_of(name) for name in URGENT}
    bulk = {_queue_of(name) for name in BULK}
    assert urgent == {settings.WARGA_QUEUES["urgent"]}
    assert bulk == {settings.WARGA_QUEUES["bulk"]}
    assert {_queue_of(name) for name in WEBHOOKS} == {settings.WARGA_QUEUES["webhooks"]}
    others = {_queue_of(name) for name in _project_tasks() - URGENT - BULK - WEBHOOKS}
    assert others == {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert len(set(settings.WARGA_QUEUES.values())) == 4


def test_a_worker_without_queue_options_consumes_every_queue() -> None:
    assert set(app.amqp.queues) == set(settings.WARGA_QUEUES.values())


def _settings_with_default_queue(queue: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location("warga_queue_settings", config.settings.__file__)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELERY_TASK_DEFAULT_QUEUE", queue)
        spec.loader.exec_module(module)
    return module


def test_the_queues_are_named_after_the_default_queue_so_parallel_runs_stay_apart() -> None:
    first = _settings_with_default_queue("ci-job-1")
    second = _settings_with_default_queue("ci-job-2")
    assert first.WARGA_QUEUES == {
        "urgent": "ci-job-1.urgent",
        "default": "ci-job-1",
        "bulk": "ci-job-1.bulk",
        "webhooks": "ci-job-1.webhooks",
    }
    assert set(first.WARGA_QUEUES.values()).isdisjoint(second.WARGA_QUEUES.values())
    assert first.CELERY_TASK_ROUTES["notifications.deliver"] == {"queue": "ci-job-1.urgent"}
    assert first.CELERY_TASK_ROUTES["reports.photo_process"] == {"queue": "ci-job-1.bulk"}
