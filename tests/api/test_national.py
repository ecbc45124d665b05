"""National oversight over HTTP: dashboard, province restriction, export, open data, health
(with a stalled relay)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import membership_in, verified_user, with_totp
from tests.warga.reports.helpers import JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.access.policy import ROLE_MESSAGES, Action
from warga.accounts.models import User
from warga.health.models import WorkerHeartbeat
from warga.national.selectors import RELAY_STALL_AFTER_FAILURES
from warga.national.services import RelayEventInvalid, relay_drain
from warga.organization.models import Position, Unit, UnitKind
from warga.outbox.models import OutboxEvent

PUBLIC = "localhost"
NATIONAL_HOST = "nasional.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
BANDUNG_HOST = "kota-bandung.localhost"
DESCRIPTION = "Lampu jalan mati di depan rumah Pak Budi sejak Senin."


def _in_jakarta(reporter: User, **fields: Any) -> str:
    return submit(
        reporter, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1], village_code=JAKARTA_VILLAGE, **fields
    ).tracking_number


def _drain(*governments: Government) -> None:
    for government in governments:
        with government_context(government):
            relay_drain(government=government)


def _overseer(government: Government, email: str, kind: str) -> Client:
    user = with_totp(verified_user(email))
    membership_in(government, user, kind=kind)
    return signed_in_client(user)


@pytest.fixture
def reports(bandung: Government, jakarta: Government) -> dict[str, list[str]]:
    """Two reports in Kota Bandung, one in DKI Jakarta, relayed."""
    made = {
        "32.73": [submit(UserFactory(), description=DESCRIPTION).tracking_number for _ in range(2)],
        "31": [_in_jakarta(UserFactory(), description=DESCRIPTION)],
    }
    _drain(bandung, jakarta)
    return made


def test_national_dashboard_covers_the_country(national: Government, reports: dict[str, list[str]]) -> None:
    client = _overseer(national, "pengawas@nasional.go.id", "pengawas_nasional")
    response = client.get("/api/v1/national/dashboard/", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"] == {"province_code": None}
    assert body["kpis"] | {"median_hours_to_first_response": None} == {
        "volume": 3,
        "open": 3,
        "resolved": 0,
        "resolved_percent": 0.0,
        "sla_compliance_percent": None,
        "sla_steps_known": 0,
        "median_hours_to_first_response": None,
        "median_hours_to_resolution": None,
        "rating_mean": None,
        "ratings": 0,
        "disputes": 0,
        "disputed_reports": 0,
    }
    assert body["breakdown"]["level"] == "province"
    assert [(r["code"], r["name"], r["volume"], r["open"]) for r in body["breakdown"]["regions"]] == [
        ("32", "Jawa Barat", 2, 2),
        ("31", "Daerah Khusus Ibukota Jakarta", 1, 1),
    ]
    assert body["categories"] == [{"category_code": "jalan_rusak", "type": "pengaduan", "volume": 3}]
    assert len(body["series"]) == 30
    assert body["series"][-1] == {"day": timezone.localdate().isoformat(), "volume": 3}
    # Two regencies, both under the minimum volume: listed, not ranked.
    assert body["rankings"]["ranked"] == []
    assert [r["code"] for r in body["rankings"]["below_min_volume"]] == ["31.71", "32.73"]
    assert body["freshness"]["batches"] == 2
    assert body["freshness"]["events"] == 3

    drill = client.get("/api/v1/national/dashboard/?region=32.73&min_volume=1", HTTP_HOST=NATIONAL_HOST).json()
    assert drill["breakdown"]["level"] == "district"
    assert [(r["code"], r["volume"]) for r in drill["breakdown"]["regions"]] == [("32.73.01", 2)]
    # Only Kota Bandung's kecamatan are ranked, not Jakarta's.
    assert [(r["code"], r["rank"]) for r in drill["rankings"]["ranked"]] == [("32.73.01", 1)]


def test_a_province_sees_only_its_own_regions(jakarta: Government, reports: dict[str, list[str]]) -> None:
    client = _overseer(jakarta, "gubernur@jakarta.go.id", "admin_koordinator")
    body = client.get("/api/v1/national/dashboard/", HTTP_HOST=JAKARTA_HOST).json()
    assert body["scope"] == {"province_code": "31"}
    assert body["kpis"]["volume"] == 1
    assert body["breakdown"]["level"] == "regency"
    assert [r["code"] for r in body["breakdown"]["regions"]] == ["31.71"]
    assert [r["code"] for r in body["rankings"]["below_min_volume"]] == ["31.71"]

    # Bandung's regions are not reachable by drilling down or exporting.
    outside = client.get("/api/v1/national/dashboard/?region=32.73", HTTP_HOST=JAKARTA_HOST)
    assert outside.status_code == 404
    assert "di luar provinsi ini" in outside.json()["error"]["message"]
    export = client.get("/api/v1/national/export/", HTTP_HOST=JAKARTA_HOST)
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))  # type: ignore[arg-type]
    assert [row[0] for row in rows[1:]] == reports["31"]


def test_the_dashboard_is_for_overseers_only(
    national: Government, bandung: Government, reports: dict[str, list[str]]
) -> None:
    path = "/api/v1/national/dashboard/"
    assert Client().get(path, HTTP_HOST=NATIONAL_HOST).status_code == 403
    citizen = signed_in_client(UserFactory())
    assert citizen.get(path, HTTP_HOST=NATIONAL_HOST).status_code == 403
    # An official of Kota Bandung is nobody on the national host...
    bandung_official = _overseer(bandung, "lurah@bandung.go.id", "admin_koordinator")
    refused = bandung_official.get(path, HTTP_HOST=NATIONAL_HOST)
    assert refused.status_code == 403
    assert "tidak memegang jabatan aktif" in refused.json()["error"]["message"]
    # ...and a kabupaten/kota host has no oversight view at all.
    assert bandung_official.get(path, HTTP_HOST=BANDUNG_HOST).status_code == 404
    assert bandung_official.get("/api/v1/national/export/", HTTP_HOST=BANDUNG_HOST).status_code == 404
    # An overseer without two-step verification is sent to set it up first.
    no_totp = verified_user("tanpa-totp@nasional.go.id")
    membership_in(national, no_totp, kind="pengawas_nasional")
    assert signed_in_client(no_totp).get(path, HTTP_HOST=NATIONAL_HOST).status_code == 403


def test_export_streams_every_fact_without_personal_data(national: Government, reports: dict[str, list[str]]) -> None:
    client = _overseer(national, "ekspor@nasional.go.id", "pengawas_nasional")
    response = client.get("/api/v1/national/export/", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["tracking_number", "owner_code", "province_code"]
    assert sorted(row[0] for row in rows[1:]) == sorted(reports["32.73"] + reports["31"])
    assert "Pak Budi" not in text


def test_the_export_is_a_policy_action_refused_to_seats_without_the_whole_picture(
    national: Government, jakarta: Government, reports: dict[str, list[str]]
) -> None:
    """Any official of the host could download every report fact; now the policy decides."""

    def seated(government: Government, kind: str) -> Client:
        with government_context(government):
            if not Position.objects.filter(kind=kind).exists():
                Position.objects.create(unit=Unit.objects.get(kind=UnitKind.GOVERNMENT), kind=kind, title=kind)
        return _overseer(government, f"{kind}-{government.code}@example.id", kind)

    for government, host, kind in (
        (national, NATIONAL_HOST, "petugas_lapangan"),
        (jakarta, JAKARTA_HOST, "kepala_dinas"),
        (jakarta, JAKARTA_HOST, "petugas_lapangan"),
    ):
        client = seated(government, kind)
        refused = client.get("/api/v1/national/export/", HTTP_HOST=host)
        assert refused.status_code == 403, (kind, host)
        assert refused.json()["error"]["message"] == ROLE_MESSAGES[Action.NATIONAL_EXPORT]
        assert not refused.streaming
    for government, host, kind in ((national, NATIONAL_HOST, "pimpinan"), (jakarta, JAKARTA_HOST, "gubernur")):
        client = seated(government, kind)
        assert client.get("/api/v1/national/export/", HTTP_HOST=host).status_code == 200, (kind, host)


def test_invalid_period_is_a_400_that_says_why(national: Government, db: None) -> None:
    client = _overseer(national, "periode@nasional.go.id", "pengawas_nasional")
    response = client.get("/api/v1/national/dashboard/?start=2026-05-01&end=2026-04-01", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["start"][0]["message"] == (
        "Tanggal awal harus sebelum atau sama dengan tanggal akhir."
    )


def test_open_data_suppresses_cells_under_five(bandung: Government) -> None:
    for _ in range(5):
        submit(UserFactory())
    for _ in range(2):
        submit(UserFactory(), category_code="sampah")
    _drain(bandung)
    month = timezone.localdate().strftime("%Y-%m")

    response = Client().get("/api/v1/open-data/reports/", HTTP_HOST=PUBLIC)
    assert response.status_code == 200
    assert response.json()["cells"] == [
        {"month": month, "region_code": "32.73", "category_code": "jalan_rusak", "reports": 5, "suppressed": False},
        {"month": month, "region_code": "32.73", "category_code": "sampah", "reports": None, "suppressed": True},
    ]
    as_csv = Client().get("/api/v1/open-data/reports/?output=csv", HTTP_HOST=PUBLIC)
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv.content.decode().splitlines() == [
        "month,region_code,category_code,reports",
        f"{month},32.73,jalan_rusak,5",
        f"{month},32.73,sampah,<5",
    ]
    assert Client().get("/api/v1/open-data/reports/", HTTP_HOST=BANDUNG_HOST).status_code == 404


def _operator() -> Client:
    """Staff signed in with TOTP: the one reader of the national host's health details."""
    operator = with_totp(verified_user("operator-sehat@example.id", is_staff=True))
    return signed_in_client(operator)


