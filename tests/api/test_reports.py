from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.unchanged import assert_nothing_changed
from tests.warga.reports.helpers import (
    BANDUNG_POINT,
    BANDUNG_VILLAGE,
    BOGOR_POINT,
    BOGOR_VILLAGE,
    JAKARTA_POINT,
    JAKARTA_VILLAGE,
    counts,
    process_photos,
    submit,
)
from tests.warga.reports.images import distinct_image, image_bytes, jpeg_with_private_exif
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.reports.models import Report, ReportPhoto

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
JAKARTA_HOST = "dki-jakarta.localhost"


def _client(user: User | None = None) -> Client:
    return signed_in_client(user)


def _payload(**overrides: Any) -> dict[str, Any]:
    return {
        "type": "pengaduan",
        "category_code": "sampah",
        "description": "Sampah menumpuk di pinggir jalan sejak seminggu.",
        "latitude": BANDUNG_POINT[0],
        "longitude": BANDUNG_POINT[1],
        "village_code": BANDUNG_VILLAGE,
        "privacy": "publik",
        "idempotency_key": "api-kunci-0001",
    } | overrides


def _post(client: Client, path: str, data: dict[str, Any], host: str = PUBLIC, **headers: str) -> Any:
    return client.post(path, json.dumps(data), content_type="application/json", HTTP_HOST=host, **headers)


# --- Submit -------------------------------------------------------------------------------------


def test_citizen_submits_and_a_retry_gets_the_same_answer(bandung: Government, citizen: User) -> None:
    client = _client(citizen)
    first = _post(client, "/api/v1/reports/", _payload())
    again = _post(client, "/api/v1/reports/", _payload())

    assert first.status_code == 201
    body = first.json()
    assert re.fullmatch(r"32\.73-\d{4}-000001", body["tracking_number"])
    assert {k: body[k] for k in ("government_code", "government_name", "status", "category_code", "privacy")} == {
        "government_code": "32.73",
        "government_name": "Kota Bandung",
        "status": "received",
        "category_code": "sampah",
        "privacy": "publik",
    }
    assert (again.status_code, again.json()) == (201, body)
    assert (first["Idempotent-Replayed"], again["Idempotent-Replayed"]) == ("false", "true")
    assert counts(bandung) == (1, 1, 1)


def test_idempotency_key_may_come_in_the_header(bandung: Government, citizen: User) -> None:
    payload = _payload()
    del payload["idempotency_key"]
    client = _client(citizen)
    first = _post(client, "/api/v1/reports/", payload, HTTP_IDEMPOTENCY_KEY="kunci-di-header-1")
    again = _post(client, "/api/v1/reports/", payload, HTTP_IDEMPOTENCY_KEY="kunci-di-header-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["tracking_number"] == first.json()["tracking_number"]
    assert ReportIndex.objects.get().idempotency_key == "kunci-di-header-1"


def test_invalid_submission_is_a_400_with_indonesian_field_messages(bandung: Government, citizen: User) -> None:
    response = _post(_client(citizen), "/api/v1/reports/", _payload(latitude=8.0, description=""))
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "Laporan belum dapat diproses: periksa isian yang ditandai.",
            "fields": {
                "description": [{"code": "required", "message": "Uraian laporan wajib diisi: ceritakan masalahnya."}],
                "latitude": [
                    {
                        "code": "outside_indonesia",
                        "message": "Lintang 8.0 berada di luar wilayah Indonesia (-11.0 sampai 6.5).",
                    }
                ],
            },
        }
    }
    assert counts(bandung) == (0, 0, 0)


def test_malformed_fields_use_the_same_error_body(bandung: Government, citizen: User) -> None:
    payload = _payload(latitude="utara")
    del payload["village_code"]
    response = _post(_client(citizen), "/api/v1/reports/", payload)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert sorted(error["fields"]) == ["latitude", "village_code"]
    assert error["fields"]["village_code"][0]["code"] == "required"
    assert error["fields"]["latitude"][0]["code"] == "invalid"
    assert not ReportIndex.objects.exists()


