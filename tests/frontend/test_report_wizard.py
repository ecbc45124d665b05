"""The report wizard at /lapor/ without JavaScript: plain forms through Django's test client,
real schemas and the real intake service. Bad input gets its message next to its field and
in the summary, and writes nothing."""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

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
    submit,
)
from tests.warga.reports.images import image_bytes
from warga.intake.models import ReportIndex
from warga.intake.pending import pending_draft_new, pending_photos_add, pending_photos_sweep
from warga.reports.models import Report, ReportPhoto, ReportSupport

HOST = "localhost"
DESCRIPTION = "Saluran air di depan warung tersumbat sampah, air meluap ke jalan setiap hujan."


def _photo(name: str = "saluran.jpg", size: tuple[int, int] = (640, 480)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("JPEG", size), content_type="image/jpeg")


def _post(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, HTTP_HOST=HOST)


def _get(client: Client, path: str) -> Any:
    return client.get(path, HTTP_HOST=HOST)


def _through_details(
    client: Client,
    *,
    village: str = BANDUNG_VILLAGE,
    point: tuple[float, float] = BANDUNG_POINT,
    category: str = "saluran_tersumbat",
) -> None:
    """Photo, place, category and description, each answered as a citizen would."""
    answer = _post(client, "/lapor/foto/", {"photos": [_photo()], "action": "next"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert answer["Location"] == "/lapor/tempat/"
    answer = _post(
        client,
        "/lapor/tempat/",
        {"latitude": str(point[0]), "longitude": str(point[1]), "village_code": village, "action": "next"},
    )
    assert answer["Location"] == "/lapor/kategori/"
    assert _post(client, "/lapor/kategori/", {"category_code": category})["Location"] == "/lapor/uraian/"
    answer = _post(client, "/lapor/uraian/", {"description": DESCRIPTION, "privacy": "publik"})
    assert answer["Location"] == "/lapor/serupa/"


def _main(answer: Any) -> str:
    html = answer.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _text(answer: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _main(answer))).strip()


def _pending_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "pending"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_citizen_reports_a_blocked_drain_in_kota_bandung_without_javascript(
    bandung: Government, settings: Any
) -> None:
    citizen = UserFactory()
    client = signed_in_client(citizen)
    assert _get(client, "/lapor/")["Location"] == "/lapor/foto/"
    page = _get(client, "/lapor/foto/")
    assert page.status_code == 200
    assert 'type="file" id="photos" name="photos"' in page.content.decode()
    _through_details(client)
    assert len(_pending_files(settings)) == 1
    # Nothing similar nearby: straight to the summary.
    assert _get(client, "/lapor/serupa/")["Location"] == "/lapor/kirim/"
    summary = _text(_get(client, "/lapor/kirim/"))
    assert "saluran.jpg" in summary
    assert "Saluran air atau drainase tersumbat" in summary
    assert DESCRIPTION in summary
    before = counts(bandung)

    answer = _post(client, "/lapor/kirim/", {})

    assert answer.status_code == 302
    number = answer["Location"].removeprefix("/lapor/selesai/").rstrip("/")
    assert re.fullmatch(r"32\.73-\d{4}-\d{6}", number), number
    assert counts(bandung)[0] == before[0] + 1
    with government_context(bandung):
        report = Report.objects.get(tracking_number=number)
        assert report.reporter_id == citizen.pk
        assert (report.category_code, report.village_code, report.privacy) == (
            "saluran_tersumbat",
            BANDUNG_VILLAGE,
            "publik",
        )
        assert report.description == DESCRIPTION
        assert ReportPhoto.objects.filter(report=report).count() == 1
    assert _pending_files(settings) == []
    done = _get(client, answer["Location"])
    text = _text(done)
    assert number in text
    assert f"Received by {bandung.name}" in text or f"Diterima oleh {bandung.name}" in text
    assert 'data-landed="regency"' in done.content.decode()
    # A new report starts from an empty draft.
    assert _get(client, "/lapor/")["Location"] == "/lapor/foto/"


def test_the_draft_survives_signing_in(bandung: Government) -> None:
    client = Client()
    _through_details(client)
    answer = _get(client, "/lapor/serupa/")
    assert answer.status_code == 302
    assert answer["Location"] == "/akun/login/?next=/lapor/serupa/"
    assert _get(client, "/lapor/kirim/")["Location"] == "/akun/login/?next=/lapor/kirim/"
    assert ReportIndex.objects.count() == 0
    citizen = UserFactory()
    citizen.save()
    client.force_login(citizen)
    summary = _text(_get(client, "/lapor/kirim/"))
    assert DESCRIPTION in summary
    answer = _post(client, "/lapor/kirim/", {})
    assert answer["Location"].startswith("/lapor/selesai/32.73-")
    assert ReportIndex.objects.filter(reporter=citizen).count() == 1


def test_no_photo_is_refused_with_its_message_unless_the_citizen_says_so(bandung: Government) -> None:
    client = signed_in_client(UserFactory())
    answer = _post(client, "/lapor/foto/", {"action": "next"})
    assert answer.status_code == 400
    assert "Tambahkan paling sedikit satu foto masalahnya" in _text(answer)
    html = _main(answer)
    assert 'role="alert"' in html
    assert 'href="#photos"' in html
    assert 'aria-invalid="true"' in html
    assert _get(client, "/lapor/tempat/")["Location"] == "/lapor/foto/"
    # Saying there is no photo moves on.
    assert _post(client, "/lapor/foto/", {"action": "skip"})["Location"] == "/lapor/tempat/"
    assert _get(client, "/lapor/tempat/").status_code == 200
    assert ReportIndex.objects.count() == 0


def test_a_30_mb_file_is_refused_and_nothing_is_kept(bandung: Government, settings: Any) -> None:
    client = signed_in_client(UserFactory())
    huge = SimpleUploadedFile("besar.jpg", image_bytes("JPEG") + b"\0" * (30 * 1024 * 1024), content_type="image/jpeg")
    answer = _post(client, "/lapor/foto/", {"photos": [huge], "action": "next"})
    assert answer.status_code == 400
    assert "lebih besar dari 10 MB" in _text(answer)
    assert _pending_files(settings) == []
    assert _get(client, "/lapor/tempat/")["Location"] == "/lapor/foto/"
    assert ReportIndex.objects.count() == 0


def test_more_than_five_photos_are_refused(bandung: Government, settings: Any) -> None:
    client = signed_in_client(UserFactory())
    answer = _post(client, "/lapor/foto/", {"photos": [_photo(f"{i}.jpg") for i in range(6)], "action": "next"})
    assert answer.status_code == 400
    assert "Paling banyak 5 foto" in _text(answer)
    assert _pending_files(settings) == []


def test_removing_a_photo_removes_its_file(bandung: Government, settings: Any) -> None:
    client = signed_in_client(UserFactory())
    _post(client, "/lapor/foto/", {"photos": [_photo("a.jpg"), _photo("b.jpg")], "action": "add"})
    assert len(_pending_files(settings)) == 2
    html = _get(client, "/lapor/foto/").content.decode()
    token = re.findall(r'value="remove:([0-9a-f]{32})"', html)[0]
    assert _post(client, "/lapor/foto/", {"action": f"remove:{token}"})["Location"] == "/lapor/foto/"
    assert len(_pending_files(settings)) == 1
    assert "b.jpg" in _text(_get(client, "/lapor/foto/"))


def test_a_place_outside_indonesia_is_refused_with_its_message(bandung: Government) -> None:
    client = signed_in_client(UserFactory())
    _post(client, "/lapor/foto/", {"photos": [_photo()], "action": "next"})
    # Manila.
    answer = _post(
        client,
        "/lapor/tempat/",
        {"latitude": "14.5995", "longitude": "120.9842", "village_code": BANDUNG_VILLAGE, "action": "next"},
    )
    assert answer.status_code == 400
    text = _text(answer)
    assert "outside Indonesia" in text or "di luar Indonesia" in text
    assert _get(client, "/lapor/kategori/")["Location"] == "/lapor/tempat/"
    # Not numbers, and no village.
    answer = _post(client, "/lapor/tempat/", {"latitude": "utara", "longitude": "", "action": "next"})
    assert answer.status_code == 400
    assert 'href="#latitude"' in _main(answer)
    assert 'href="#village_code"' in _main(answer)
    assert ReportIndex.objects.count() == 0


def test_the_village_search_works_as_a_plain_form(bandung: Government) -> None:
    client = signed_in_client(UserFactory())
    _post(client, "/lapor/foto/", {"photos": [_photo()], "action": "next"})
    answer = _post(client, "/lapor/tempat/", {"cari": "Sukarasa", "action": "search", "latitude": "-6.87"})
    assert answer.status_code == 200
    html = _main(answer)
    assert f'value="{BANDUNG_VILLAGE}"' in html
    assert 'value="-6.87"' in html
    assert "Sukasari" in html.replace("SUKASARI", "Sukasari")
    short = _post(client, "/lapor/tempat/", {"cari": "ab", "action": "search"})
    assert short.status_code == 400
    assert 'href="#cari"' in _main(short)


def test_the_last_used_village_is_offered_first(bandung: Government) -> None:
    client = signed_in_client(UserFactory())
    _through_details(client)
    _post(client, "/lapor/kirim/", {})
    _post(client, "/lapor/foto/", {"photos": [_photo()], "action": "next"})
    html = _main(_get(client, "/lapor/tempat/"))
    assert f'value="{BANDUNG_VILLAGE}"' in html


def test_an_emergency_category_answers_112_and_keeps_nothing(bandung: Government) -> None:
    client = signed_in_client(UserFactory())
    _post(client, "/lapor/foto/", {"photos": [_photo()], "action": "next"})
    _post(
        client,
        "/lapor/tempat/",
        {"latitude": BANDUNG_POINT[0], "longitude": BANDUNG_POINT[1], "village_code": BANDUNG_VILLAGE},
    )
    answer = _post(client, "/lapor/kategori/", {"category_code": "kebakaran"})
    assert answer.status_code == 400
    text = _text(answer)
    assert "112" in text
    assert "Kebakaran adalah keadaan darurat" in text
    assert 'role="alert"' in _main(answer)
    assert _get(client, "/lapor/uraian/")["Location"] == "/lapor/kategori/"
    assert ReportIndex.objects.count() == 0
    assert counts(bandung)[0] == 0


def test_an_external_forward_category_says_who_receives_it(bandung: Government) -> None:
    client = signed_in_client(UserFactory())
    _post(client, "/lapor/foto/", {"action": "skip"})
    _post(
        client,
        "/lapor/tempat/",
        {"latitude": BANDUNG_POINT[0], "longitude": BANDUNG_POINT[1], "village_code": BANDUNG_VILLAGE},
    )
    text = _text(_get(client, "/lapor/kategori/"))
    assert "PDAM (organisasi eksternal)" in text
    assert "Laporan diteruskan ke PLN" in text
    searched = _text(client.get("/lapor/kategori/", {"q": "saluran"}, HTTP_HOST=HOST))
    assert "Saluran air atau drainase tersumbat" in searched
    assert "Sampah" not in searched


def test_a_village_without_its_regency_or_province_on_warga_goes_to_the_national_desk(
    national: Government, bandung: Government
) -> None:
    client = signed_in_client(UserFactory())
    _through_details(client, village=BOGOR_VILLAGE, point=BOGOR_POINT)
    answer = _post(client, "/lapor/kirim/", {})
    assert answer.status_code == 302
    done = _get(client, answer["Location"])
    assert 'data-landed="national"' in done.content.decode()
    text = _text(done)
    assert national.name in text
    assert "BOGOR" in text.upper()
    assert "JAWA BARAT" in text.upper()


def test_service_errors_appear_next_to_their_step_and_in_the_summary(bandung: Government) -> None:
    client = signed_in_client(UserFactory())
    _through_details(client)
    session = client.session
    session["report_wizard"]["privacy"] = "semua-orang"
    session.save()
    answer = _post(client, "/lapor/kirim/", {})
    assert answer.status_code == 400
    html = _main(answer)
    assert 'href="#uraian"' in html
    assert "Mode privasi harus salah satu dari: publik, anonim, rahasia." in _text(answer)
    assert ReportIndex.objects.count() == 0


def test_the_rate_limit_is_said_in_the_summary(bandung: Government, settings: Any) -> None:
    settings.WARGA_INTAKE_RATE_LIMITS = ((3600, 1),)
    citizen = UserFactory()
    submit(citizen)
    client = signed_in_client(citizen)
    _through_details(client)
    answer = _post(client, "/lapor/kirim/", {})
    assert answer.status_code == 400
    assert "Batas 1 laporan baru per jam sudah tercapai" in _text(answer)
    assert ReportIndex.objects.filter(reporter=citizen).count() == 1


def test_me_too_supports_the_similar_report_instead_of_a_duplicate(bandung: Government) -> None:
    first = UserFactory()
    existing = submit(
        first, category_code="saluran_tersumbat", description=DESCRIPTION, latitude=BANDUNG_POINT[0]
    ).tracking_number
    client = signed_in_client(UserFactory())
    _through_details(client)
    page = _get(client, "/lapor/serupa/")
    assert page.status_code == 200
    assert existing in _text(page)
    answer = _post(client, "/lapor/serupa/", {"tracking_number": existing})
    assert answer["Location"] == "/lapor/didukung/"
    assert existing in _text(_get(client, "/lapor/didukung/"))
    with government_context(bandung):
        assert ReportSupport.objects.filter(report__tracking_number=existing).count() == 1
    assert ReportIndex.objects.count() == 1


def test_me_too_on_a_hidden_report_of_another_government_changes_nothing(
    bandung: Government, jakarta: Government
) -> None:
    """A rahasia report in Jakarta cannot be supported from Bandung's similar list by its number."""
    hidden = submit(
        UserFactory(),
        village_code=JAKARTA_VILLAGE,
        latitude=JAKARTA_POINT[0],
        longitude=JAKARTA_POINT[1],
        privacy="rahasia",
    ).tracking_number
    client = signed_in_client(UserFactory())
    _through_details(client)
    answer = _post(client, "/lapor/serupa/", {"tracking_number": hidden})
    assert answer.status_code == 400
    assert "Laporan dengan nomor itu tidak ditemukan." in _text(answer)
    with government_context(jakarta):
        assert not ReportSupport.objects.exists()
    # The draft is still there.
    assert DESCRIPTION in _text(_get(client, "/lapor/kirim/"))


def test_the_wizard_is_not_served_on_a_government_host(bandung: Government) -> None:
    client = signed_in_client(UserFactory())
    assert client.get("/lapor/foto/", HTTP_HOST="kota-bandung.localhost").status_code == 404
    with assert_nothing_changed(bandung):
        refused = client.post("/lapor/kirim/", {}, HTTP_HOST="kota-bandung.localhost")
    assert refused.status_code == 404


def test_another_sessions_confirmation_is_not_shown(bandung: Government) -> None:
    client = signed_in_client(UserFactory())
    _through_details(client)
    location = _post(client, "/lapor/kirim/", {})["Location"]
    assert _get(signed_in_client(UserFactory()), location).status_code == 404


def test_starting_again_discards_the_draft_and_its_photos(bandung: Government, settings: Any) -> None:
    client = signed_in_client(UserFactory())
    _through_details(client)
    assert len(_pending_files(settings)) == 1
    assert _post(client, "/lapor/ulang/", {})["Location"] == "/lapor/"
    assert _pending_files(settings) == []
    assert _get(client, "/lapor/")["Location"] == "/lapor/foto/"


def test_abandoned_drafts_are_swept_after_a_day(db: None, settings: Any) -> None:
    old, fresh = pending_draft_new(), pending_draft_new()
    for draft in (old, fresh):
        kept, errors = pending_photos_add(draft_id=draft, already=0, files=[("a.jpg", _photo())])
        assert errors == []
        assert len(kept) == 1
    day_ago = time.time() - 25 * 3600
    for path in (Path(settings.MEDIA_ROOT) / "pending" / old).iterdir():
        os.utime(path, (day_ago, day_ago))
    assert pending_photos_sweep() == 1
    assert not (Path(settings.MEDIA_ROOT) / "pending" / old).exists()
    assert len(list((Path(settings.MEDIA_ROOT) / "pending" / fresh).iterdir())) == 1


def test_the_manifest_makes_the_app_installable(db: None, settings: Any) -> None:
    answer = Client().get("/lapor/manifest.webmanifest", HTTP_HOST=HOST)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/manifest+json"
    body = answer.json()
    assert body["start_url"] == "/lapor/"
    assert body["display"] == "standalone"
    assert {icon["sizes"] for icon in body["icons"]} >= {"192x192", "512x512"}
    for icon in body["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon["src"]


def test_the_service_worker_keeps_push_and_adds_the_offline_shell(db: None) -> None:
    source = Client().get("/service-worker.js", HTTP_HOST=HOST).content
    assert b'self.addEventListener("push"' in source
    assert b'self.addEventListener("sync"' in source
    assert b'importScripts("/static/frontend/draft-sender.js")' in source
    assert finders.find("frontend/draft-sender.js")


def test_the_per_ip_budget_of_the_api_also_limits_the_wizard(bandung: Government, settings: Any) -> None:
    settings.WARGA_INTAKE_IP_LIMIT = 1
    address = f"198.19.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    first, second = signed_in_client(UserFactory()), signed_in_client(UserFactory())
    for client in (first, second):
        client.defaults["REMOTE_ADDR"] = address
        _through_details(client)
    assert _post(first, "/lapor/kirim/", {})["Location"].startswith("/lapor/selesai/32.73-")
    answer = _post(second, "/lapor/kirim/", {})
    assert answer.status_code == 400
    text = _text(answer)
    assert "Terlalu banyak laporan baru dari jaringan internet Anda" in text
    assert ReportIndex.objects.count() == 1


def test_the_offline_copy_of_a_step_is_the_step_itself(bandung: Government) -> None:
    """The service worker's copy of a later step (fetched before any answer) must be that step,
    not the redirect to the first unanswered one."""
    client = signed_in_client(UserFactory())
    assert _get(client, "/lapor/kategori/")["Location"] == "/lapor/foto/"
    copy = client.get("/lapor/kategori/", HTTP_HOST=HOST, HTTP_X_WARGA_SHELL="1")
    assert copy.status_code == 200
    assert 'data-wizard-step="kategori"' in copy.content.decode()
    # Only the answerable steps, and only to look at.
    for path in ("/lapor/serupa/", "/lapor/kirim/"):
        assert client.get(path, HTTP_HOST=HOST, HTTP_X_WARGA_SHELL="1")["Location"] == "/lapor/foto/"
    answer = client.post(
        "/lapor/uraian/", {"description": "x", "privacy": "publik"}, HTTP_HOST=HOST, HTTP_X_WARGA_SHELL="1"
    )
    assert answer["Location"] == "/lapor/foto/"
    assert ReportIndex.objects.count() == 0


def test_photos_swept_before_sending_are_said_not_silently_dropped(bandung: Government, settings: Any) -> None:
    client = signed_in_client(UserFactory())
    _through_details(client)
    for path in _pending_files(settings):
        path.unlink()
    answer = _post(client, "/lapor/kirim/", {})
    assert answer.status_code == 400
    assert 'href="#foto"' in _main(answer)
    assert ReportIndex.objects.count() == 0
    assert _get(client, "/lapor/kirim/")["Location"] == "/lapor/foto/"
