"""/healthz on the public host and on a government's host.

The worker check reads the heartbeat row a real worker writes (warga.health.worker); here the
row is written directly (the worker's own function recycles the connection, which would end this
test's transaction).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from warga.health.models import WorkerHeartbeat
from warga.regions.models import Dataset

HOSTS = ["localhost", "kota-bandung.localhost"]


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def no_heartbeat(db: None) -> None:
    # Rows a worker test may have committed must not decide these tests.
    WorkerHeartbeat.objects.all().delete()


@pytest.fixture
def fresh_heartbeat(no_heartbeat: None) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="celery@uji", pid=4242, started_at=now, beat_at=now)


@pytest.mark.parametrize("host", HOSTS)
def test_healthy_when_every_part_reports(fresh_heartbeat: None, client: Client, host: str) -> None:
    response = client.get("/healthz", HTTP_HOST=host)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert (body["status"], body["failing"]) == ("ok", [])
    checks = body["checks"]
    assert set(checks) == {"database", "broker", "worker", "tenants", "regions", "database_settings"}
    assert all(check["ok"] is True for check in checks.values())
    assert checks["database"] == {"ok": True}
    assert checks["broker"]["transport"] == "filesystem"
    assert 0 <= checks["worker"]["last_beat_seconds_ago"] < 5
    # national, DKI Jakarta and Kota Bandung; the hidden template is not counted.
    assert checks["tenants"] == {"ok": True, "ready": 3, "total": 3}
    assert checks["regions"] == {"ok": True, "version": "idn-area-data@4.0.1", "villages": 83762}


@pytest.mark.parametrize("host", HOSTS)
def test_a_stale_heartbeat_fails_the_worker_check(no_heartbeat: None, client: Client, host: str) -> None:
    stale = timezone.now() - timedelta(seconds=settings.WARGA_HEARTBEAT_SECONDS * 4 + 30)
    WorkerHeartbeat.objects.create(hostname="celery@uji", pid=4242, started_at=stale, beat_at=stale)

    response = client.get("/healthz", HTTP_HOST=host)

    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["failing"]) == ("failing", ["worker"])
    worker = body["checks"]["worker"]
    assert worker["ok"] is False
    assert worker["error"].startswith("no worker heartbeat for ")
    assert worker["last_beat_seconds_ago"] >= settings.WARGA_HEARTBEAT_SECONDS * 4 + 30


def test_a_heartbeat_just_inside_the_limit_is_fresh(no_heartbeat: None, client: Client) -> None:
    recent = timezone.now() - timedelta(seconds=settings.WARGA_HEARTBEAT_SECONDS * 4 - 5)
    WorkerHeartbeat.objects.create(hostname="celery@uji", pid=4242, started_at=recent, beat_at=recent)
    assert client.get("/healthz", HTTP_HOST="localhost").status_code == 200


@pytest.mark.parametrize("host", HOSTS)
def test_no_worker_ever_reported(no_heartbeat: None, client: Client, host: str) -> None:
    response = client.get("/healthz", HTTP_HOST=host)

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["worker"]
    assert body["checks"]["worker"] == {"ok": False, "error": "no Celery worker has ever reported; start one"}


@pytest.mark.parametrize("host", HOSTS)
def test_missing_region_data_fails_the_regions_check(fresh_heartbeat: None, client: Client, host: str) -> None:
    Dataset.objects.all().delete()

    response = client.get("/healthz", HTTP_HOST=host)

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["regions"]
    assert body["checks"]["regions"] == {
        "ok": False,
        "error": "region reference data not imported; run manage.py import_regions",
    }