def test_same_key_with_other_content_is_a_422(bandung: Government, citizen: User) -> None:
    client = _client(citizen)
    _post(client, "/api/v1/reports/", _payload())
    response = _post(client, "/api/v1/reports/", _payload(description="Isi lain."))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert counts(bandung) == (1, 1, 1)


def test_too_many_new_reports_is_a_429_with_retry_after(bandung: Government, citizen: User, settings: Any) -> None:
    settings.WARGA_INTAKE_RATE_LIMITS = ((3600, 1),)
    client = _client(citizen)
    assert _post(client, "/api/v1/reports/", _payload()).status_code == 201
    response = _post(client, "/api/v1/reports/", _payload(idempotency_key="api-kunci-0002"))
    assert response.status_code == 429
    assert 3590 <= int(response["Retry-After"]) <= 3600
    error = response.json()["error"]
    assert (error["code"], error["retry_after"]) == ("rate_limited", int(response["Retry-After"]))
    assert counts(bandung) == (1, 1, 1)


def test_submitting_needs_a_signed_in_citizen(bandung: Government) -> None:
    response = _post(_client(), "/api/v1/reports/", _payload())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_authenticated"
    assert counts(bandung) == (0, 0, 0)


def test_submitting_on_a_government_host_is_not_offered(bandung: Government, citizen: User) -> None:
    response = _post(_client(citizen), "/api/v1/reports/", _payload(), host=BANDUNG_HOST)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        "Tersedia di aplikasi warga (alamat nasional), bukan di alamat pemerintah daerah."
    )
    assert counts(bandung) == (0, 0, 0)


def test_citizen_submits_photos_as_multipart(
    bandung: Government, citizen: User, django_capture_on_commit_callbacks: Any
) -> None:
    photo = jpeg_with_private_exif()
    response = _client(citizen).post(
        "/api/v1/reports/",
        _payload() | {"photos": [SimpleUploadedFile("a.jpg", photo), SimpleUploadedFile("b.txt", b"bukan foto")]},
        HTTP_HOST=PUBLIC,
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "photos": [{"code": "not_an_image", "message": "Foto ke-2 bukan gambar JPEG, PNG, WebP atau HEIC yang utuh."}]
    }
    response = _client(citizen).post(
        "/api/v1/reports/", _payload() | {"photos": [SimpleUploadedFile("a.jpg", photo)]}, HTTP_HOST=PUBLIC
    )
    assert response.status_code == 201
    number = response.json()["tracking_number"]
    # The report is there at once; its photo is shown as being processed, never sent raw.
    detail = _client().get(f"/api/v1/reports/{number}/", HTTP_HOST=PUBLIC).json()
    assert len(detail["photo_ids"]) == 1
    photo_id = detail["photo_ids"][0]
    assert detail["photos"] == [{"id": photo_id, "state": "processing"}]
    waiting = _client().get(f"/api/v1/reports/{number}/photos/{photo_id}/", HTTP_HOST=PUBLIC)
    assert (waiting.status_code, waiting["Retry-After"], waiting.json()["error"]["code"]) == (
        409,
        "5",
        "photo_processing",
    )
    assert b"Budi Santoso" not in waiting.content

    process_photos(bandung, django_capture_on_commit_callbacks)
    detail = _client().get(f"/api/v1/reports/{number}/", HTTP_HOST=PUBLIC).json()
    assert detail["photos"] == [{"id": photo_id, "state": "ready"}]
    served = [
        _client().get(f"/api/v1/reports/{number}/photos/{photo_id}/{variant}", HTTP_HOST=PUBLIC)
        for variant in ("", "?variant=thumbnail")
    ]
    sizes = []
    for response in served:
        assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
        content = b"".join(response.streaming_content)  # type: ignore[arg-type]
        assert b"Budi Santoso" not in content
        sizes.append(len(content))
    # Closing a file response ends the request, and with it the test's connection: last.
    for response in served:
        response.close()
    assert sizes[1] < sizes[0]


# --- Lookup and privacy -----------------------------------------------------------------------------


