"""Webhooks through the v1 API and the admin console: the admin koordinator of a government
manages its own on its own host; Kota Bandung's admin can neither list nor replay nor change
DKI Jakarta's endpoints or deliveries, on Jakarta's host or on Bandung's, and nothing changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import membership_in, official_of, with_totp
from tests.warga.webhooks.receiver import Receiver, local_receiver
from warga.webhooks.models import Delivery, Endpoint
from warga.webhooks.services import delivery_attempt, endpoint_create, endpoint_ping

BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    with local_receiver(settings) as running:
        yield running


def _state(*governments: Government) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for government in governments:
        with government_context(government):
            state[government.code] = (
                list(Endpoint.objects.order_by("id").values_list("id", "name", "state", "url")),
                list(Delivery.objects.order_by("id").values_list("id", "state", "attempts")),
            )
    return state


def test_the_admin_koordinator_manages_webhooks_through_the_api(bandung: Government, receiver: Receiver) -> None:
    client = signed_in_client(official_of(bandung))
    response = client.post(
        "/api/v1/webhooks/",
        json.dumps({"name": "Sistem aduan", "url": receiver.url, "events": ["report.created", "report.resolved"]}),
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert (created["events"], created["state"]) == (["report.created", "report.resolved"], "active")
    receiver.secret = created["secret"]
    with government_context(bandung):
        assert created["secret"] not in Endpoint.objects.get(pk=created["id"]).secret_encrypted
    listed = client.get("/api/v1/webhooks/", HTTP_HOST=BANDUNG_HOST)
    assert [item["id"] for item in listed.json()] == [created["id"]]
    assert created["secret"] not in listed.content.decode()
    base = f"/api/v1/webhooks/{created['id']}"
    assert client.post(f"{base}/pause/", HTTP_HOST=BANDUNG_HOST).json()["state"] == "paused"
    assert client.post(f"{base}/resume/", HTTP_HOST=BANDUNG_HOST).json()["state"] == "active"
    assert client.post(f"{base}/ping/", HTTP_HOST=BANDUNG_HOST).status_code == 200
    with government_context(bandung):
        (delivery_id,) = Delivery.objects.values_list("id", flat=True)
        assert delivery_attempt(delivery_id=delivery_id).outcome == "delivered"
    log = client.get(f"{base}/deliveries/", HTTP_HOST=BANDUNG_HOST).json()
    assert [(d["event"], d["state"], d["status_code"], d["attempts"]) for d in log] == [("ping", "delivered", 200, 1)]
    assert log[0]["latency_ms"] is not None
    replayed = client.post(f"/api/v1/webhook-deliveries/{delivery_id}/replay/", HTTP_HOST=BANDUNG_HOST)
    assert replayed.status_code == 201
    assert (replayed.json()["replay_of_id"], replayed.json()["state"]) == (delivery_id, "pending")
    refused = client.post(
        "/api/v1/webhooks/",
        json.dumps({"name": "Salah", "url": "ftp://example.org/", "events": ["report.created"]}),
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert refused.status_code == 400
    assert "https://" in refused.json()["error"]["fields"]["url"][0]["message"]
    assert client.delete(base + "/", HTTP_HOST=BANDUNG_HOST).status_code == 204
    with government_context(bandung):
        assert not Endpoint.objects.exists()
        assert not Delivery.objects.exists()


def test_bandung_cannot_reach_jakartas_webhooks_on_either_host(
    bandung: Government, jakarta: Government, receiver: Receiver
) -> None:
    with government_context(jakarta):
        endpoint = endpoint_create(name="Jakarta Kini", url=receiver.url, events=["report.created"]).endpoint
        delivery = endpoint_ping(endpoint_id=endpoint.pk)
    before = _state(bandung, jakarta)
    bandung_admin = signed_in_client(official_of(bandung))
    citizen = signed_in_client(UserFactory())
    base = f"/api/v1/webhooks/{endpoint.pk}"
    for client in (bandung_admin, citizen, Client()):
        # On Jakarta's host: not an official there.
        for method, path in [
            ("get", "/api/v1/webhooks/"),
            ("get", f"{base}/"),
            ("get", f"{base}/deliveries/"),
            ("post", f"{base}/pause/"),
            ("post", f"/api/v1/webhook-deliveries/{delivery.pk}/replay/"),
            ("delete", f"{base}/"),
        ]:
            response = getattr(client, method)(path, HTTP_HOST=JAKARTA_HOST)
            assert response.status_code in {401, 403}, (path, response.status_code)
        for method, path in [
            ("get", "/kantor/admin/webhook/"),
            ("get", f"/kantor/admin/webhook/{endpoint.pk}/"),
            ("post", f"/kantor/admin/webhook/{endpoint.pk}/hapus/"),
            ("post", f"/kantor/admin/webhook/pengiriman/{delivery.pk}/ulang/"),
        ]:
            response = getattr(client, method)(path, HTTP_HOST=JAKARTA_HOST)
            assert response.status_code in {302, 403}, (path, response.status_code)
    # Bandung's camat is an official, but not the one who manages webhooks.
    camat = with_totp(UserFactory())
    membership_in(bandung, camat, kind="camat")
    refused = signed_in_client(camat).get("/api/v1/webhooks/", HTTP_HOST=BANDUNG_HOST)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "position_not_allowed")
    assert signed_in_client(camat).get("/kantor/admin/webhook/", HTTP_HOST=BANDUNG_HOST).status_code == 403
    # On Bandung's own host, Jakarta's ids name nothing.
    assert bandung_admin.get("/api/v1/webhooks/", HTTP_HOST=BANDUNG_HOST).json() == []
    for method, path in [
        ("get", f"{base}/"),
        ("get", f"{base}/deliveries/"),
        ("post", f"{base}/pause/"),
        ("post", f"{base}/ping/"),
        ("post", f"/api/v1/webhook-deliveries/{delivery.pk}/replay/"),
        ("delete", f"{base}/"),
        ("get", f"/kantor/admin/webhook/{endpoint.pk}/"),
        ("post", f"/kantor/admin/webhook/{endpoint.pk}/jeda/"),
        ("post", f"/kantor/admin/webhook/pengiriman/{delivery.pk}/ulang/"),
    ]:
        response = getattr(bandung_admin, method)(path, HTTP_HOST=BANDUNG_HOST)
        assert response.status_code == 404, (path, response.status_code)
    assert "Jakarta Kini" not in bandung_admin.get("/kantor/admin/webhook/", HTTP_HOST=BANDUNG_HOST).content.decode()
    assert _state(bandung, jakarta) == before
    assert receiver.received == []


def test_the_console_shows_the_secret_once_and_the_delivery_log(bandung: Government, receiver: Receiver) -> None:
    client = signed_in_client(official_of(bandung))
    response = client.post(
        "/kantor/admin/webhook/",
        {"name": "Sistem aduan", "url": receiver.url, "events": ["report.created", "report.disputed"]},
        HTTP_HOST=BANDUNG_HOST,
    )
    assert response.status_code == 201, response.content.decode()[:2000]
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    with government_context(bandung):
        endpoint = Endpoint.objects.get()
    assert endpoint.events == ["report.created", "report.disputed"]
    secret = page.split("<code>", 1)[1].split("</code>", 1)[0]
    assert secret.startswith("whsec_")
    receiver.secret = secret
    assert secret not in client.get("/kantor/admin/webhook/", HTTP_HOST=BANDUNG_HOST).content.decode()
    # A test ping, sent, shows in the log with its answer and time taken; then replayed.
    assert client.post(f"/kantor/admin/webhook/{endpoint.pk}/uji/", HTTP_HOST=BANDUNG_HOST).status_code == 302
    with government_context(bandung):
        (delivery_id,) = Delivery.objects.values_list("id", flat=True)
        assert delivery_attempt(delivery_id=delivery_id).outcome == "delivered"
    log = client.get(f"/kantor/admin/webhook/{endpoint.pk}/", HTTP_HOST=BANDUNG_HOST).content.decode()
    assert "ping" in log
    assert "<td>200</td>" in log
    assert " ms</td>" in log
    replay = client.post(f"/kantor/admin/webhook/pengiriman/{delivery_id}/ulang/", HTTP_HOST=BANDUNG_HOST)
    assert replay.status_code == 302
    with government_context(bandung):
        assert Delivery.objects.filter(replay_of_id=delivery_id).count() == 1
    assert receiver.received[0].verified
    # A refused address is shown by its field, and nothing is written.
    refused = client.post(
        "/kantor/admin/webhook/",
        {"name": "Salah", "url": "ftp://example.org/", "events": ["report.created"]},
        HTTP_HOST=BANDUNG_HOST,
    )
    assert refused.status_code == 400
    assert "https://" in refused.content.decode()
    with government_context(bandung):
        assert Endpoint.objects.count() == 1
