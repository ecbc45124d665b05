"""Outbound webhooks of a government: report changes recorded with the change, delivered
signed to a local receiver that verifies the signature, retried with backoff, refused for
private addresses, replayed, paused after a day of failures, and used to forward a report to
an external organisation."""

from __future__ import annotations

import datetime
import json
import socket
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import official_of
from tests.warga.reports.helpers import submit
from tests.warga.webhooks.receiver import Receiver
from warga.accounts.models import User
from warga.organization.models import Unit, UnitKind
from warga.reports.errors import ReportInvalid
from warga.reports.models import Report
from warga.reports.services import report_forward_external, report_transition
from warga.webhooks.models import Delivery, DeliveryState, Endpoint, EndpointState, Event
from warga.webhooks.services import (
    BACKOFF_MAX_SECONDS,
    WebhookInvalid,
    backoff_seconds,
    deliveries_due_send,
    delivery_attempt,
    delivery_replay,
    endpoint_create,
    endpoint_ping,
    endpoint_resume,
)


def _endpoint(government: Government, receiver: Receiver, events: list[str], **fields: Any) -> Endpoint:
    with government_context(government):
        issued = endpoint_create(name="Sistem aduan kota", url=receiver.url, events=events, **fields)
    receiver.secret = issued.secret
    return issued.endpoint


def _send_all(government: Government) -> list[str]:
    with government_context(government):
        pending = Delivery.objects.filter(state=DeliveryState.PENDING).order_by("id").values_list("id", flat=True)
        return [delivery_attempt(delivery_id=delivery_id).outcome for delivery_id in list(pending)]


def _due_now(government: Government, delivery_id: int) -> None:
    """Time moved on to the delivery's retry."""
    with government_context(government):
        Delivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())


def _transition_then_fail(admin: User, number: str) -> None:
    with transaction.atomic():
        report_transition(acting_user=admin, tracking_number=number, to_status="verified", note="")
        raise RuntimeError("rolled back")


def test_report_changes_are_delivered_signed_and_without_the_reporter(
    bandung: Government, jakarta: Government, receiver: Receiver
) -> None:
    endpoint = _endpoint(bandung, receiver, ["report.created", "report.status_changed", "report.disputed"])
    in_jakarta = Receiver()
    try:
        _endpoint(jakarta, in_jakarta, ["report.created", "report.status_changed"])
        reporter = UserFactory(email="pelapor.rahasia@example.id", full_name="Siti Pelapor")
        number = submit(reporter, privacy="rahasia").tracking_number
        admin = official_of(bandung)
        with government_context(bandung):
            # A change that rolls back leaves no delivery: they are written in its transaction.
            with pytest.raises(RuntimeError, match="rolled back"):
                _transition_then_fail(admin, number)
            assert list(Delivery.objects.values_list("event", flat=True)) == ["report.created"]
            report_transition(acting_user=admin, tracking_number=number, to_status="verified", note="")
            assert Delivery.objects.count() == 2
        assert _send_all(bandung) == ["delivered", "delivered"]
        with government_context(jakarta):
            assert not Delivery.objects.exists()
        assert in_jakarta.received == []
    finally:
        in_jakarta.close()

    assert [r.verified for r in receiver.received] == [True, True]
    created, changed = receiver.received
    assert created.headers["Warga-Event"] == "report.created"
    assert changed.headers["Warga-Event"] == "report.status_changed"
    with government_context(bandung):
        uids = [str(uid) for uid in Delivery.objects.order_by("id").values_list("uid", flat=True)]
        rows = list(Delivery.objects.order_by("id").values_list("state", "attempts", "status_code"))
    assert [created.headers["Warga-Delivery"], changed.headers["Warga-Delivery"]] == uids
    assert rows == [("delivered", 1, 200), ("delivered", 1, 200)]
    document = created.document
    assert document["event"] == "report.created"
    assert document["government"] == {"code": "32.73", "name": bandung.name}
    assert document["data"]["tracking_number"] == number
    assert document["data"]["privacy"] == "rahasia"
    assert changed.document["data"] | {"at": None} == {
        "tracking_number": number,
        "from_status": "received",
        "to_status": "verified",
        "at": None,
    }
    # Nothing that could name the confidential reporter.
    for sent in receiver.received:
        text = sent.body.decode()
        for identity in (str(reporter.pk), reporter.email, "Siti", "Jalan berlubang"):
            assert identity not in text
    with government_context(bandung):
        endpoint.refresh_from_db()
        assert endpoint.failing_since is None