@pytest.mark.parametrize("privacy", ["publik", "anonim"])
def test_public_lookup_never_shows_the_reporter(bandung: Government, citizen: User, privacy: str) -> None:
    number = submit(citizen, privacy=privacy).tracking_number
    response = _client().get(f"/api/v1/reports/{number}/", HTTP_HOST=PUBLIC)
    assert response.status_code == 200
    body = response.json()
    assert (body["tracking_number"], body["privacy"], body["is_mine"]) == (number, privacy, False)
    assert [entry["status"] for entry in body["timeline"]] == ["received"]
    text = response.content.decode()
    assert "reporter" not in text
    assert str(citizen.pk) not in text
    assert citizen.email not in text


@pytest.mark.parametrize(("viewer", "status"), [("anonymous", 404), ("other_citizen", 404), ("owner", 200)], ids=str)
def test_rahasia_report_is_hidden_from_the_public(bandung: Government, citizen: User, viewer: str, status: int) -> None:
    number = submit(citizen, privacy="rahasia").tracking_number
    user = {"anonymous": None, "other_citizen": UserFactory(), "owner": citizen}[viewer]
    response = _client(user).get(f"/api/v1/reports/{number}/", HTTP_HOST=PUBLIC)
    assert response.status_code == status
    if status == 404:
        assert response.json() == {
            "error": {"code": "not_found", "message": "Laporan dengan nomor itu tidak ditemukan."}
        }
    else:
        assert response.json()["is_mine"] is True


@pytest.mark.parametrize(
    ("viewer", "host", "status"),
    [
        ("anonymous", PUBLIC, 404),
        ("other_citizen", PUBLIC, 404),
        ("owner", PUBLIC, 200),
        ("official", BANDUNG_HOST, 200),
        ("official", JAKARTA_HOST, 404),
    ],
)
def test_photo_of_a_rahasia_report_follows_the_report(
    bandung: Government,
    jakarta: Government,
    citizen: User,
    official: User,
    viewer: str,
    host: str,
    status: int,
    django_capture_on_commit_callbacks: Any,
) -> None:
    number = submit(citizen, privacy="rahasia", photos=[SimpleUploadedFile("a.jpg", image_bytes())]).tracking_number
    process_photos(bandung, django_capture_on_commit_callbacks)
    with government_context(bandung):
        photo_id = ReportPhoto.objects.get().pk
    user = {"anonymous": None, "other_citizen": UserFactory(), "owner": citizen, "official": official}[viewer]
    response = _client(user).get(f"/api/v1/reports/{number}/photos/{photo_id}/", HTTP_HOST=host)
    assert response.status_code == status
    if response.streaming:
        response.close()  # the served file; a plain response was already closed by the client


def test_unknown_tracking_number_is_a_404(db: None) -> None:
    response = _client().get("/api/v1/reports/32.73-2026-999999/", HTTP_HOST=PUBLIC)
    assert response.status_code == 404


@pytest.mark.parametrize(("privacy", "shown"), [("publik", True), ("anonim", False), ("rahasia", False)])
def test_official_view_hides_the_reporter_of_anonim_and_rahasia(
    bandung: Government, citizen: User, official: User, privacy: str, shown: bool
) -> None:
    number = submit(citizen, privacy=privacy).tracking_number
    response = _client(official).get(f"/api/v1/reports/{number}/", HTTP_HOST=BANDUNG_HOST)
    assert response.status_code == 200
    body = response.json()
    assert body["reporter_id"] == (str(citizen.pk) if shown else None)
    assert body["allowed_next"] == ["verified", "deferred", "transferred", "archived", "merged"]
    assert [(e["from_status"], e["to_status"]) for e in body["events"]] == [("", "received")]
    # The submission event's actor is the reporter: hidden with the rest of the identity.
    assert (str(citizen.pk) in response.content.decode()) is shown


def test_official_view_needs_a_signed_in_account(bandung: Government, citizen: User) -> None:
    number = submit(citizen).tracking_number
    assert _client().get(f"/api/v1/reports/{number}/", HTTP_HOST=BANDUNG_HOST).status_code == 403


# --- Transitions ----------------------------------------------------------------------------------