def test_healthz_of_the_national_host_shows_the_relay_lag(national: Government, reports: dict[str, list[str]]) -> None:
    body = json.loads(_operator().get("/healthz", HTTP_HOST=NATIONAL_HOST).content)
    national_check = body["checks"]["national"]
    assert national_check["ok"] is True
    assert (national_check["batches"], national_check["events"]) == (2, 3)
    assert 0 <= national_check["lag_p95_seconds"] <= national_check["lag_max_seconds"] < 60
    assert "national" not in json.loads(Client().get("/healthz", HTTP_HOST=BANDUNG_HOST).content)["checks"]


def test_a_stalled_relay_fails_the_national_healthz_and_shows_on_the_dashboard(
    national: Government, bandung: Government, jakarta: Government, reports: dict[str, list[str]]
) -> None:
    WorkerHeartbeat.objects.all().delete()
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="celery@uji", pid=4242, started_at=now, beat_at=now)
    assert Client().get("/healthz", HTTP_HOST=NATIONAL_HOST).status_code == 200
    with government_context(bandung):
        broken = OutboxEvent.objects.create(
            aggregate_type="report",
            aggregate_id=0,
            kind="report.rated",
            payload={"tracking_number": reports["32.73"][0], "rating": 9, "at": now.isoformat()},
            created_at=now,
        )
    for _ in range(RELAY_STALL_AFTER_FAILURES):
        with pytest.raises(RelayEventInvalid):
            _drain(bandung)

    # Anyone may probe the national host; only the status and the failing parts are shown.
    response = Client().get("/healthz", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "failing": ["national"]}
    overseer = _overseer(national, "pengawas-sehat@nasional.go.id", "pengawas_nasional")
    assert overseer.get("/healthz", HTTP_HOST=NATIONAL_HOST).json() == response.json()
    password_only = Client()
    password_only.force_login(with_totp(verified_user("operator-sandi@example.id", is_staff=True)))
    assert password_only.get("/healthz", HTTP_HOST=NATIONAL_HOST).json() == response.json()
    # The operator, signed in with TOTP, reads every check.
    body = _operator().get("/healthz", HTTP_HOST=NATIONAL_HOST).json()
    assert body["failing"] == ["national"]
    check = body["checks"]["national"]
    assert (check["ok"], check["state"]) == (False, "stalled")
    assert check["error"] == (
        f"relay of Kota Bandung (32.73) stalled on outbox event {broken.pk} after 3 failed runs: "
        f"RelayEventInvalid: Outbox event {broken.pk} (report.rated) in gov_32_73 cannot be relayed: rating 9 is not 1-5"
    )
    # Only the national host watches the relays.
    assert Client().get("/healthz", HTTP_HOST=BANDUNG_HOST).status_code == 200

    client = _overseer(national, "pengawas-relay@nasional.go.id", "pengawas_nasional")
    stalled = client.get("/api/v1/national/dashboard/", HTTP_HOST=NATIONAL_HOST).json()["freshness"]["stalled"]
    assert [(s["government_code"], s["government_name"], s["event_id"], s["failures"]) for s in stalled] == [
        ("32.73", "Kota Bandung", broken.pk, 3)
    ]
    # A province's overseers see their own province's relays only, not Bandung's error.
    governor = _overseer(jakarta, "gubernur-relay@jakarta.go.id", "gubernur")
    freshness = governor.get("/api/v1/national/dashboard/", HTTP_HOST=JAKARTA_HOST).json()["freshness"]
    assert freshness["stalled"] == []
    assert "RelayEventInvalid" not in json.dumps(freshness)
