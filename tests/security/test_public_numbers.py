"""Public look-ups by tracking number (docs/security.md, "Public numbers").

Tracking numbers are sequential (32.73-2026-000001, ...002, ...). The attacks: walk the
numbers and download every photo; find out that a number belongs to a `rahasia` report; read
a report its reporter withdrew. Each is tried over HTTP and refused with nothing changed.
Each test uses client addresses of its own (the `shared` cache outlives a test).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import re
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import official_of, with_totp
from tests.warga.reports.helpers import counts, process_photos, submit
from tests.warga.reports.images import image_bytes
from warga.accounts.models import User
from warga.organization.models import Membership, Position, PositionKind, Unit
from warga.reports.models import Report, ReportComment, ReportPhoto, ReportSupport

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
AROUND_BANDUNG = "-6.95,107.55,-6.80,107.65"


def _fresh_ip() -> str:
    return str(ipaddress.ip_address("198.18.0.0") + uuid.uuid4().int % (2**17))


def _from(user: User | None, ip: str | None = None) -> Client:
    client = signed_in_client(user)
    client.defaults["REMOTE_ADDR"] = ip or _fresh_ip()
    return client


def _next_number(number: str) -> str:
    """The number the next report of the same government and year will get."""
    prefix, _, sequence = number.rpartition("-")
    return f"{prefix}-{int(sequence) + 1:0{len(sequence)}d}"


def _answer(response: Any) -> tuple[int, bytes, str]:
    return response.status_code, response.content, response.get("Content-Type", "")


def _photo_of(government: Government, number: str) -> int:
    with government_context(government):
        return ReportPhoto.objects.get(report__tracking_number=number).pk


# --- Walking the numbers --------------------------------------------------------------------


def test_looking_numbers_up_one_after_another_is_limited_per_address(bandung: Government, settings: Any) -> None:
    settings.WARGA_LOOKUP_IP_LIMIT = 3
    settings.WARGA_LOOKUP_IP_WINDOW_SECONDS = 60
    number = submit(UserFactory()).tracking_number
    walker = _from(None)
    first = number.rpartition("-")[0]
    answers = [walker.get(f"/api/v1/reports/{first}-{n:06d}/", HTTP_HOST=PUBLIC) for n in range(1, 6)]
    assert [a.status_code for a in answers[:3]] == [200 if n == 1 else 404 for n in range(1, 4)]
    for refused in answers[3:]:
        assert refused.status_code == 429
        retry_after = int(refused["Retry-After"])
        assert 1 <= retry_after <= 60
        error = refused.json()["error"]
        assert error["code"] == "rate_limited"
        assert error["message"] == (
            "Terlalu banyak permintaan dari jaringan internet Anda (alamat IP yang sama) dalam waktu singkat. "
            f"Coba lagi dalam {error['retry_after']} detik."
        )
    # Another address (another citizen behind another network) is not affected.
    assert _from(None).get(f"/api/v1/reports/{number}/", HTTP_HOST=PUBLIC).status_code == 200


def test_a_refused_lookup_says_nothing_about_the_number(bandung: Government, settings: Any) -> None:
    settings.WARGA_LOOKUP_IP_LIMIT = 1
    secret = submit(UserFactory(), privacy="rahasia").tracking_number
    walker = _from(None)
    walker.get("/api/v1/reports/32.73-2026-999999/", HTTP_HOST=PUBLIC)
    on_secret = walker.get(f"/api/v1/reports/{secret}/", HTTP_HOST=PUBLIC)
    on_unknown = walker.get(f"/api/v1/reports/{_next_number(secret)}/", HTTP_HOST=PUBLIC)
    assert on_secret.status_code == on_unknown.status_code == 429

    def without_the_wait(response: Any) -> str:
        # The message names the seconds left, which may tick between the two requests.
        return re.sub(r"\d+", "N", response.json()["error"]["message"])

    assert without_the_wait(on_secret) == without_the_wait(on_unknown)


def test_downloading_every_photo_is_limited_per_address(
    bandung: Government, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WARGA_PHOTO_IP_LIMIT = 2
    number = submit(UserFactory(), photos=[SimpleUploadedFile("a.jpg", image_bytes())]).tracking_number
    process_photos(bandung, django_capture_on_commit_callbacks)
    photo = _photo_of(bandung, number)
    scraper = _from(None)
    served = [scraper.get(f"/api/v1/reports/{number}/photos/{photo}/", HTTP_HOST=PUBLIC) for _ in range(3)]
    for response in served:
        if response.streaming:
            response.close()
    assert [r.status_code for r in served] == [200, 200, 429]
    assert int(served[2]["Retry-After"]) >= 1
    assert served[2].json()["error"]["code"] == "rate_limited"


def test_officials_on_their_governments_host_are_not_counted(bandung: Government, settings: Any) -> None:
    settings.WARGA_LOOKUP_IP_LIMIT = 1
    number = submit(UserFactory()).tracking_number
    official = _from(official_of(bandung))
    answers = [official.get(f"/api/v1/reports/{number}/", HTTP_HOST=BANDUNG_HOST).status_code for _ in range(3)]
    assert answers == [200, 200, 200]


# --- A rahasia number answers like a number never used ---------------------------------------


@pytest.mark.parametrize("viewer", ["anonymous", "other_citizen"])
def test_a_rahasia_number_answers_exactly_like_an_unknown_one(
    bandung: Government, viewer: str, django_capture_on_commit_callbacks: Any
) -> None:
    reporter = UserFactory()
    secret = submit(reporter, privacy="rahasia", photos=[SimpleUploadedFile("a.jpg", image_bytes())]).tracking_number
    process_photos(bandung, django_capture_on_commit_callbacks)
    photo = _photo_of(bandung, secret)
    unknown = _next_number(secret)
    client = _from(None if viewer == "anonymous" else UserFactory())
    before = counts(bandung)

    # A first request records the session's activity (once a minute): not part of the comparison.
    client.get(f"/api/v1/reports/{unknown}/", HTTP_HOST=PUBLIC)
    for path in ("", f"photos/{photo}/"):
        with CaptureQueriesContext(connection) as secret_queries:
            on_secret = client.get(f"/api/v1/reports/{secret}/{path}", HTTP_HOST=PUBLIC)
        with CaptureQueriesContext(connection) as unknown_queries:
            on_unknown = client.get(f"/api/v1/reports/{unknown}/{path}", HTTP_HOST=PUBLIC)
        assert on_secret.status_code == 404
        assert _answer(on_secret) == _answer(on_unknown)
        # The same work, too: decided from the index row, the owner's schema is not entered.
        assert len(secret_queries) == len(unknown_queries)
    if viewer == "other_citizen":
        for path, data in (("support/", None), ("comments/", {"body": "Saya juga melihatnya."})):
            answers = [
                client.post(
                    f"/api/v1/reports/{number}/{path}",
                    json.dumps(data) if data else None,
                    content_type="application/json",
                    HTTP_HOST=PUBLIC,
                )
                for number in (secret, unknown)
            ]
            assert answers[0].status_code == 404
            assert _answer(answers[0]) == _answer(answers[1])
    assert counts(bandung) == before
    with government_context(bandung):
        assert not ReportSupport.objects.exists()
        assert not ReportComment.objects.exists()
    # Its reporter and the government's officials still see it.
    assert _from(reporter).get(f"/api/v1/reports/{secret}/", HTTP_HOST=PUBLIC).status_code == 200
    official = _from(official_of(bandung))
    assert official.get(f"/api/v1/reports/{secret}/", HTTP_HOST=BANDUNG_HOST).status_code == 200


def test_an_official_who_may_not_see_a_rahasia_report_gets_the_unknown_answer_too(bandung: Government) -> None:
    """Road damage goes to Dinas PU; an officer of Dinas Lingkungan Hidup holds a seat in the
    same government but may not view it. For a publik report that is a 403 (outside_unit); for
    a rahasia one, the answer of a number never used."""
    officer = with_totp(UserFactory())
    officer.save(update_fields=["password"])
    with government_context(bandung):
        unit = Unit.objects.get(name="Dinas Lingkungan Hidup")
        position = Position.objects.create(unit=unit, kind=PositionKind.PETUGAS_LAPANGAN, title="Petugas DLH")
        Membership.objects.create(position=position, user_id=officer.pk, starts_on=datetime.date(2024, 1, 1))
    reporter = UserFactory()
    public = submit(reporter, category_code="jalan_rusak").tracking_number
    secret = submit(reporter, category_code="jalan_rusak", privacy="rahasia").tracking_number
    client = _from(officer)
    refused = client.get(f"/api/v1/reports/{public}/", HTTP_HOST=BANDUNG_HOST)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "outside_unit")
    on_secret = client.get(f"/api/v1/reports/{secret}/", HTTP_HOST=BANDUNG_HOST)
    on_unknown = client.get(f"/api/v1/reports/{_next_number(secret)}/", HTTP_HOST=BANDUNG_HOST)
    assert on_secret.status_code == 404
    assert _answer(on_secret) == _answer(on_unknown)


# --- Withdrawn reports -----------------------------------------------------------------------


def test_a_withdrawn_report_is_hidden_from_lookup_photos_feed_and_support(
    bandung: Government, django_capture_on_commit_callbacks: Any
) -> None:
    reporter = UserFactory()
    number = submit(reporter, photos=[SimpleUploadedFile("a.jpg", image_bytes())]).tracking_number
    process_photos(bandung, django_capture_on_commit_callbacks)
    photo = _photo_of(bandung, number)
    withdrawn = _from(reporter).post(f"/api/v1/reports/{number}/withdraw/", HTTP_HOST=PUBLIC)
    assert withdrawn.json()["status"] == "withdrawn"
    unknown = _next_number(number)
    stranger = _from(UserFactory())
    before = counts(bandung)

    for path in ("", f"photos/{photo}/"):
        on_withdrawn = stranger.get(f"/api/v1/reports/{number}/{path}", HTTP_HOST=PUBLIC)
        assert on_withdrawn.status_code == 404
        assert _answer(on_withdrawn) == _answer(stranger.get(f"/api/v1/reports/{unknown}/{path}", HTTP_HOST=PUBLIC))
    supported = stranger.post(f"/api/v1/reports/{number}/support/", HTTP_HOST=PUBLIC)
    assert _answer(supported) == _answer(stranger.post(f"/api/v1/reports/{unknown}/support/", HTTP_HOST=PUBLIC))
    for asked in ("", "&status=withdrawn", "&status=withdrawn,received"):
        feed = stranger.get(f"/api/v1/feed/?bbox={AROUND_BANDUNG}{asked}", HTTP_HOST=PUBLIC)
        assert feed.status_code == 200
        assert number not in [item["tracking_number"] for item in feed.json()["results"]]
    assert counts(bandung) == before
    with government_context(bandung):
        assert Report.objects.get(tracking_number=number).support_count == 0
    # Its reporter still finds it, with its status.
    mine = _from(reporter).get(f"/api/v1/reports/{number}/", HTTP_HOST=PUBLIC)
    assert (mine.status_code, mine.json()["status"], mine.json()["is_mine"]) == (200, "withdrawn", True)
