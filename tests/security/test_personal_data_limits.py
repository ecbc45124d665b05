"""Personal-data exports, rahasia reveals and the public index (docs/security.md, "Personal data").

The attacks: ask for an export again and again (each one walks every government's schema);
reveal rahasia reporters in bulk, quietly; read who sent which rahasia report from the public
schema. Each is tried against the real stack and refused, with nothing changed.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import uuid
from typing import Any

from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.personas import PASSWORD, official_of, verified_user
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE, submit
from warga.accounts.models import User
from warga.data_rights.models import DataRequest
from warga.data_rights.services import account_delete_start, data_request_run
from warga.intake.models import ReportIndex
from warga.privacy.models import IdentityView
from warga.privacy.services import privacy_settings_update

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
REASON = "Perlu konfirmasi lokasi langsung kepada pelapor."


def _browser(user: User) -> Client:
    browser = Client()
    assert (
        browser.post("/akun/login/", {"login": user.email, "password": PASSWORD}, HTTP_HOST=PUBLIC).status_code == 302
    )
    return browser


# --- One export a day ------------------------------------------------------------------------


def test_a_second_export_within_24_hours_is_refused_saying_when_and_nothing_is_queued(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    citizen = verified_user(f"ekspor-{uuid.uuid4().hex[:8]}@example.id")
    browser = _browser(citizen)
    with django_capture_on_commit_callbacks() as queued:
        assert browser.post("/akun/data/unduh/", HTTP_HOST=PUBLIC)["Location"] == "/akun/data/"
    assert len(queued) == 1
    first = DataRequest.objects.get(user_id=citizen.pk)
    data_request_run(request_id=first.pk)  # what the task does

    with django_capture_on_commit_callbacks() as queued_again:
        again = browser.post("/akun/data/unduh/", HTTP_HOST=PUBLIC)
    assert again.status_code == 429
    next_at = timezone.localtime(first.requested_at + datetime.timedelta(hours=24), datetime.UTC).astimezone(
        datetime.timezone(datetime.timedelta(hours=7))
    )
    page = again.content.decode()
    assert '<p class="notice notice--error" role="alert">Anda sudah meminta unduhan data pribadi' in page
    assert (
        "Anda sudah meminta unduhan data pribadi dalam 24 jam terakhir. Permintaan berikutnya bisa dibuat mulai "
        f"{next_at:%d-%m-%Y} pukul {next_at:%H.%M} WIB" in page
    )
    assert 86_000 < int(again["Retry-After"]) <= 86_400
    assert queued_again == []
    assert list(DataRequest.objects.filter(user_id=citizen.pk).values_list("pk", flat=True)) == [first.pk]

    # A day later it is allowed again.
    DataRequest.objects.filter(pk=first.pk).update(requested_at=first.requested_at - datetime.timedelta(hours=24))
    assert browser.post("/akun/data/unduh/", HTTP_HOST=PUBLIC)["Location"] == "/akun/data/"
    assert DataRequest.objects.filter(user_id=citizen.pk).count() == 2


def test_a_double_click_on_an_export_still_being_made_is_not_refused(db: None) -> None:
    browser = _browser(verified_user(f"ekspor-{uuid.uuid4().hex[:8]}@example.id"))
    assert browser.post("/akun/data/unduh/", HTTP_HOST=PUBLIC).status_code == 302
    assert browser.post("/akun/data/unduh/", HTTP_HOST=PUBLIC).status_code == 302
    assert DataRequest.objects.count() == 1


# --- Rahasia reveals: limited, and the PPDP is told --------------------------------------------


def _reveal(client: Client, number: str) -> Any:
    return client.post(
        f"/api/v1/reports/{number}/reporter-identity/",
        json.dumps({"reason": REASON}),
        content_type="application/json",
        HTTP_HOST=BANDUNG_HOST,
    )


def _looks(government: Government) -> int:
    with government_context(government):
        return IdentityView.objects.count()


def test_reveals_beyond_the_limit_are_refused_and_each_reveal_is_mailed_to_the_ppdp(
    bandung: Government, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WARGA_IDENTITY_REVEAL_LIMIT = 2
    with government_context(bandung):
        privacy_settings_update(dpo_name="Ir. Sari Dewi", dpo_email="ppdp@bandung.go.id")
    reporters = [
        verified_user(f"rahasia-{n}-{uuid.uuid4().hex[:6]}@example.id", phone=f"+62813111{n:05d}") for n in range(3)
    ]
    numbers = [submit(reporter, privacy="rahasia").tracking_number for reporter in reporters]
    coordinator = official_of(bandung)
    client = signed_in_client(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [_reveal(client, number) for number in numbers]

    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[2]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.json()["error"]["message"].startswith(
        "Anda sudah melihat identitas pelapor 2 kali dalam waktu singkat"
    )
    assert int(refused["Retry-After"]) >= 1
    assert reporters[2].email not in refused.content.decode()
    assert _looks(bandung) == 2
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ppdp@bandung.go.id"], f"[Warga] Identitas pelapor laporan rahasia {number} dilihat")
        for number in numbers[:2]
    ]
    for message, reporter in zip(mail.outbox, reporters, strict=False):
        assert REASON in message.body
        assert coordinator.email in message.body or coordinator.full_name in message.body
        # The mail tells that someone looked, not whom they saw.
        assert reporter.email not in message.body
        assert str(reporter.phone) not in message.body


def test_a_reveal_that_fails_sends_no_mail(bandung: Government, django_capture_on_commit_callbacks: Any) -> None:
    public_number = submit(verified_user(f"publik-{uuid.uuid4().hex[:6]}@example.id")).tracking_number
    with django_capture_on_commit_callbacks(execute=True):
        assert _reveal(signed_in_client(official_of(bandung)), public_number).status_code == 400
    assert mail.outbox == []
    assert _looks(bandung) == 0


# --- The public index holds a keyed hash for rahasia reports -----------------------------------


def _payload(privacy: str, key: str) -> dict[str, Any]:
    return {
        "type": "pengaduan",
        "category_code": "sampah",
        "description": "Sampah menumpuk di pinggir jalan sejak seminggu.",
        "latitude": BANDUNG_POINT[0],
        "longitude": BANDUNG_POINT[1],
        "village_code": BANDUNG_VILLAGE,
        "privacy": privacy,
        "idempotency_key": key,
    }


def _digest(settings: Any, user_id: uuid.UUID) -> str:
    return hmac.new(settings.WARGA_REPORT_INDEX_KEY.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def test_the_public_index_does_not_name_the_reporter_of_a_rahasia_report(bandung: Government, settings: Any) -> None:
    citizen = verified_user(f"pelapor-{uuid.uuid4().hex[:6]}@example.id")
    client = signed_in_client(citizen)
    sent = {
        privacy: client.post(
            "/api/v1/reports/",
            json.dumps(_payload(privacy, f"kunci-{privacy}-01")),
            content_type="application/json",
            HTTP_HOST=PUBLIC,
        )
        for privacy in ("publik", "rahasia")
    }
    assert {p: r.status_code for p, r in sent.items()} == {"publik": 201, "rahasia": 201}
    secret = sent["rahasia"].json()["tracking_number"]

    # What someone reading the public schema finds: no account id anywhere in the row.
    row = ReportIndex.objects.filter(tracking_number=secret).values().get()
    assert row["reporter_id"] is None
    assert row["reporter_digest"] == _digest(settings, citizen.pk)
    assert str(citizen.pk) not in json.dumps(row, default=str)
    assert ReportIndex.objects.get(tracking_number=sent["publik"].json()["tracking_number"]).reporter_id == citizen.pk

    # The citizen's own list, the retry and the lookup still find it.
    mine = client.get("/api/v1/me/reports/", HTTP_HOST=PUBLIC).json()["results"]
    assert {r["tracking_number"] for r in mine} == {secret, sent["publik"].json()["tracking_number"]}
    retried = client.post(
        "/api/v1/reports/",
        json.dumps(_payload("rahasia", "kunci-rahasia-01")),
        content_type="application/json",
        HTTP_HOST=PUBLIC,
    )
    assert (retried.status_code, retried["Idempotent-Replayed"], retried.json()["tracking_number"]) == (
        201,
        "true",
        secret,
    )
    assert client.get(f"/api/v1/reports/{secret}/", HTTP_HOST=PUBLIC).json()["is_mine"] is True
    # Another citizen neither lists it nor sees it.
    other = signed_in_client(verified_user(f"lain-{uuid.uuid4().hex[:6]}@example.id"))
    assert other.get("/api/v1/me/reports/", HTTP_HOST=PUBLIC).json()["results"] == []
    assert other.get(f"/api/v1/reports/{secret}/", HTTP_HOST=PUBLIC).status_code == 404
    assert ReportIndex.objects.count() == 2

    # Deleting the account erases the hash too.
    data_request_run(request_id=account_delete_start(user=citizen).pk)
    assert ReportIndex.objects.get(tracking_number=secret).reporter_digest == ""


def test_the_migration_converts_existing_rahasia_rows_and_can_be_reversed(bandung: Government, settings: Any) -> None:
    citizen = verified_user(f"lama-{uuid.uuid4().hex[:6]}@example.id")
    secret = submit(citizen, privacy="rahasia").tracking_number
    public = submit(citizen).tracking_number
    with connection.cursor() as cursor:
        # Deferred foreign-key checks would stop the migrations' ALTER TABLE in this transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate([("intake", "0003_reporter_erasable")])
    # The rows as the code before the change wrote them: the account named on both.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE intake_report_index SET reporter_id = %s WHERE tracking_number = %s", [citizen.pk, secret]
        )
    executor.loader.build_graph()
    executor.migrate([("intake", "0006_rahasia_unnamed")])

    rows = dict(ReportIndex.objects.values_list("tracking_number", "reporter_id"))
    assert rows == {secret: None, public: citizen.pk}
    assert ReportIndex.objects.get(tracking_number=secret).reporter_digest == _digest(settings, citizen.pk)

    executor.loader.build_graph()
    executor.migrate([("intake", "0003_reporter_erasable")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT tracking_number, reporter_id FROM intake_report_index ORDER BY tracking_number")
        assert dict(cursor.fetchall()) == {secret: citizen.pk, public: citizen.pk}
    executor.loader.build_graph()
    executor.migrate([("intake", "0006_rahasia_unnamed")])
    assert ReportIndex.objects.get(tracking_number=secret).reporter_id is None


def test_the_reveal_page_refuses_beyond_the_limit_in_words_and_shows_nothing(
    bandung: Government, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WARGA_IDENTITY_REVEAL_LIMIT = 1
    reporters = [verified_user(f"halaman-{n}-{uuid.uuid4().hex[:6]}@example.id") for n in range(2)]
    numbers = [submit(reporter, privacy="rahasia").tracking_number for reporter in reporters]
    browser = signed_in_client(official_of(bandung))
    with django_capture_on_commit_callbacks(execute=True):
        pages = [
            browser.post(f"/kantor/laporan/{number}/identitas-pelapor/", {"alasan": REASON}, HTTP_HOST=BANDUNG_HOST)
            for number in numbers
        ]
    assert [page.status_code for page in pages] == [200, 429]
    html = pages[1].content.decode()
    assert "Anda sudah melihat identitas pelapor 1 kali dalam waktu singkat" in html
    assert reporters[1].email not in html
    assert int(pages[1]["Retry-After"]) >= 1
    assert _looks(bandung) == 1
    assert len(mail.outbox) == 1