def test_official_moves_a_report_through_the_api(bandung: Government, citizen: User, official: User) -> None:
    number = submit(citizen).tracking_number
    response = _post(
        _client(official), f"/api/v1/reports/{number}/transition/", {"to_status": "verified"}, host=BANDUNG_HOST
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["allowed_next"]) == (
        "verified",
        ["in_progress", "deferred", "transferred", "archived", "merged"],
    )
    assert body["events"][-1] == {
        "actor_id": str(official.pk),
        "from_status": "received",
        "to_status": "verified",
        "note": "",
        "at": body["status_changed_at"],
    }


def test_invalid_transition_is_a_409_with_the_allowed_states(
    bandung: Government, citizen: User, official: User
) -> None:
    number = submit(citizen).tracking_number
    response = _post(
        _client(official), f"/api/v1/reports/{number}/transition/", {"to_status": "resolved"}, host=BANDUNG_HOST
    )
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "invalid_transition",
            "message": "Status laporan tidak dapat diubah dari 'received' ke 'resolved'. Status berikutnya yang "
            "diizinkan: verified, deferred, transferred, archived, merged.",
            "current": "received",
            "allowed": ["verified", "deferred", "transferred", "archived", "merged"],
        }
    }
    assert counts(bandung) == (1, 1, 1)


