"""Oversized requests are refused before they are read (docs/security.md, "Request sizes").

The attacks go through the whole stack with Django's test client: a body over its limit is
answered 413 with the limit in Indonesian, and nothing is created, stored or spooled.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import MULTIPART_CONTENT, encode_multipart
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.personas import official_of
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE, counts, process_photos, submit
from tests.warga.reports.images import image_bytes
from warga.intake.models import ReportIndex
from warga.photos import photo_check
from warga.reports.models import ReportPhoto

PUBLIC = "localhost"
BANDUNG_HOST = "kota-bandung.localhost"
BOUNDARY = "BATAS-warga-0001"


def _payload(**overrides: Any) -> dict[str, Any]:
    return {
        "type": "pengaduan",
        "category_code": "sampah",
        "description": "Sampah menumpuk di pinggir jalan sejak seminggu.",
        "latitude": BANDUNG_POINT[0],
        "longitude": BANDUNG_POINT[1],
        "village_code": BANDUNG_VILLAGE,
        "privacy": "publik",
        "idempotency_key": "ukuran-kunci-0001",
    } | overrides


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def spool(settings: Any, tmp_path: Path) -> Path:
    """Uploads over 1 KB go to a temporary file in a folder of the test's own, so a spooled
    upload (or one left behind) would be seen."""
    folder = tmp_path / "spool"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    return folder


def test_a_json_body_over_the_limit_is_a_413_before_anything_is_read(bandung: Government, settings: Any) -> None:
    citizen = UserFactory()
    before = counts(bandung), ReportIndex.objects.count()
    # 2 MB of description: read whole into memory by DRF's JSON parser before today's fix.
    body = json.dumps(_payload(description="a" * (2 * 1024 * 1024)))
    response = signed_in_client(citizen).post(
        "/api/v1/reports/", body, content_type="application/json", HTTP_HOST=PUBLIC
    )
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "request_too_large"
    assert error["limit_bytes"] == settings.WARGA_MAX_BODY_BYTES == 1024 * 1024
    assert error["message"].startswith("Data yang dikirim terlalu besar (2 MB); batasnya 1 MB. Persingkat isiannya.")
    assert response["Connection"] == "close"
    assert (counts(bandung), ReportIndex.objects.count()) == before


def test_a_json_body_under_the_limit_is_served_as_before(bandung: Government) -> None:
    citizen = UserFactory()
    body = json.dumps(_payload(description="Sampah menumpuk. " + "a" * 900_000))
    response = signed_in_client(citizen).post(
        "/api/v1/reports/", body, content_type="application/json", HTTP_HOST=PUBLIC
    )
    # Read and judged by the service (its own length limit), not refused for its size.
    assert response.status_code == 400
    # Read and validated as any body: the description is refused for its length, by the
    # serializer's bound (10,000 characters) before the service's own limit is asked.
    assert response.json()["error"]["fields"]["description"][0]["code"] == "max_length"


def test_the_limit_holds_on_government_hosts_and_for_anonymous_requests(bandung: Government) -> None:
    official = official_of(bandung)
    before = counts(bandung)
    body = json.dumps({"to_status": "verified", "note": "x" * (1024 * 1024)})
    for client in (signed_in_client(official), Client()):
        response = client.post(
            "/api/v1/reports/32.73-2026-000001/transition/",
            body,
            content_type="application/json",
            HTTP_HOST=BANDUNG_HOST,
        )
        assert response.status_code == 413
    assert counts(bandung) == before


def test_a_form_post_over_the_limit_is_a_413_in_plain_words(db: None) -> None:
    response = Client().post(
        "/akun/login/",
        urlencode({"login": "x" * (1024 * 1024 + 10)}),
        content_type="application/x-www-form-urlencoded",
        HTTP_HOST=PUBLIC,
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("Data yang dikirim terlalu besar")


def test_a_multipart_body_over_the_limit_is_refused_before_any_file_is_spooled(
    bandung: Government, settings: Any, spool: Path
) -> None:
    """The attack: photos far beyond what a report may carry, in one request. Before the fix
    each file was written to a temporary file, and the photos of a valid report stored."""
    settings.WARGA_MAX_MULTIPART_BYTES = 64 * 1024
    citizen = UserFactory()
    before = counts(bandung), ReportIndex.objects.count(), _files(Path(settings.MEDIA_ROOT))
    photo = image_bytes("JPEG", (400, 300), quality=100) + b"\0" * 40_000  # two of them pass the limit
    data = encode_multipart(
        BOUNDARY, _payload() | {"photos": [SimpleUploadedFile(f"{n}.jpg", photo) for n in range(2)]}
    )
    assert len(data) > settings.WARGA_MAX_MULTIPART_BYTES
    response = signed_in_client(citizen).post(
        "/api/v1/reports/", data, content_type=f"multipart/form-data; boundary={BOUNDARY}", HTTP_HOST=PUBLIC
    )
    assert response.status_code == 413
    message = response.json()["error"]["message"]
    assert "batasnya 64 KB. Kirim lebih sedikit foto atau kecilkan ukuran fotonya." in message
    assert (counts(bandung), ReportIndex.objects.count(), _files(Path(settings.MEDIA_ROOT))) == before
    assert _files(spool) == []


def test_the_default_multipart_limit_is_60_mb_and_a_report_with_photos_still_goes_through(
    bandung: Government, settings: Any, spool: Path
) -> None:
    assert settings.WARGA_MAX_MULTIPART_BYTES == 60 * 1024 * 1024
    response = signed_in_client(UserFactory()).post(
        "/api/v1/reports/",
        _payload() | {"photos": [SimpleUploadedFile("a.jpg", image_bytes("JPEG", (400, 300)))]},
        HTTP_HOST=PUBLIC,
    )
    assert response.status_code == 201, response.content
    assert response.request["CONTENT_TYPE"].startswith(MULTIPART_CONTENT)


def test_a_submission_listing_more_photos_than_allowed_is_refused_by_the_serializer(
    bandung: Government, spool: Path
) -> None:
    before = counts(bandung), ReportIndex.objects.count()
    photos = [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(8)]
    response = signed_in_client(UserFactory()).post(
        "/api/v1/reports/", _payload() | {"photos": photos}, HTTP_HOST=PUBLIC
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["photos"] == [
        {"code": "max_length", "message": "Paling banyak 5 foto per laporan."}
    ]
    assert (counts(bandung), ReportIndex.objects.count()) == before


def test_too_many_files_or_fields_get_the_api_error_body_and_nothing_is_kept(
    bandung: Government, settings: Any, spool: Path
) -> None:
    client = signed_in_client(UserFactory())
    before = counts(bandung), ReportIndex.objects.count()
    photos = [SimpleUploadedFile(f"{n}.jpg", b"x" * 2048) for n in range(12)]
    many_files = client.post("/api/v1/reports/", _payload() | {"photos": photos}, HTTP_HOST=PUBLIC)
    assert many_files.status_code == 400
    assert many_files.json()["error"]["code"] == "too_many_files"
    assert many_files.json()["error"]["message"].startswith("Terlalu banyak berkas dalam satu permintaan")
    many_fields = client.post("/api/v1/reports/", _payload() | {"x": ["1"] * 1200}, HTTP_HOST=PUBLIC)
    assert (many_fields.status_code, many_fields.json()["error"]["code"]) == (400, "too_many_fields")
    assert (counts(bandung), ReportIndex.objects.count()) == before
    assert _files(spool) == []


def test_resolution_lists_are_capped_before_their_items_are_parsed(bandung: Government) -> None:
    official = official_of(bandung)
    number = submit(UserFactory()).tracking_number
    before = counts(bandung)
    form = {
        "note": "",
        "photos": [SimpleUploadedFile("bukti.jpg", image_bytes())],
        # 900 fields: under Django's own cap on the number of form fields (1000).
        "captured_at": ["2026-01-01T00:00:00Z"] * 300,
        "latitude": [BANDUNG_POINT[0]] * 300,
        "longitude": [BANDUNG_POINT[1]] * 300,
    }
    response = signed_in_client(official).post(f"/api/v1/reports/{number}/resolve/", form, HTTP_HOST=BANDUNG_HOST)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    for name in ("captured_at", "latitude", "longitude"):
        assert fields[name] == [
            {"code": "max_length", "message": "Paling banyak 5 nilai: satu untuk setiap foto bukti."}
        ]
    assert counts(bandung) == before


# --- Photos decoded at reduced size in the request -------------------------------------------


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (30, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


# The peak resident memory of the process (VmHWM starts afresh at exec, unlike ru_maxrss,
# which a child inherits from the parent it was forked from).
PEAK_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    def peak_mb():
        status = Path("/proc/self/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) // 1024

    data = Path(sys.argv[1]).read_bytes()
    from warga.photos import photo_check
    before = peak_mb()
    outcome = photo_check(data=data, position=1)
    print(type(outcome).__name__, peak_mb() - before)
    """
)


