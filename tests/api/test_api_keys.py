"""API keys: made by a government's admin koordinator (or the operator), shown once, kept as a
hash, scoped, bound to their own government's host, revoked at once, last use recorded.

Kota Bandung (32.73) and DKI Jakarta (31) each have a report; each refusal leaves both
governments' reports, trails and outboxes exactly as they were.
"""

from __future__ import annotations

import datetime
import io
import json
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import official_of, with_totp
from tests.unchanged import assert_nothing_changed
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE, JAKARTA_POINT, JAKARTA_VILLAGE, counts, submit
from warga.access.apikeys import api_key_hash
from warga.access.models import ApiKey
from warga.access.services import api_key_create
from warga.intake.models import ReportIndex
from warga.reports.models import Report

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"
ALL_SCOPES = ["reports:read", "reports:status", "reports:submit"]


def _key(government: Government, scopes: list[str] | None = None) -> str:
    return api_key_create(
        government=government, name="Aplikasi mitra", scopes=scopes or ALL_SCOPES, acting_user=None
    ).raw


def _get(path: str, *, host: str, key: str, header: str = "bearer") -> Any:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if header == "bearer" else {"HTTP_X_API_KEY": key}
    return Client().get(path, HTTP_HOST=host, **auth)


def _post(path: str, data: dict[str, Any], *, host: str, key: str) -> Any:
    return Client().post(
        path, json.dumps(data), content_type="application/json", HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def _state(*governments: Government) -> dict[str, Any]:
    state: dict[str, Any] = {"index": ReportIndex.objects.count()}
    for government in governments:
        with government_context(government):
            statuses = dict(Report.objects.values_list("tracking_number", "status"))
        state[government.code] = (counts(government), statuses)
    return state


@pytest.fixture
def reports(bandung: Government, jakarta: Government) -> tuple[str, str]:
    citizen = UserFactory()
    in_bandung = submit(citizen).tracking_number
    in_jakarta = submit(
        citizen, village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
    ).tracking_number
    return in_bandung, in_jakarta


# --- Making, showing once, storing hashed -------------------------------------------------------


def test_the_admin_koordinator_creates_a_key_shown_once_and_stored_as_a_hash(bandung: Government) -> None:
    admin = official_of(bandung)
    client = signed_in_client(admin)
    response = client.post(
        "/api/v1/api-keys/",
        json.dumps({"name": "SP4N-LAPOR! Kota Bandung", "scopes": ["reports:read"]}),
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    raw = body["key"]
    assert raw.startswith(f"wrg_{body['prefix']}_")
    assert len(raw) == 4 + 12 + 1 + 43
    stored = ApiKey.objects.get(pk=body["id"])
    assert stored.government_id == bandung.pk
    assert stored.scopes == ["reports:read"]
    assert stored.created_by_id == admin.pk
    # Only the HMAC is kept: the secret appears nowhere in the row.
    assert stored.secret_hash == api_key_hash(raw)
    assert len(stored.secret_hash) == 64
    assert raw not in json.dumps({f.name: str(getattr(stored, f.attname)) for f in ApiKey._meta.concrete_fields})
    assert not stored.account.has_usable_password()
    # Never shown again: the list has the prefix, not the key.
    listed = client.get("/api/v1/api-keys/", HTTP_HOST=BANDUNG_HOST)
    assert listed.status_code == 200
    assert [item["prefix"] for item in listed.json()] == [body["prefix"]]
    assert raw not in listed.content.decode()
    assert "key" not in listed.json()[0]


def test_only_the_admin_koordinator_of_this_government_manages_keys(bandung: Government, jakarta: Government) -> None:
    jakarta_admin = signed_in_client(official_of(jakarta))
    payload = json.dumps({"name": "Mitra", "scopes": ["reports:read"]})
    response = jakarta_admin.post("/api/v1/api-keys/", payload, content_type="application/json", HTTP_HOST=BANDUNG_HOST)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_official"
    citizen = signed_in_client(UserFactory())
    response = citizen.post("/api/v1/api-keys/", payload, content_type="application/json", HTTP_HOST=BANDUNG_HOST)
    assert response.status_code == 403
    assert ApiKey.objects.count() == 0
    # Nor can a key make keys.
    raw = _key(bandung)
    response = _post("/api/v1/api-keys/", {"name": "Mitra", "scopes": ["reports:read"]}, host=BANDUNG_HOST, key=raw)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "key_not_accepted"
    assert ApiKey.objects.count() == 1


def test_a_key_with_an_unknown_scope_is_refused_and_nothing_is_made(bandung: Government) -> None:
    client = signed_in_client(official_of(bandung))
    response = client.post(
        "/api/v1/api-keys/",
        json.dumps({"name": "Mitra", "scopes": ["reports:delete"]}),
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )
    assert response.status_code == 400
    assert "scopes" in response.json()["error"]["fields"]
    assert ApiKey.objects.count() == 0


def test_the_operator_creates_lists_and_revokes_a_national_intake_key(national: Government) -> None:
    out = io.StringIO()
    call_command(
        "api_key",
        "create",
        "--government",
        national.slug,
        "--name",
        "SP4N-LAPOR!",
        "--scope",
        "reports:submit",
        stdout=out,
    )
    raw = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.objects.get()
    assert key.government_id == national.pk
    assert key.created_by_id is None
    assert key.secret_hash == api_key_hash(raw)
    listing = io.StringIO()
    call_command("api_key", "list", "--government", national.slug, stdout=listing)
    assert key.prefix in listing.getvalue()
    assert raw not in listing.getvalue()
    call_command("api_key", "revoke", "--government", national.slug, "--id", str(key.pk), stdout=io.StringIO())
    key.refresh_from_db()
    assert key.revoked_at is not None


# --- Using a key ------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["bearer", "x-api-key"])
def test_a_read_key_reads_its_own_governments_report_and_records_its_use(
    bandung: Government, reports: tuple[str, str], header: str
) -> None:
    raw = _key(bandung, ["reports:read"])
    response = _get(f"/api/v1/reports/{reports[0]}/", host=BANDUNG_HOST, key=raw, header=header)
    assert response.status_code == 200, response.content
    assert response.json()["tracking_number"] == reports[0]
    assert ApiKey.objects.get().last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(bandung: Government, reports: tuple[str, str]) -> None:
    raw = _key(bandung, ["reports:read"])
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ApiKey.objects.update(last_used_at=long_ago)
    assert _get(f"/api/v1/reports/{reports[0]}/", host=BANDUNG_HOST, key=raw).status_code == 200
    first = ApiKey.objects.get().last_used_at
    assert first is not None
    assert first > long_ago
    assert _get(f"/api/v1/reports/{reports[0]}/", host=BANDUNG_HOST, key=raw).status_code == 200
    assert ApiKey.objects.get().last_used_at == first


def test_a_status_key_changes_a_status_and_the_trail_names_the_keys_account(
    bandung: Government, reports: tuple[str, str]
) -> None:
    raw = _key(bandung, ["reports:status"])
    response = _post(
        f"/api/v1/reports/{reports[0]}/transition/",
        {"to_status": "verified", "note": "Dari mitra."},
        host=BANDUNG_HOST,
        key=raw,
    )
    assert response.status_code == 200, response.content
    with government_context(bandung):
        report = Report.objects.get(tracking_number=reports[0])
        assert report.status == "verified"
        assert report.events.order_by("-id").first().actor_id == ApiKey.objects.get().account_id  # type: ignore[union-attr]


def test_scopes_are_enforced_and_a_refusal_changes_nothing(
    bandung: Government, jakarta: Government, reports: tuple[str, str]
) -> None:
    read_only = _key(bandung, ["reports:read"])
    submit_only = _key(bandung, ["reports:submit"])
    before = _state(bandung, jakarta)
    response = _post(
        f"/api/v1/reports/{reports[0]}/transition/", {"to_status": "verified"}, host=BANDUNG_HOST, key=read_only
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_missing"
    assert "reports:status" in response.json()["error"]["message"]
    response = _get(f"/api/v1/reports/{reports[0]}/", host=BANDUNG_HOST, key=submit_only)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_missing"
    # Operations that take no key refuse it, whatever its scopes.
    response = _get("/api/v1/inbox/", host=BANDUNG_HOST, key=read_only)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "key_not_accepted"
    assert _state(bandung, jakarta) == before


@pytest.mark.parametrize("host", [BANDUNG_HOST, JAKARTA_HOST, PUBLIC])
def test_a_bandung_key_cannot_touch_jakartas_report_on_any_host(
    bandung: Government, jakarta: Government, reports: tuple[str, str], host: str
) -> None:
    raw = _key(bandung)
    before = _state(bandung, jakarta)
    jakarta_number = reports[1]
    read = _get(f"/api/v1/reports/{jakarta_number}/", host=host, key=raw)
    write = _post(f"/api/v1/reports/{jakarta_number}/transition/", {"to_status": "verified"}, host=host, key=raw)
    if host == BANDUNG_HOST:
        # Jakarta's number does not exist on Bandung's host.
        assert (read.status_code, write.status_code) == (404, 404)
    else:
        # The public host has no status changes at all; Jakarta's host refuses Bandung's key.
        answers = (read, write) if host == JAKARTA_HOST else (read,)
        for response in answers:
            assert response.status_code == 403, response.content
            assert response.json()["error"]["code"] == "other_government"
            assert "Kota Bandung" in response.json()["error"]["message"]
        if host == PUBLIC:
            assert write.status_code == 404, write.content
            assert write.json()["error"]["code"] == "not_found"
    assert _state(bandung, jakarta) == before
    assert ApiKey.objects.get().last_used_at is None or host == BANDUNG_HOST


def test_a_bandung_key_cannot_file_a_report_on_the_public_host(bandung: Government, jakarta: Government) -> None:
    raw = _key(bandung)
    before = _state(bandung, jakarta)
    response = _post("/api/v1/reports/", _report_payload(), host=PUBLIC, key=raw)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "other_government"
    assert _state(bandung, jakarta) == before


def _report_payload() -> dict[str, Any]:
    return {
        "type": "pengaduan",
        "category_code": "jalan_rusak",
        "description": "Jalan berlubang di depan pasar, dilaporkan lewat pusat panggilan.",
        "latitude": BANDUNG_POINT[0],
        "longitude": BANDUNG_POINT[1],
        "village_code": BANDUNG_VILLAGE,
        "privacy": "publik",
        "idempotency_key": str(uuid.uuid4()),
    }


def test_the_national_intake_key_files_a_report_on_the_public_host(national: Government, bandung: Government) -> None:
    raw = _key(national, ["reports:submit"])
    response = _post("/api/v1/reports/", _report_payload(), host=PUBLIC, key=raw)
    assert response.status_code == 201, response.content
    assert response.json()["government_code"] == bandung.code
    # A key without the submit scope may not.
    read_only = _key(national, ["reports:read"])
    response = _post("/api/v1/reports/", _report_payload(), host=PUBLIC, key=read_only)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_missing"
    assert ReportIndex.objects.count() == 1


def test_a_key_files_for_many_citizens_past_one_citizens_hourly_limit(
    national: Government, bandung: Government, settings: Any
) -> None:
    """A call centre's key is one account filing for many people: the per-citizen limit (here 2
    an hour) does not apply to it; the key's own API throttle does."""
    settings.WARGA_INTAKE_RATE_LIMITS = [(3600, 2)]
    raw = _key(national, ["reports:submit"])
    for n in range(4):
        payload = _report_payload() | {
            "idempotency_key": str(uuid.uuid4()),
            "description": f"Laporan ke-{n + 1} lewat pusat panggilan.",
        }
        response = _post("/api/v1/reports/", payload, host=PUBLIC, key=raw)
        assert response.status_code == 201, response.content
    # A citizen signed in with a session is still held to it.
    citizen = signed_in_client(UserFactory())
    statuses = [
        citizen.post(
            "/api/v1/reports/",
            json.dumps(_report_payload() | {"idempotency_key": str(uuid.uuid4())}),
            content_type="application/json",
            HTTP_HOST=PUBLIC,
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_a_revoked_key_is_refused_at_once(bandung: Government, jakarta: Government, reports: tuple[str, str]) -> None:
    admin = signed_in_client(official_of(bandung))
    raw = _key(bandung)
    assert _get(f"/api/v1/reports/{reports[0]}/", host=BANDUNG_HOST, key=raw).status_code == 200
    key_id = ApiKey.objects.get().pk
    assert admin.post(f"/api/v1/api-keys/{key_id}/revoke/", HTTP_HOST=BANDUNG_HOST).status_code == 200
    before = _state(bandung, jakarta)
    read = _get(f"/api/v1/reports/{reports[0]}/", host=BANDUNG_HOST, key=raw)
    write = _post(f"/api/v1/reports/{reports[0]}/transition/", {"to_status": "verified"}, host=BANDUNG_HOST, key=raw)
    for response in (read, write):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "dicabut" in response.json()["error"]["message"]
    assert _state(bandung, jakarta) == before


def test_jakartas_admin_cannot_revoke_a_bandung_key(bandung: Government, jakarta: Government) -> None:
    _key(bandung)
    key_id = ApiKey.objects.get().pk
    jakarta_admin = signed_in_client(official_of(jakarta))
    with assert_nothing_changed(bandung, jakarta):
        response = jakarta_admin.post(f"/api/v1/api-keys/{key_id}/revoke/", HTTP_HOST=JAKARTA_HOST)
    assert response.status_code == 404
    assert ApiKey.objects.get().revoked_at is None


def test_a_wrong_or_malformed_key_is_refused(bandung: Government, reports: tuple[str, str]) -> None:
    raw = _key(bandung)
    forged = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    for candidate in (forged, "wrg_nope", "x" * 5000):
        response = _get(f"/api/v1/reports/{reports[0]}/", host=BANDUNG_HOST, key=candidate)
        assert response.status_code == 401


def test_sessions_keep_working_next_to_keys(bandung: Government, reports: tuple[str, str]) -> None:
    client = signed_in_client(official_of(bandung))
    assert client.get(f"/api/v1/reports/{reports[0]}/", HTTP_HOST=BANDUNG_HOST).status_code == 200
    assert Client().get(f"/api/v1/reports/{reports[0]}/", HTTP_HOST=PUBLIC).status_code == 200


def test_the_operator_revokes_a_key_from_the_operator_admin(bandung: Government) -> None:
    _key(bandung)
    key = ApiKey.objects.get()
    operator = with_totp(UserFactory(is_staff=True, is_superuser=True))
    client = signed_in_client(operator)
    listing = client.get("/operator/access/apikey/", HTTP_HOST=PUBLIC)
    assert listing.status_code == 200
    assert key.prefix in listing.content.decode()
    assert key.secret_hash not in listing.content.decode()
    response = client.post(
        "/operator/access/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, HTTP_HOST=PUBLIC
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_key_survives_a_rotation_of_the_secret_key(
    bandung: Government, reports: tuple[str, str], settings: Any
) -> None:
    """Keys hashed under the old SECRET_KEY work while it is listed in SECRET_KEY_FALLBACKS, are
    re-hashed under the new one on first use, and stop working under a key never listed."""
    key = _key(bandung)
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = (
        "a-new-secret-key-after-rotation-0123456789abcdef",
        [old_secret],
    )
    assert _get(f"/api/v1/reports/{reports[0]}/", host=BANDUNG_HOST, key=key).status_code == 200
    assert ApiKey.objects.get(prefix=key.split("_")[1]).secret_hash == api_key_hash(key)
    settings.SECRET_KEY_FALLBACKS = []
    assert _get(f"/api/v1/reports/{reports[0]}/", host=BANDUNG_HOST, key=key).status_code == 200
    settings.SECRET_KEY = "a-secret-key-that-never-hashed-this-api-key-9876543210"
    assert _get(f"/api/v1/reports/{reports[0]}/", host=BANDUNG_HOST, key=key).status_code == 401