def test_transition_without_a_required_reason_is_a_400(bandung: Government, citizen: User, official: User) -> None:
    number = submit(citizen).tracking_number
    response = _post(
        _client(official), f"/api/v1/reports/{number}/transition/", {"to_status": "archived"}, host=BANDUNG_HOST
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["note"][0]["code"] == "note_required"
    assert counts(bandung) == (1, 1, 1)


def test_official_resolves_with_proof_through_the_api(bandung: Government, citizen: User, official: User) -> None:
    number = submit(citizen).tracking_number
    client = _client(official)
    for status in ("verified", "in_progress"):
        _post(client, f"/api/v1/reports/{number}/transition/", {"to_status": status}, host=BANDUNG_HOST)
    form = {
        "note": "Sudah ditambal.",
        "photos": [SimpleUploadedFile("bukti.jpg", distinct_image(9))],
        "captured_at": [timezone.now().isoformat()],
        "latitude": [BANDUNG_POINT[0]],
        "longitude": [BANDUNG_POINT[1] + 0.01],
    }
    far = client.post(f"/api/v1/reports/{number}/resolve/", form, HTTP_HOST=BANDUNG_HOST)
    assert far.status_code == 400
    assert far.json()["error"]["fields"]["proofs"][0]["code"] == "proof_too_far"
    form["photos"] = [SimpleUploadedFile("bukti.jpg", distinct_image(9))]
    form["longitude"] = [BANDUNG_POINT[1]]
    response = client.post(f"/api/v1/reports/{number}/resolve/", form, HTTP_HOST=BANDUNG_HOST)
    assert response.status_code == 200
    assert (response.json()["status"], len(response.json()["photo_ids"])) == ("resolved", 1)
    form["photos"] = [SimpleUploadedFile("bukti.jpg", distinct_image(10))]
    rated = _post(_client(citizen), f"/api/v1/reports/{number}/rate/", {"score": 5})
    assert (rated.status_code, rated.json()) == (200, {"tracking_number": number, "score": 5})
    assert _post(_client(citizen), f"/api/v1/reports/{number}/rate/", {"score": 0}).status_code == 400
    mismatched = client.post(
        f"/api/v1/reports/{number}/resolve/", {**form, "latitude": [1.0, 2.0]}, HTTP_HOST=BANDUNG_HOST
    )
    assert (mismatched.status_code, list(mismatched.json()["error"]["fields"])) == (400, ["latitude"])


def test_transitions_are_not_offered_on_the_public_host(bandung: Government, citizen: User, official: User) -> None:
    number = submit(citizen).tracking_number
    response = _post(_client(official), f"/api/v1/reports/{number}/transition/", {"to_status": "verified"})
    assert response.status_code == 404
    assert counts(bandung) == (1, 1, 1)


# --- Crossing tenants -------------------------------------------------------------------------------


def test_report_of_one_government_is_a_404_through_another_governments_host(
    bandung: Government, jakarta: Government, citizen: User, official: User
) -> None:
    number = submit(citizen).tracking_number
    client = _client(official)
    assert client.get(f"/api/v1/reports/{number}/", HTTP_HOST=JAKARTA_HOST).status_code == 404
    response = _post(client, f"/api/v1/reports/{number}/transition/", {"to_status": "verified"}, host=JAKARTA_HOST)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    with government_context(bandung):
        assert Report.objects.get().status == "received"
    assert counts(bandung) == (1, 1, 1)
    assert counts(jakarta) == (0, 0, 0)


def test_reporter_withdraws_and_disputes_only_on_the_public_host(
    bandung: Government, citizen: User, official: User
) -> None:
    number = submit(citizen).tracking_number
    client = _client(citizen)
    assert _post(client, f"/api/v1/reports/{number}/withdraw/", {}, host=BANDUNG_HOST).status_code == 404
    assert _post(_client(official), f"/api/v1/reports/{number}/withdraw/", {}).status_code == 404
    response = _post(client, f"/api/v1/reports/{number}/withdraw/", {})
    assert (response.status_code, response.json()) == (200, {"tracking_number": number, "status": "withdrawn"})
    dispute = _post(client, f"/api/v1/reports/{number}/dispute/", {"note": "tidak jadi"})
    assert dispute.status_code == 409
    assert dispute.json()["error"]["allowed"] == []


def test_officials_cannot_reopen_through_the_transition_endpoint(
    bandung: Government, citizen: User, official: User
) -> None:
    number = submit(citizen).tracking_number
    with government_context(bandung):
        Report.objects.update(status="resolved")
    client = _client(official)
    with assert_nothing_changed(bandung):
        response = _post(
            client, f"/api/v1/reports/{number}/transition/", {"to_status": "reopened", "note": "x"}, host=BANDUNG_HOST
        )
    assert (response.status_code, response.json()["error"]["allowed"]) == (409, ["closed"])


def test_transfer_through_the_owners_host_only(
    bandung: Government, jakarta: Government, citizen: User, official: User
) -> None:
    number = submit(citizen).tracking_number
    body = {"to_government_code": "31", "note": "jalan provinsi DKI"}
    client = _client(official)
    assert _post(client, f"/api/v1/reports/{number}/transfer/", body, host=JAKARTA_HOST).status_code == 404
    assert _post(client, f"/api/v1/reports/{number}/transfer/", body).status_code == 404
    assert counts(bandung) == (1, 1, 1)
    response = _post(client, f"/api/v1/reports/{number}/transfer/", body, host=BANDUNG_HOST)
    assert (response.status_code, response.json()) == (
        200,
        {
            "tracking_number": number,
            "to_government_code": "31",
            "to_government_name": "Provinsi DKI Jakarta",
            "status": "received",
        },
    )
    assert client.get(f"/api/v1/reports/{number}/", HTTP_HOST=BANDUNG_HOST).status_code == 404
    assert client.get(f"/api/v1/reports/{number}/", HTTP_HOST=JAKARTA_HOST).json()["status"] == "received"


def test_comment_thread_shows_roles_never_authors(
    bandung: Government, jakarta: Government, citizen: User, official: User
) -> None:
    number = submit(citizen).tracking_number
    neighbour = UserFactory()
    path = f"/api/v1/reports/{number}/comments/"
    assert _post(_client(neighbour), path, {"body": "Di sini juga parah."}).json()["role"] == "citizen"
    assert _post(_client(citizen), path, {"body": "Terima kasih."}).json()["role"] == "reporter"
    assert (
        _post(_client(official), path, {"body": "Dijadwalkan besok."}, host=BANDUNG_HOST).json()["role"] == "official"
    )
    assert _post(_client(official), path, {"body": "x"}, host=JAKARTA_HOST).status_code == 404
    empty = _post(_client(neighbour), path, {"body": "  "})
    assert (empty.status_code, empty.json()["error"]["fields"]["body"][0]["code"]) == (400, "required")

    detail = _client().get(f"/api/v1/reports/{number}/", HTTP_HOST=PUBLIC)
    assert [(c["role"], c["body"]) for c in detail.json()["comments"]] == [
        ("citizen", "Di sini juga parah."),
        ("reporter", "Terima kasih."),
        ("official", "Dijadwalkan besok."),
    ]
    text = detail.content.decode()
    assert str(neighbour.pk) not in text
    assert str(official.pk) not in text


def test_nobody_else_can_comment_on_a_rahasia_report(bandung: Government, citizen: User) -> None:
    number = submit(citizen, privacy="rahasia").tracking_number
    path = f"/api/v1/reports/{number}/comments/"
    stranger = _client(UserFactory())
    with assert_nothing_changed(bandung):
        refused = _post(stranger, path, {"body": "Halo"})
    assert refused.status_code == 404
    assert _post(_client(citizen), path, {"body": "Tambahan info"}).status_code == 201


# --- Saya juga ------------------------------------------------------------------------------------


def test_saya_juga_through_the_api_and_never_through_a_government_host(
    bandung: Government, jakarta: Government, citizen: User
) -> None:
    number = submit(citizen).tracking_number
    neighbour = _client(UserFactory())
    with assert_nothing_changed(bandung, jakarta):
        refused = [
            _post(neighbour, f"/api/v1/reports/{number}/support/", {}, host=host)
            for host in (JAKARTA_HOST, BANDUNG_HOST)
        ]
    assert [response.status_code for response in refused] == [404, 404]
    response = _post(neighbour, f"/api/v1/reports/{number}/support/", {})
    assert (response.status_code, response.json()) == (
        200,
        {"tracking_number": number, "support_count": 1, "added": True},
    )
    assert _post(neighbour, f"/api/v1/reports/{number}/support/", {}).json()["added"] is False
    reporter = _client(citizen)
    with assert_nothing_changed(bandung, jakarta):
        own = _post(reporter, f"/api/v1/reports/{number}/support/", {})
    assert (own.status_code, own.json()["error"]["fields"]["report"][0]["code"]) == (400, "own_report")
    with government_context(bandung):
        assert Report.objects.get().support_count == 1


def test_similar_reports_are_offered_before_submitting(bandung: Government, citizen: User) -> None:
    number = submit(UserFactory()).tracking_number
    query = {
        "village_code": BANDUNG_VILLAGE,
        "category_code": "jalan_rusak",
        "latitude": BANDUNG_POINT[0],
        "longitude": BANDUNG_POINT[1],
        "description": "jalan berlubang di depan sekolah",
    }
    response = _client(citizen).get("/api/v1/reports/similar/", query, HTTP_HOST=PUBLIC)
    assert response.status_code == 200
    assert [(r["tracking_number"], r["distance_m"], r["support_count"]) for r in response.json()] == [(number, 0.0, 0)]
    assert "reporter" not in response.content.decode()
    bad = _client(citizen).get("/api/v1/reports/similar/", {**query, "latitude": "x"}, HTTP_HOST=PUBLIC)
    assert (bad.status_code, list(bad.json()["error"]["fields"])) == (400, ["latitude"])


GOVERNMENT_ENDPOINTS = [
    ("get", "", {}),
    ("post", "comments/", {"body": "x"}),
    ("post", "transition/", {"to_status": "verified"}),
    ("post", "transfer/", {"to_government_code": "NAS", "note": "x"}),
    ("post", "resolve/", {"note": "x"}),
    ("get", "photos/1/", {}),
]
CITIZEN_ENDPOINTS = [
    ("post", "support/", {}),
    ("post", "dispute/", {"note": "x"}),
    ("post", "withdraw/", {}),
    ("post", "rate/", {"score": 5}),
]


@pytest.mark.parametrize(
    ("method", "suffix", "body"), GOVERNMENT_ENDPOINTS, ids=[e[1] or "detail" for e in GOVERNMENT_ENDPOINTS]
)
def test_every_government_endpoint_is_a_404_for_another_governments_report(
    bandung: Government,
    jakarta: Government,
    citizen: User,
    official: User,
    method: str,
    suffix: str,
    body: dict[str, Any],
) -> None:
    number = submit(citizen, photos=[SimpleUploadedFile("a.jpg", image_bytes())]).tracking_number
    client = _client(official)
    path = f"/api/v1/reports/{number}/{suffix}"
    if method == "get":
        response = client.get(path, HTTP_HOST=JAKARTA_HOST)
    else:
        response = client.post(path, body, HTTP_HOST=JAKARTA_HOST)
    assert response.status_code == 404
    assert counts(bandung) == (1, 1, 1)
    assert counts(jakarta) == (0, 0, 0)
    assert ReportIndex.objects.get(tracking_number=number).government == bandung


@pytest.mark.parametrize(("method", "suffix", "body"), CITIZEN_ENDPOINTS, ids=[e[1] for e in CITIZEN_ENDPOINTS])
def test_citizen_endpoints_are_not_served_on_government_hosts(
    bandung: Government, citizen: User, method: str, suffix: str, body: dict[str, Any]
) -> None:
    number = submit(citizen).tracking_number
    for host in (BANDUNG_HOST, JAKARTA_HOST):
        assert _post(_client(citizen), f"/api/v1/reports/{number}/{suffix}", body, host=host).status_code == 404
    assert counts(bandung) == (1, 1, 1)
    with government_context(bandung):
        assert Report.objects.values_list("status", "support_count", "rating").get() == ("received", 0, None)


# --- My reports -------------------------------------------------------------------------------------


def test_my_reports_across_governments_newest_first_with_few_queries(
    bandung: Government, jakarta: Government, national: Government, citizen: User
) -> None:
    numbers = [
        submit(citizen).tracking_number,
        submit(
            citizen, village_code=JAKARTA_VILLAGE, latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1]
        ).tracking_number,
        submit(citizen, village_code=BOGOR_VILLAGE, latitude=BOGOR_POINT[0], longitude=BOGOR_POINT[1]).tracking_number,
        submit(citizen).tracking_number,
    ]
    submit(UserFactory())  # someone else's
    client = _client(citizen)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/me/reports/", HTTP_HOST=PUBLIC)
    assert response.status_code == 200
    body = response.json()
    assert [r["tracking_number"] for r in body["results"]] == list(reversed(numbers))
    assert [r["government_code"] for r in body["results"]] == ["32.73", None, "31", "32.73"]
    assert body["next_offset"] is None
    # session + user + index page + one per government on the page; not one per report.
    per_government = [q for q in queries.captured_queries if "reports_report" in q["sql"]]
    assert len(per_government) == 3
    assert len([q for q in queries.captured_queries if "intake_report_index" in q["sql"]]) == 1


