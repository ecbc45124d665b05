"""The platform's health, as `/healthz` reports it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tenants.database import lock_capacity
from tenants.scope import any_scope
from tenants.selectors import governments_ready, governments_serving
from warga.health.models import WorkerHeartbeat
from warga.national.selectors import FRESHNESS_LAG_LIMIT_SECONDS, relay_freshness
from warga.regions.selectors import dataset_current


@dataclass
class HealthReport:
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return all(check["ok"] for check in self.checks.values())

    @property
    def failing(self) -> list[str]:
        return [name for name, check in self.checks.items() if not check["ok"]]

    def as_dict(self) -> dict[str, Any]:
        return {"status": "ok" if self.healthy else "failing", "failing": self.failing, "checks": self.checks}


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as error:
        return {"ok": False, "error": f"database unreachable: {error.__class__.__name__}"}


def _broker() -> dict[str, Any]:
    try:
        with current_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": broker.transport.driver_type}
    except Exception as error:
        return {"ok": False, "error": f"broker unreachable: {error.__class__.__name__}"}


def _worker() -> dict[str, Any]:
    stale_after = timedelta(seconds=settings.WARGA_HEARTBEAT_SECONDS * 4)
    latest = WorkerHeartbeat.objects.order_by("-beat_at").first()
    if latest is None:
        return {"ok": False, "error": "no Celery worker has ever reported; start one"}
    age = timezone.now() - latest.beat_at
    fresh = age <= stale_after
    result: dict[str, Any] = {"ok": fresh, "last_beat_seconds_ago": round(age.total_seconds(), 1)}
    if not fresh:
        result["error"] = f"no worker heartbeat for {int(age.total_seconds())} s"
    return result


def _tenants() -> dict[str, Any]:
    total = governments_serving().count()
    ready = governments_ready().count()
    return {"ok": total > 0, "ready": ready, "total": total} | (
        {} if total else {"error": "no governments provisioned"}
    )


def _regions() -> dict[str, Any]:
    dataset = dataset_current()
    if dataset is None:
        return {"ok": False, "error": "region reference data not imported; run manage.py import_regions"}
    return {"ok": True, "version": dataset.version, "villages": dataset.villages}


def _national() -> dict[str, Any]:
    """How late the national read model is, and whether a government's relay is stuck on an
    event (only asked on the national host)."""
    freshness = relay_freshness()
    lag = freshness["lag_p95_seconds"]
    stalled = freshness["stalled"]
    lagging = lag is not None and lag > FRESHNESS_LAG_LIMIT_SECONDS
    result: dict[str, Any] = {"ok": not (lagging or stalled)} | freshness
    if stalled:
        result["state"] = "stalled"
        result["error"] = "; ".join(
            f"relay of {relay['government_name'] or relay['government_code']} ({relay['government_code']}) stalled "
            f"on outbox event {relay['event_id']} after {relay['failures']} failed runs: {relay['error']}"
            for relay in stalled
        )
    elif lagging:
        result["state"] = "lagging"
        result["error"] = f"national read model lags {lag} s (p95), over {FRESHNESS_LAG_LIMIT_SECONDS} s"
    else:
        result["state"] = "fresh"
    return result


def _database_settings() -> dict[str, Any]:
    """The server's lock table against the fleet's tables (an external PostgreSQL may have the
    defaults, too small for a dump of ~550 governments: tenants.database). A warning only:
    web keeps serving (docs/decisions/0052)."""
    try:
        return lock_capacity().as_health()
    except Exception as error:
        return {"ok": True, "warning": f"database settings unreadable: {error.__class__.__name__}"}


def _on_national_host() -> bool:
    return getattr(getattr(connection, "tenant", None), "level", None) == "national"


@any_scope
def health_report() -> HealthReport:
    """Runs every check; each catches its own failure so one broken part names itself."""
    report = HealthReport()
    report.checks["database"] = _database()
    if not report.checks["database"]["ok"]:
        for name in ("worker", "tenants", "regions"):
            report.checks[name] = {"ok": False, "error": "not checked: the database is unreachable"}
        report.checks["broker"] = _broker()
        return report
    report.checks["broker"] = _broker()
    report.checks["worker"] = _worker()
    report.checks["tenants"] = _tenants()
    report.checks["regions"] = _regions()
    report.checks["database_settings"] = _database_settings()
    if _on_national_host():
        report.checks["national"] = _national()
    return report
