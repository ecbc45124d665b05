from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import counts, submit
from tests.warga.reports.images import image_bytes, jpeg_with_private_exif, png_declaring
from warga.intake.models import ReportIndex
from warga.reports.errors import ReportInvalid
from warga.reports.models import OutboxEvent, ReportPhoto


def _upload(data: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_photos_are_stored_clean_upright_and_under_the_owners_prefix(bandung: Government) -> None:
    original = jpeg_with_private_exif(size=(64, 48), orientation=6)
    assert b"Budi Santoso" in original
    submission = submit(
        UserFactory(),
        photos=[_upload(original), _upload(image_bytes("PNG", (30, 20), mode="RGBA"), "peta.png", "image/png")],
    )

    with government_context(bandung):
        first, second = ReportPhoto.objects.order_by("position")
        assert first.report.tracking_number == submission.tracking_number
        assert OutboxEvent.objects.get().payload["photos"] == 2
    assert first.path.startswith("reports/gov_32_73/")
    assert first.path.endswith(".jpg")
    assert (first.width, first.height, first.original_format) == (48, 64, "JPEG")  # orientation applied
    assert (second.width, second.height, second.original_format) == (30, 20, "PNG")
    assert len(first.perceptual_hash) == 16
    stored = (Path(settings.MEDIA_ROOT) / first.path).read_bytes()
    assert b"Budi Santoso" not in stored
    assert b"PonselMerek" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
    assert len(_stored_files()) == 2


def test_large_photos_are_scaled_down(bandung: Government) -> None:
    submit(UserFactory(), photos=[_upload(image_bytes("WEBP", (3000, 1500)), "besar.webp", "image/webp")])
    with government_context(bandung):
        photo = ReportPhoto.objects.get()
    assert (photo.width, photo.height, photo.original_format) == (2048, 1024, "WEBP")


def _refused(*photos: bytes) -> list[tuple[str, str]]:
    with pytest.raises(ReportInvalid) as invalid:
        submit(UserFactory(), photos=[_upload(p) for p in photos])
    assert list(invalid.value.errors) == ["photos"]
    return [(e.code, e.message) for e in invalid.value.errors["photos"]]


HOSTILE = {
    "text named .jpg": b"ini bukan foto, hanya teks biasa",
    "html": b"<html><script>alert(1)</script></html>",
    "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "gif (a real image, not accepted)": image_bytes("GIF"),
    "truncated jpeg": image_bytes("JPEG", (200, 200))[:300],
    "jpeg header then garbage": b"\xff\xd8\xff\xe0" + b"\x00" * 2000,
    "empty": b"",
}


@pytest.mark.parametrize("content", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_files_are_refused_by_content_and_nothing_is_written(bandung: Government, content: bytes) -> None:
    assert _refused(content) == [("not_an_image", "Foto ke-1 bukan gambar JPEG, PNG atau WebP yang utuh.")]
    assert counts(bandung) == (0, 0, 0)
    assert not ReportIndex.objects.exists()
    assert _stored_files() == []


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        # Over our limit, under Pillow's own: refused by the check on the header's size.
        (8_000, 8_000, "Foto ke-1 berukuran 8000 x 8000 piksel; batasnya 40 juta piksel."),
        # Far over Pillow's limit too: its guard fires while the header is read.
        (40_000, 40_000, "Foto ke-1 terlalu besar: lebih dari 40 juta piksel."),
    ],
)
def test_decompression_bomb_is_refused_before_decoding(
    bandung: Government, width: int, height: int, message: str
) -> None:
    bomb = png_declaring(width, height)
    assert len(bomb) < 200
    assert _refused(bomb) == [("too_many_pixels", message)]
    assert _stored_files() == []


def test_photo_over_10_mb_is_refused(bandung: Government) -> None:
    assert _refused(image_bytes(), b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024)) == [
        ("too_large", "Foto ke-2 lebih besar dari 10 MB. Kecilkan ukurannya atau pilih foto lain.")
    ]
    assert counts(bandung) == (0, 0, 0)
    assert _stored_files() == []


def test_more_than_five_photos_are_refused(bandung: Government) -> None:
    assert _refused(*[image_bytes()] * 6) == [("too_many", "Paling banyak 5 foto per laporan (dikirim 6).")]
    assert _stored_files() == []


def test_replayed_submission_stores_no_second_copy(bandung: Government) -> None:
    citizen = UserFactory()
    photo = image_bytes()
    first = submit(citizen, idempotency_key="kunci-foto-01", photos=[_upload(photo)])
    again = submit(citizen, idempotency_key="kunci-foto-01", photos=[_upload(photo)])
    assert (again.tracking_number, again.replayed) == (first.tracking_number, True)
    assert len(_stored_files()) == 1