def test_a_failing_receiver_is_retried_with_growing_jittered_backoff_and_recorded_once(
    bandung: Government, receiver: Receiver
) -> None:
    endpoint = _endpoint(bandung, receiver, ["report.created"])
    receiver.statuses = [500, 503, 200]
    with government_context(bandung):
        delivery = endpoint_ping(endpoint_id=endpoint.pk)
        first = delivery_attempt(delivery_id=delivery.pk)
        assert first.outcome == "retry"
        assert first.next_attempt_at is not None
        waited = (first.next_attempt_at - timezone.now()).total_seconds()
        assert 0.8 * 30 - 1 <= waited <= 1.2 * 30
        # Not due yet: nothing is sent.
        assert delivery_attempt(delivery_id=delivery.pk).outcome == "not_due"
        assert len(receiver.received) == 1
        _due_now(bandung, delivery.pk)
        second = delivery_attempt(delivery_id=delivery.pk)
        assert second.outcome == "retry"
        assert second.next_attempt_at is not None
        assert 0.8 * 60 - 1 <= (second.next_attempt_at - timezone.now()).total_seconds() <= 1.2 * 60
        row = Delivery.objects.get(pk=delivery.pk)
        assert (row.state, row.attempts, row.status_code, row.last_error) == ("pending", 2, 503, "HTTP 503")
        _due_now(bandung, delivery.pk)
        assert delivery_attempt(delivery_id=delivery.pk).outcome == "delivered"
        # A late duplicate task records nothing more.
        assert delivery_attempt(delivery_id=delivery.pk).outcome == "skipped"
        row.refresh_from_db()
        assert (row.state, row.attempts, row.status_code, row.last_error) == ("delivered", 3, 200, "")
        assert row.latency_ms is not None
        assert row.delivered_at is not None
    assert [r.verified for r in receiver.received] == [True] * 3
    assert len({r.headers["Warga-Delivery"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    for attempts in range(1, 20):
        base = min(BACKOFF_MAX_SECONDS, 30 * 2 ** (attempts - 1))
        assert 0.8 * base <= backoff_seconds(attempts) <= 1.2 * base


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://hooks.example.org/warga", "https://"),
        ("https://127.0.0.1/warga", "jaringan internal"),
        ("https://localhost:8443/warga", "jaringan internal"),
        ("https://169.254.169.254/latest/meta-data/", "jaringan internal"),
        ("https://10.1.2.3/warga", "jaringan internal"),
        ("https://[::1]/warga", "jaringan internal"),
        ("https://[::ffff:192.168.0.1]/warga", "jaringan internal"),
        ("https://user:pw@hooks.example.org/", "sandi"),
        ("ftp://hooks.example.org/", "https://"),
    ],
)
def test_private_and_plain_http_addresses_are_refused_outside_development(
    bandung: Government, settings: Any, url: str, why: str
) -> None:
    settings.WARGA_WEBHOOKS_ALLOW_LOCAL = False
    with government_context(bandung):
        with pytest.raises(WebhookInvalid) as refused:
            endpoint_create(name="Internal", url=url, events=["report.created"])
        assert refused.value.field == "url"
        assert why in refused.value.message
        assert not Endpoint.objects.exists()


def test_the_address_is_resolved_again_at_delivery_and_a_rebound_name_is_refused(
    bandung: Government, settings: Any, monkeypatch: pytest.MonkeyPatch, receiver: Receiver
) -> None:
    """A name that resolved to a public address when saved and to a private one later (DNS
    rebinding) gets no request; the failure is logged on the delivery."""
    settings.WARGA_WEBHOOKS_ALLOW_LOCAL = False
    answers = {"hooks.example.org": "93.184.216.34"}
    real = socket.getaddrinfo

    def resolver(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with government_context(bandung):
        endpoint = endpoint_create(name="Mitra", url="https://hooks.example.org/warga", events=["report.created"])
        answers["hooks.example.org"] = "127.0.0.1"
        delivery = endpoint_ping(endpoint_id=endpoint.endpoint.pk)
        assert delivery_attempt(delivery_id=delivery.pk).outcome == "retry"
        row = Delivery.objects.get(pk=delivery.pk)
        assert row.status_code is None
        assert "jaringan internal (127.0.0.1)" in row.last_error
    assert receiver.received == []


def test_a_delivery_is_replayed_as_a_new_delivery_of_the_same_event(bandung: Government, receiver: Receiver) -> None:
    endpoint = _endpoint(bandung, receiver, ["report.created"])
    with government_context(bandung):
        first = endpoint_ping(endpoint_id=endpoint.pk)
        assert delivery_attempt(delivery_id=first.pk).outcome == "delivered"
        replay = delivery_replay(delivery_id=first.pk)
        assert delivery_attempt(delivery_id=replay.pk).outcome == "delivered"
        replay.refresh_from_db()
        assert (replay.replay_of_id, replay.event_id, replay.body) == (first.pk, first.event_id, first.body)
        assert replay.uid != first.uid
    original, again = receiver.received
    assert original.verified
    assert again.verified
    assert original.body == again.body
    assert (original.headers["Warga-Delivery"], again.headers["Warga-Delivery"]) == (str(first.uid), str(replay.uid))


def test_an_endpoint_failing_for_a_day_is_paused_and_its_admins_are_emailed(
    bandung: Government, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    admin = official_of(bandung, email="admin.kota@bandung.go.id")
    endpoint = _endpoint(bandung, receiver, ["report.created"])
    receiver.statuses = [500]
    with government_context(bandung):
        first = endpoint_ping(endpoint_id=endpoint.pk)
        waiting = Delivery.objects.create(
            endpoint=endpoint,
            event=Event.REPORT_CREATED,
            event_id=first.event_id,
            body=first.body,
            next_attempt_at=timezone.now() + datetime.timedelta(days=1),
            created_at=timezone.now(),
        )
        # Pings do not count against an endpoint; a real event's failure does.
        assert delivery_attempt(delivery_id=first.pk).outcome == "retry"
        assert Endpoint.objects.get(pk=endpoint.pk).failing_since is None
        Delivery.objects.filter(pk=first.pk).update(event=Event.REPORT_CREATED, next_attempt_at=timezone.now())
        assert delivery_attempt(delivery_id=first.pk).outcome == "retry"
        failing_since = Endpoint.objects.get(pk=endpoint.pk).failing_since
        assert failing_since is not None
        # Almost a day later: still trying.
        Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - datetime.timedelta(hours=23))
        _due_now(bandung, first.pk)
        assert delivery_attempt(delivery_id=first.pk).outcome == "retry"
        assert Endpoint.objects.get(pk=endpoint.pk).state == EndpointState.ACTIVE
        assert mail.outbox == []
        # A day and a minute after the first failure: paused, and the admins are told once.
        Endpoint.objects.filter(pk=endpoint.pk).update(
            failing_since=timezone.now() - datetime.timedelta(hours=24, minutes=1)
        )
        _due_now(bandung, first.pk)
        with django_capture_on_commit_callbacks(execute=True):
            assert delivery_attempt(delivery_id=first.pk).outcome == "paused"
        paused = Endpoint.objects.get(pk=endpoint.pk)
        assert paused.state == EndpointState.PAUSED
        assert "HTTP 500" in paused.paused_reason
        assert [message.to for message in mail.outbox] == [[admin.email]]
        assert "Sistem aduan kota" in mail.outbox[0].subject
        assert receiver.url in mail.outbox[0].body
        # While paused nothing more is attempted, and beat's pass sends nothing.
        sent = len(receiver.received)
        _due_now(bandung, first.pk)
        _due_now(bandung, waiting.pk)
        assert delivery_attempt(delivery_id=waiting.pk).outcome == "paused"
        assert deliveries_due_send() == 0
        assert len(receiver.received) == sent
        # Resumed once the receiver is fixed: the waiting deliveries go out.
        receiver.statuses = [200]
        endpoint_resume(endpoint_id=endpoint.pk)
        assert Endpoint.objects.get(pk=endpoint.pk).failing_since is None
    assert _send_all(bandung) == ["delivered", "delivered"]
    assert len(mail.outbox) == 1


@pytest.fixture
def pln(bandung: Government) -> Unit:
    with government_context(bandung):
        root = Unit.objects.get(kind=UnitKind.GOVERNMENT)
        return Unit.objects.create(parent=root, kind=UnitKind.EXTERNAL, name="PLN UP3 Bandung")


def _forward(government: Government, admin: User, number: str, unit: Unit, email: str = "") -> None:
    with government_context(government):
        report_forward_external(
            acting_user=admin,
            tracking_number=number,
            unit_id=unit.pk,
            contact_email=email,
            note="Tiang listrik miring.",
        )


def test_a_report_is_forwarded_to_an_external_organisation_through_its_webhook(
    bandung: Government, receiver: Receiver, pln: Unit
) -> None:
    admin = official_of(bandung)
    reporter = UserFactory()
    public = submit(reporter).tracking_number
    confidential = submit(reporter, privacy="rahasia").tracking_number
    # Without a webhook, an email address is needed.
    with pytest.raises(ReportInvalid) as refused:
        _forward(bandung, admin, public, pln)
    assert "contact_email" in refused.value.errors
    endpoint = _endpoint(bandung, receiver, [], unit_id=pln.pk)
    assert endpoint.events == ["report.forwarded"]
    _forward(bandung, admin, public, pln)
    _forward(bandung, admin, confidential, pln)
    with government_context(bandung):
        assert set(Delivery.objects.values_list("endpoint_id", "event")) == {(endpoint.pk, "report.forwarded")}
        assert Report.objects.get(tracking_number=public).status == "received"  # it stays open
    assert _send_all(bandung) == ["delivered", "delivered"]
    assert [r.verified for r in receiver.received] == [True, True]
    first, second = (r.document["data"] for r in receiver.received)
    assert (first["tracking_number"], first["organisation"], first["request"]) == (
        public,
        "PLN UP3 Bandung",
        "Tiang listrik miring.",
    )
    assert first["description"].startswith("Jalan berlubang")
    assert second["tracking_number"] == confidential
    assert second["description"] is None
    assert str(reporter.pk) not in json.dumps([first, second])
    assert mail.outbox == []
    # The organisation's endpoint gets no report events, only what is forwarded to it.
    with government_context(bandung):
        report_transition(acting_user=admin, tracking_number=public, to_status="verified", note="")
        assert Delivery.objects.filter(state=DeliveryState.PENDING).count() == 0
