"""RabbitMQ stops while citizens submit reports: nothing is lost.

A real gunicorn, a real worker and a real beat talk to RabbitMQ through a proxy the test cuts
(every connection dropped, new ones refused) and restores. Reports are sent before, during and
after the outage, each with a photo. Every submission is answered 201 or a clear 503 (whose
retry with the same idempotency key is then answered 201), and once the broker is back every
report's notification is delivered, its photo processed and its national fact relayed: the
tasks the broker could not take were sent again from the rows that record them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.warga.reports.images import distinct_image
from tests.worker.conftest import _environment, _require_or_skip, worker_running
from tests.worker.support import wait_for
from warga.national.models import ReportFact
from warga.notifications.models import Channel, DeliveryStatus, Notification
from warga.reports.models import PhotoState, Report, ReportPhoto

from .conftest import beat_running
from .support import Answer, Citizen, TcpProxy, say, submit_over_http, web_running

pytestmark = [pytest.mark.worker, pytest.mark.timeout(240)]

PER_PHASE = 4
# Beat's resend passes this often (and a queued row this old is sent again), and its backstop
# pass of the national relay, in seconds: short, so that the test ends soon after the broker is
# back; not so short that beat's dispatches crowd the one worker.
RESEND_SECONDS = "2"
RELAY_SECONDS = "5"


def _send(web: Any, citizen: Citizen, seed: int) -> tuple[str, Answer]:
    key = f"putus-{uuid.uuid4().hex}"
    return key, submit_over_http(web, citizen, idempotency_key=key, photos=[distinct_image(seed, (96, 72))])


def test_reports_sent_while_the_broker_is_down_all_arrive(
    citizens: Callable[[int], list[Citizen]], tmp_path: Path, django_db_blocker: Any
) -> None:
    _require_or_skip("amqp")
    people = citizens(3 * PER_PHASE)
    proxy = TcpProxy(5672)
    settings_of_the_test = {
        "WARGA_RESEND_WAITING_SECONDS": RESEND_SECONDS,
        "WARGA_NATIONAL_RELAY_SECONDS": RELAY_SECONDS,
    }
    answers: dict[str, list[Answer]] = {}
    people_of: dict[str, Citizen] = {}
    try:
        queue = f"default-test-{uuid.uuid4().hex[:8]}"
        broker_url = f"amqp://guest:guest@127.0.0.1:{proxy.port}//"
        # The web server and beat get the environment the worker gets; all three start together.
        environment = _environment(broker_url=broker_url, var_dir=tmp_path / "var", queue=queue) | settings_of_the_test
        with (
            web_running(environment, wait=False) as web,
            beat_running(environment, tmp_path),
            worker_running(
                broker="amqp",
                folder=tmp_path,
                queue=queue,
                django_db_blocker=django_db_blocker,
                broker_url=broker_url,
                extra_environment=settings_of_the_test,
            ),
        ):
            web.wait_ready()

            def phase(first: int) -> None:
                for index in range(first, first + PER_PHASE):
                    key, answer = _send(web, people[index], seed=index + 1)
                    answers[key] = [answer]
                    people_of[key] = people[index]
                    assert answer.status in (201, 503), (answer, web.log()[-3000:])

            phase(0)
            proxy.cut()
            cut_at = time.monotonic()
            phase(PER_PHASE)
            down_for = time.monotonic() - cut_at
            proxy.restore()
            for key, tried in answers.items():
                if tried[0].status == 503:
                    assert tried[0].body["error"]["code"] == "unavailable"
                    assert int(tried[0].headers["retry-after"]) > 0
                    tried.append(submit_over_http(web, people_of[key], idempotency_key=key, photos=[]))
            phase(2 * PER_PHASE)

            # Every key ends in exactly one report.
            final = {key: tried[-1] for key, tried in answers.items()}
            assert {answer.status for answer in final.values()} == {201}, final
            numbers = sorted(answer.body["tracking_number"] for answer in final.values())
            assert len(set(numbers)) == len(answers)

            bandung = Government.objects.get(code="32.73")

            def arrived() -> dict[str, int]:
                with government_context(bandung):
                    reports = list(Report.objects.filter(tracking_number__in=numbers).values_list("pk", flat=True))
                    sent = Notification.objects.filter(report_id__in=reports).exclude(channel=Channel.IN_APP)
                    photos = ReportPhoto.objects.filter(report_id__in=reports)
                    return {
                        "reports": len(reports),
                        "notifications": sent.count(),
                        "notifications_delivered": sent.filter(status=DeliveryStatus.SENT).count(),
                        "photos": photos.count(),
                        "photos_ready": photos.filter(state=PhotoState.READY).count(),
                        "national_facts": ReportFact.objects.filter(tracking_number__in=numbers).count(),
                    }

            def all_arrived() -> dict[str, int] | None:
                now = arrived()
                complete = (
                    now["reports"] == len(numbers)
                    and now["notifications"] >= len(numbers)
                    and now["notifications_delivered"] == now["notifications"]
                    and now["photos_ready"] == now["photos"] == len(numbers)
                    and now["national_facts"] == len(numbers)
                )
                return now if complete else None

            started = time.monotonic()
            counts = wait_for(
                all_arrived, what=f"everything about {len(numbers)} reports to arrive", timeout=60, state=arrived
            )
            say(
                "broker stopped during intake",
                sent=len(answers),
                answered_201=sum(tried[0].status == 201 for tried in answers.values()),
                answered_503_then_201_on_retry=sum(tried[0].status == 503 for tried in answers.values()),
                broker_down_seconds=round(down_for, 1),
                arrived_after_seconds=round(time.monotonic() - started, 1),
                **counts,
            )
            # Each delivered once: one attempt, whichever of its tasks (first send, resend) came first.
            with government_context(bandung):
                reports = list(Report.objects.filter(tracking_number__in=numbers).values_list("pk", flat=True))
                attempts = set(
                    Notification.objects.filter(report_id__in=reports)
                    .exclude(channel=Channel.IN_APP)
                    .values_list("attempts", flat=True)
                )
            assert attempts == {1}
    finally:
        proxy.close()