def test_a_40_megapixel_png_is_checked_in_the_request_without_building_the_picture(tmp_path: Path) -> None:
    """The request-side check of a 40 MP PNG (160 MB as RGBA) measured in a fresh process:
    before the fix its peak memory grew by about 160 MB, now by a few MB."""
    path = tmp_path / "besar.png"
    path.write_bytes(_png((8000, 5000)))
    run = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    )
    kind, grown_mb = run.stdout.split()
    assert kind == "CheckedPhoto"
    assert int(grown_mb) < 40, run.stdout


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_a_truncated_png_webp_or_heic_is_still_refused_in_the_request(fmt: str) -> None:
    whole = image_bytes(fmt, (300, 200), mode="RGB" if fmt == "HEIF" else "RGBA")
    assert type(photo_check(data=whole, position=1)).__name__ == "CheckedPhoto"
    outcome = photo_check(data=whole[: len(whole) * 2 // 3], position=2)
    assert getattr(outcome, "code", None) == "not_an_image"


def test_a_corrupt_png_stream_is_refused_in_the_request() -> None:
    whole = bytearray(_png((300, 200)))
    start = whole.index(b"IDAT") + 4
    whole[start + 10 : start + 20] = b"\xff" * 10  # the CRC no longer matches
    assert getattr(photo_check(data=bytes(whole), position=1), "code", None) == "not_an_image"


def test_a_png_submitted_over_http_is_accepted_and_processed_by_the_task(
    bandung: Government, django_capture_on_commit_callbacks: Any
) -> None:
    response = signed_in_client(UserFactory()).post(
        "/api/v1/reports/",
        _payload(idempotency_key="ukuran-png-0001")
        | {"photos": [SimpleUploadedFile("a.png", image_bytes("PNG", (640, 480), mode="RGBA"))]},
        HTTP_HOST=PUBLIC,
    )
    assert response.status_code == 201, response.content
    process_photos(bandung, django_capture_on_commit_callbacks)
    with government_context(bandung):
        assert list(ReportPhoto.objects.values_list("state", flat=True)) == ["ready"]
