"""PostgreSQL restarts in the middle of intake: a clear 503, then exactly one report per key.

A real gunicorn reaches PostgreSQL through a proxy the test cuts (every connection dropped, new
ones refused: what a client sees while the server restarts) and restores. Two submissions are
caught inside their transaction (the test holds Kota Bandung's tracking counter, so they wait
on it with their transaction open) when the connection goes, two more arrive while the database
is away. Each is answered 503 with Retry-After; the same keys sent again once it is back make
one report each, and a third send of a key is a replay. No report is half-written: every one has
its index row, audit event, outbox event and photo, the tracking numbers have no gap, and no
photo file is left without its report.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.warga.reports.images import distinct_image
from tests.worker.conftest import _environment
from tests.worker.support import wait_for
from warga.intake.models import ReportIndex
from warga.outbox.models import OutboxEvent
from warga.reports.models import Report, ReportEvent, ReportPhoto, TrackingCounter

from .support import Answer, Citizen, TcpProxy, media_files, say, submit_over_http, web_running

pytestmark = [pytest.mark.worker, pytest.mark.timeout(180)]


def _waiting_for_a_lock() -> int:
    """Sessions of this database waiting for a lock (on the held counter, or behind one that is)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        row = cursor.fetchone()
        return int(row[0]) if row else 0


def test_a_database_restart_during_intake_answers_503_and_a_retry_lands_once(
    citizens: Callable[[int], list[Citizen]], tmp_path: Path, settings: Any
) -> None:
    people = citizens(6)
    database = connection.settings_dict
    host, port = str(database["HOST"] or ""), int(database["PORT"] or 5432)
    # Over TCP, or to the Unix socket of the test command's embedded server (a directory host).
    proxy = TcpProxy(f"{host}/.s.PGSQL.{port}" if host.startswith("/") else port)
    credentials = quote(database["USER"] or "") + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
    environment = _environment(broker_url="filesystem://", var_dir=tmp_path / "var", queue="fault-db") | {
        "DATABASE_URL": f"postgresql://{credentials}@127.0.0.1:{proxy.port}/{quote(database['NAME'])}"
    }
    media = tmp_path / "var" / "media"
    bandung = Government.objects.get(code="32.73")
    keys = [f"mulai-ulang-{uuid.uuid4().hex}" for _ in people]
    answers: dict[str, list[Answer]] = {key: [] for key in keys}

    def send(index: int, *, photos: bool = True) -> Answer:
        photo = [distinct_image(1000 + index, (96, 72))] if photos else []
        answer = submit_over_http(web, people[index], idempotency_key=keys[index], photos=photo)
        answers[keys[index]].append(answer)
        return answer

    try:
        with web_running(environment) as web:
            assert send(0).status == 201
            assert send(1).status == 201
            year = timezone.now().astimezone(ZoneInfo(bandung.time_zone)).year
            with ThreadPoolExecutor(max_workers=2) as pool, government_context(bandung), transaction.atomic():
                # Holds the counter: the next two submissions wait on it inside their transaction.
                TrackingCounter.objects.select_for_update().get(year=year)
                caught = [pool.submit(send, index) for index in (2, 3)]
                wait_for(lambda: _waiting_for_a_lock() == 2, what="two submissions to wait on the counter", timeout=15)
                proxy.cut()  # PostgreSQL goes away with their transactions open
                for future in caught:
                    assert future.result(timeout=30).status == 503
                assert send(4).status == 503  # and is still away
                assert send(5).status == 503
            proxy.restore()
            first = [tried[0] for tried in answers.values()]
            for refused in first[2:]:
                assert refused.body["error"]["code"] == "unavailable", refused
                assert int(refused.headers["retry-after"]) > 0
                assert "Coba lagi" in refused.body["error"]["message"]
            # The same keys once it is back: each lands once; a further send is the same report.
            for index in range(2, 6):
                assert send(index).status == 201, answers[keys[index]][-1]
            replays = [send(index, photos=True) for index in range(2, 6)]
            assert {(answer.status, answer.headers.get("idempotent-replayed")) for answer in replays} == {(201, "true")}
            assert all(
                tried[-1].body["tracking_number"] == tried[-2].body["tracking_number"]
                for tried in list(answers.values())[2:]
            )
    finally:
        proxy.close()

    index_rows = ReportIndex.objects.filter(idempotency_key__in=keys)
    numbers = sorted(index_rows.values_list("tracking_number", flat=True))
    with government_context(bandung):
        reports = Report.objects.filter(tracking_number__in=numbers)
        ids = list(reports.values_list("pk", flat=True))
        complete = {
            "reports": reports.count(),
            "audit_events": ReportEvent.objects.filter(report_id__in=ids).count(),
            "outbox_events": OutboxEvent.objects.filter(aggregate_type="report", aggregate_id__in=ids).count(),
            "photos": ReportPhoto.objects.filter(report_id__in=ids).count(),
        }
        photo_paths = set(ReportPhoto.objects.filter(report_id__in=ids).values_list("path", flat=True))
    say(
        "PostgreSQL restarted during intake",
        sent=sum(len(tried) for tried in answers.values()),
        keys=len(keys),
        answered_503=sum(answer.status == 503 for tried in answers.values() for answer in tried),
        reports_arrived=len(numbers),
        **complete,
    )
    assert len(numbers) == len(keys) == index_rows.values("idempotency_key").distinct().count()
    assert complete == dict.fromkeys(complete, len(keys))
    # No gap: the counter the failed transactions took was rolled back with them.
    serials = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert serials == list(range(serials[0], serials[0] + len(keys)))
    # Every stored photo file belongs to a report; the failed attempts removed theirs.
    assert {str(path.relative_to(media)) for path in media_files(media, "quarantine")} == photo_paths
