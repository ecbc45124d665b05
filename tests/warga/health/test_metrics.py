"""Prometheus metrics: the protected /metrics path, what intake, delivery and requests count,
what is read from the broker and the relay when scraped, and a real worker's own endpoint."""

from __future__ import annotations

import os
import socket
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import current_app
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from tenants.context import government_context, tenant_connection
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import submit
from warga.diagnostics.services import echo_request
from warga.national.models import RelayBatch, RelaySource
from warga.notifications.models import EventKind
from warga.notifications.services import notification_deliver, notifications_send

TOKEN = "token-of-the-metrics-scraper-0123456789"


def _scrape(token: str | None = TOKEN, host: str = "localhost") -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get("/metrics", HTTP_HOST=host, **headers)


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture
def scraper(settings: Any) -> None:
    settings.WARGA_METRICS_TOKEN = TOKEN


def test_without_a_token_setting_there_is_no_metrics_path(db: None, settings: Any) -> None:
    settings.WARGA_METRICS_TOKEN = ""
    assert _scrape().status_code == 404


def test_a_scraper_needs_the_token_and_governments_hosts_have_no_metrics(scraper: None, bandung: Government) -> None:
    assert _scrape(token=None).status_code == 401
    assert _scrape(token="wrong").status_code == 401
    assert _scrape(host="kota-bandung.localhost").status_code == 404
    response = _scrape()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_requests_and_submissions_are_counted(scraper: None, bandung: Government) -> None:
    def requests_of_healthz() -> float:
        """Answered on a government's host, whatever the status (no worker runs here: 503)."""
        return sum(
            sample.value
            for family in REGISTRY.collect()
            for sample in family.samples
            if sample.name == "warga_http_request_duration_seconds_count"
            and sample.labels["view"] == "healthz"
            and sample.labels["host_kind"] == "government"
        )

    def submitted() -> float:
        return REGISTRY.get_sample_value("warga_reports_submitted_total", {"government": "32.73"}) or 0.0

    before_requests, before_reports = requests_of_healthz(), submitted()
    Client().get("/healthz", HTTP_HOST="kota-bandung.localhost")
    tenant_connection().set_schema_to_public()
    submit(UserFactory())
    assert requests_of_healthz() == before_requests + 1
    assert submitted() == before_reports + 1
    samples = _samples(_scrape().content.decode())
    assert samples[("warga_reports_submitted_total", frozenset({("government", "32.73")}))] == before_reports + 1


def test_deliveries_are_counted_by_channel_and_outcome(bandung: Government) -> None:
    def sent() -> float:
        return REGISTRY.get_sample_value("warga_notifications_total", {"channel": "email", "outcome": "sent"}) or 0.0

    before = sent()
    recipient = UserFactory()
    with government_context(bandung):
        (notification_id,) = notifications_send(
            recipient_ids=[recipient.pk],
            report_id=None,
            kind=EventKind.REPORT_STATUS_CHANGED,
            context={"tracking_number": "32.73-2026-000009", "from_status": "received", "to_status": "verified"},
            dedup_key="metrik:1",
        )
        assert notification_deliver(notification_id=notification_id) == "sent"
    assert sent() == before + 1


def test_queue_depth_and_relay_lag_are_read_when_scraped(scraper: None, bandung: Government, settings: Any) -> None:
    bulk = settings.WARGA_QUEUES["bulk"]

    def depth() -> float:
        return _samples(_scrape().content.decode())[("warga_queue_depth", frozenset({("queue", bulk)}))]

    before = depth()
    current_app.send_task("diagnostics.echo", args=[str(uuid.uuid4())], queue=bulk)
    assert depth() == before + 1

    RelayBatch.objects.create(
        source_code="32.73",
        finished_at=timezone.now(),
        events=3,
        first_event_id=1,
        last_event_id=3,
        lag_p95_seconds=1.5,
        lag_max_seconds=4.25,
    )
    RelaySource.objects.update_or_create(source_code="31", defaults={"last_event_id": 9, "failures": 2})
    samples = _samples(_scrape().content.decode())
    assert samples[("warga_relay_lag_seconds", frozenset({("government", "32.73")}))] == 4.25
    assert samples[("warga_relay_failures", frozenset({("government", "31")}))] == 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def worker_with_metrics(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[int]:
    from tests.worker.conftest import worker_running

    port = _free_port()
    folder: Path = tmp_path_factory.mktemp("worker-metrics")
    multiproc = folder / "metrics"
    multiproc.mkdir()
    saved = {name: os.environ.get(name) for name in ("WARGA_METRICS_PORT", "WARGA_METRICS_ADDRESS")}
    os.environ |= {"WARGA_METRICS_PORT": str(port), "WARGA_METRICS_ADDRESS": "127.0.0.1"}
    try:
        with worker_running(
            broker="filesystem",
            folder=folder,
            queue=f"default-test-{uuid.uuid4().hex[:8]}",
            django_db_blocker=django_db_blocker,
            classes=("default",),
        ):
            yield port
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.mark.worker
def test_a_worker_serves_the_wait_and_run_time_of_its_tasks(worker_with_metrics: int, committed_db: None) -> None:
    from tests.worker.support import echo_rows, echo_rows_delete, wait_for

    # Committed (no `bandung` fixture, whose transaction would hold the send until its end).
    token = echo_request(government=Government.objects.get(code="32.73"))
    try:
        wait_for(lambda: echo_rows(token), what="the echo to run")

        def counted() -> dict[tuple[str, frozenset[tuple[str, str]]], float] | None:
            with urllib.request.urlopen(f"http://127.0.0.1:{worker_with_metrics}/", timeout=5) as answer:
                samples = _samples(answer.read().decode())
            runs = [
                v
                for (name, labels), v in samples.items()
                if name == "warga_task_run_seconds_count" and ("task", "diagnostics.echo") in labels
            ]
            return samples if runs and runs[0] >= 1 else None

        samples = wait_for(counted, what="the worker's metrics to count the echo")
        assert any(name == "warga_task_wait_seconds_count" and value >= 1 for (name, _), value in samples.items())
    finally:
        echo_rows_delete([token])


def test_the_grafana_dashboard_reads_only_metrics_warga_exports(scraper: None, bandung: Government) -> None:
    """Every series a panel queries is one this code exposes (a renamed metric breaks the test)."""
    import json
    import re

    dashboard = json.loads((Path(__file__).resolve().parents[3] / "deploy/grafana/warga-dashboard.json").read_text())
    exported = {family.name for family in text_string_to_metric_families(_scrape().content.decode())}
    exported |= {f"{name}_{suffix}" for name in exported for suffix in ("bucket", "count", "sum", "total")}
    queried = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bwarga_[a-z_]+", target["expr"])
    }
    assert queried
    assert queried <= exported, queried - exported
