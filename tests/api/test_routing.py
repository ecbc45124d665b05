"""Routing rules, simulator, inbox and notifications through the API, across two governments."""

from __future__ import annotations

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import seated_official
from tests.warga.reports.helpers import BANDUNG_VILLAGE, submit
from warga.accounts.models import User
from warga.notifications.models import Notification
from warga.organization.models import PositionKind, Unit, UnitKind
from warga.routing.models import RoutingAuditEvent, RuleSet

BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
PUBLIC_HOST = "localhost"


@pytest.fixture
def admin(bandung: Government) -> User:
    return seated_official(bandung, kind=PositionKind.ADMIN_KOORDINATOR)


@pytest.fixture
def camat(bandung: Government) -> User:
    return seated_official(bandung, kind=PositionKind.CAMAT, unit__region_code="32.73.01")


def test_admin_saves_a_rule_version_and_restores_the_first(bandung: Government, admin: User) -> None:
    client = signed_in_client(admin)
    current = client.get("/api/v1/routing/rules/", HTTP_HOST=BANDUNG_HOST)
    assert current.status_code == 200
    assert current.json()["version"] == 1
    rules = [{k: v for k, v in rule.items() if k != "order"} for rule in current.json()["rules"]]
    rules.insert(0, {"name": "Sukasari: semua ke camat", "area_prefix": "32.73.01", "notify": ["camat"]})
    saved = client.post(
        "/api/v1/routing/rules/",
        {"rules": rules, "note": "uji"},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert saved.status_code == 201, saved.json()
    assert saved.json()["version"] == 2
    assert saved.json()["rules"][0]["area_prefix"] == "32.73.01"
    simulated = client.post(
        "/api/v1/routing/simulate/",
        {"category_code": "jalan_rusak", "village_code": BANDUNG_VILLAGE, "type": "pengaduan"},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    ).json()
    assert simulated["rule"]["name"] == "Sukasari: semua ke camat"
    assert simulated["handling_unit"] is None
    assert [n["target"] for n in simulated["notified"]] == ["camat"]
    restored = client.post("/api/v1/routing/rule-sets/1/restore/", HTTP_HOST=BANDUNG_HOST)
    assert restored.status_code == 201
    assert restored.json()["version"] == 3
    versions = client.get("/api/v1/routing/rule-sets/", HTTP_HOST=BANDUNG_HOST).json()
    assert [(v["version"], v["is_active"], v["restored_from"]) for v in versions] == [
        (3, True, 1),
        (2, False, None),
        (1, False, None),
    ]
    with government_context(bandung):
        assert list(RoutingAuditEvent.objects.order_by("id").values_list("kind", "actor_id")) == [
            ("rule_set.saved", None),
            ("rule_set.saved", admin.pk),
            ("rule_set.restored", admin.pk),
        ]


def test_a_malformed_rule_is_a_400_naming_the_field(bandung: Government, admin: User) -> None:
    response = signed_in_client(admin).post(
        "/api/v1/routing/rules/",
        {"rules": [{"name": "x", "category_codes": ["bukan_kategori"]}]},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "rules[0].category_codes": [{"code": "invalid", "message": "Kategori tidak dikenal: bukan_kategori."}]
    }
    with government_context(bandung):
        assert RuleSet.objects.count() == 1


def test_only_an_admin_koordinator_changes_rules_and_other_governments_officials_see_nothing(
    bandung: Government, jakarta: Government, camat: User
) -> None:
    body = {"rules": [{"name": "semua"}]}
    refused = signed_in_client(camat).post(
        "/api/v1/routing/rules/", body, content_type="application/json", HTTP_HOST=BANDUNG_HOST
    )
    assert refused.status_code == 403
    assert "admin koordinator" in refused.json()["error"]["message"]
    # A Jakarta admin has no rights on Bandung's host.
    jakarta_admin = seated_official(jakarta, kind=PositionKind.ADMIN_KOORDINATOR)
    for path in ("/api/v1/routing/rules/", "/api/v1/inbox/"):
        assert signed_in_client(jakarta_admin).get(path, HTTP_HOST=BANDUNG_HOST).status_code == 403
    assert (
        signed_in_client(jakarta_admin)
        .post("/api/v1/routing/rules/", body, content_type="application/json", HTTP_HOST=BANDUNG_HOST)
        .status_code
        == 403
    )
    # A citizen is refused too, and the public host has no rules at all.
    assert signed_in_client(UserFactory()).get("/api/v1/routing/rules/", HTTP_HOST=BANDUNG_HOST).status_code == 403
    with government_context(bandung):
        assert RuleSet.objects.count() == 1


def test_inbox_and_notifications_through_the_api(bandung: Government, jakarta: Government, camat: User) -> None:
    reporter = UserFactory()
    number = submit(reporter).tracking_number
    inbox = signed_in_client(camat).get("/api/v1/inbox/?limit=5&sla_state=on_time", HTTP_HOST=BANDUNG_HOST)
    assert inbox.status_code == 200
    assert [(r["tracking_number"], r["sla_state"]) for r in inbox.json()["results"]] == [(number, "on_time")]
    assert inbox.json()["total"] == 1
    bad = signed_in_client(camat).get("/api/v1/inbox/?sla_state=kapan2", HTTP_HOST=BANDUNG_HOST)
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["sla_state"]

    client = signed_in_client(camat)
    assert client.get("/api/v1/notifications/unread-count/", HTTP_HOST=BANDUNG_HOST).json() == {"unread": 1}
    listed = client.get("/api/v1/notifications/", HTTP_HOST=BANDUNG_HOST).json()["results"]
    assert [(n["kind"], n["details"]["tracking_number"]) for n in listed] == [("report_routed", number)]
    # The reporter cannot read the camat's notification; the camat can.
    other = signed_in_client(reporter).post(f"/api/v1/notifications/{listed[0]['id']}/read/", HTTP_HOST=BANDUNG_HOST)
    assert other.status_code == 404
    assert client.post(f"/api/v1/notifications/{listed[0]['id']}/read/", HTTP_HOST=BANDUNG_HOST).status_code == 200
    assert client.get("/api/v1/notifications/unread-count/", HTTP_HOST=BANDUNG_HOST).json() == {"unread": 0}
    # Jakarta's host knows nothing of it.
    assert client.get("/api/v1/notifications/unread-count/", HTTP_HOST=JAKARTA_HOST).json() == {"unread": 0}
    assert client.get("/api/v1/notifications/", HTTP_HOST=PUBLIC_HOST).status_code == 404

    prefs = client.put(
        "/api/v1/notifications/preferences/",
        {"email": False, "sms": True},
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert {k: prefs.json()[k] for k in ("in_app", "email", "sms")} == {"in_app": True, "email": False, "sms": True}
    jakarta_prefs = client.get("/api/v1/notifications/preferences/", HTTP_HOST=JAKARTA_HOST).json()
    assert {k: jakarta_prefs[k] for k in ("in_app", "email", "sms")} == {"in_app": True, "email": True, "sms": False}
    with government_context(jakarta):
        assert not Notification.objects.exists()
    with government_context(bandung):
        assert Unit.objects.filter(kind=UnitKind.AGENCY).count() == 10


def test_inbox_pages_past_the_counting_cap(bandung: Government, camat: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("warga.routing.selectors.inbox.INBOX_COUNT_CAP", 2)
    for _ in range(3):
        submit(UserFactory())
    client = signed_in_client(camat)
    first = client.get("/api/v1/inbox/?limit=2", HTTP_HOST=BANDUNG_HOST).json()
    assert (first["total"], first["total_exact"], first["next_offset"], len(first["results"])) == (2, False, 2, 2)
    last = client.get("/api/v1/inbox/?limit=2&offset=2", HTTP_HOST=BANDUNG_HOST).json()
    assert (last["total_exact"], last["next_offset"], len(last["results"])) == (False, None, 1)
    seen = {r["tracking_number"] for r in first["results"] + last["results"]}
    assert len(seen) == 3
    exact = client.get("/api/v1/inbox/?sla_state=overdue", HTTP_HOST=BANDUNG_HOST).json()
    assert (exact["total"], exact["total_exact"], exact["next_offset"]) == (0, True, None)