def test_my_reports_pages(bandung: Government, citizen: User) -> None:
    numbers = [submit(citizen).tracking_number for _ in range(3)]
    client = _client(citizen)
    first = client.get("/api/v1/me/reports/?limit=2", HTTP_HOST=PUBLIC).json()
    second = client.get("/api/v1/me/reports/?limit=2&offset=2", HTTP_HOST=PUBLIC).json()
    assert [r["tracking_number"] for r in first["results"]] == numbers[:0:-1]
    assert first["next_offset"] == 2
    assert ([r["tracking_number"] for r in second["results"]], second["next_offset"]) == ([numbers[0]], None)
    bad = client.get("/api/v1/me/reports/?limit=1000", HTTP_HOST=PUBLIC)
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["limit"]


# --- Schema -----------------------------------------------------------------------------------------


def test_openapi_schema_documents_the_report_endpoints(db: None) -> None:
    response = _client().get("/api/v1/schema/?format=json", HTTP_HOST=PUBLIC)
    assert response.status_code == 200
    paths = set(json.loads(response.content)["paths"])
    assert {
        "/api/v1/reports/",
        "/api/v1/reports/{tracking_number}/",
        "/api/v1/reports/{tracking_number}/transition/",
        "/api/v1/me/reports/",
    } <= paths
