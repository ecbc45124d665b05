from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from celery.exceptions import Reject
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import counts, process_photos, submit
from tests.warga.reports.images import heic_with_private_exif, image_bytes, jpeg_with_private_exif, png_declaring
from warga.intake.models import ReportIndex
from warga.outbox.models import OutboxEvent
from warga.reports.errors import ReportInvalid
from warga.reports.models import ReportPhoto
from warga.reports.tasks import photo_process_task


def _upload(data: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_photos_are_stored_clean_upright_and_under_the_owners_prefix(
    bandung: Government, django_capture_on_commit_callbacks: Any
) -> None:
    original = jpeg_with_private_exif(size=(64, 48), orientation=6)
    assert b"Budi Santoso" in original
    submission = submit(
        UserFactory(),
        photos=[_upload(original), _upload(image_bytes("PNG", (30, 20), mode="RGBA"), "peta.png", "image/png")],
    )
    assert process_photos(bandung, django_capture_on_commit_callbacks) == ["ready", "ready"]

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
    # The clean photo and its thumbnail each; the quarantined originals are gone.
    assert len(_stored_files()) == 4
    assert [p.parent.name for p in _stored_files()] == ["gov_32_73"] * 4
    thumbnail = (Path(settings.MEDIA_ROOT) / first.thumbnail_path).read_bytes()
    with Image.open(io.BytesIO(thumbnail)) as image:
        assert (image.format, image.size) == ("JPEG", (48, 64))
        assert dict(image.getexif()) == {}


def test_large_photos_are_scaled_down(bandung: Government, django_capture_on_commit_callbacks: Any) -> None:
    submit(UserFactory(), photos=[_upload(image_bytes("WEBP", (3000, 1500)), "besar.webp", "image/webp")])
    process_photos(bandung, django_capture_on_commit_callbacks)
    with government_context(bandung):
        photo = ReportPhoto.objects.get()
    assert (photo.width, photo.height, photo.original_format) == (2048, 1024, "WEBP")
    with Image.open(Path(settings.MEDIA_ROOT) / photo.thumbnail_path) as image:
        assert image.size == (320, 160)


def test_report_stands_before_its_photos_are_processed_and_the_original_is_quarantined(
    bandung: Government, django_capture_on_commit_callbacks: Any
) -> None:
    submission = submit(UserFactory(), photos=[_upload(jpeg_with_private_exif())])
    with government_context(bandung):
        photo = ReportPhoto.objects.get()
        assert photo.report.tracking_number == submission.tracking_number
    assert (photo.state, photo.thumbnail_path, photo.perceptual_hash) == ("processing", "", "")
    assert photo.path.startswith("quarantine/gov_32_73/")
    # As declared by the camera, before the orientation is applied by the task.
    assert (photo.width, photo.height, photo.original_format) == (64, 48, "JPEG")
    assert b"Budi Santoso" in (Path(settings.MEDIA_ROOT) / photo.path).read_bytes()


def test_photo_task_is_idempotent_and_refuses_to_run_outside_a_government(
    bandung: Government, django_capture_on_commit_callbacks: Any
) -> None:
    submit(UserFactory(), photos=[_upload(image_bytes())])
    assert process_photos(bandung, django_capture_on_commit_callbacks) == ["ready"]
    with government_context(bandung):
        photo = ReportPhoto.objects.get()
        files = _stored_files()
        assert photo_process_task(photo_id=photo.pk) == "ready"
        assert photo_process_task(photo_id=photo.pk + 1000) == "gone"
        assert ReportPhoto.objects.get() == photo
    assert _stored_files() == files
    with pytest.raises(Reject):
        photo_process_task(photo_id=photo.pk)


def test_photo_that_cannot_be_decoded_in_the_task_is_rejected_and_never_served(
    bandung: Government, django_capture_on_commit_callbacks: Any
) -> None:
    submit(UserFactory(), photos=[_upload(image_bytes())])
    with government_context(bandung):
        photo = ReportPhoto.objects.get()
    # The stored original was damaged after the request checked it (a disk fault, say).
    (Path(settings.MEDIA_ROOT) / photo.path).write_bytes(b"rusak")
    assert process_photos(bandung, django_capture_on_commit_callbacks) == ["rejected"]
    with government_context(bandung):
        assert ReportPhoto.objects.get().state == "rejected"
    assert _stored_files() == []


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
    assert _refused(content) == [("not_an_image", "Foto ke-1 bukan gambar JPEG, PNG, WebP atau HEIC yang utuh.")]
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


def test_heic_from_a_phone_is_accepted_and_stored_as_a_clean_jpeg(
    bandung: Government, django_capture_on_commit_callbacks: Any
) -> None:
    original = heic_with_private_exif(size=(64, 48), orientation=6)
    assert original[4:12] == b"ftypheic"
    assert b"Budi Santoso" in original
    submit(UserFactory(), photos=[_upload(original, "IMG_0001.HEIC", "image/heic")])
    with government_context(bandung):
        assert ReportPhoto.objects.get().original_format == "HEIF"
    assert process_photos(bandung, django_capture_on_commit_callbacks) == ["ready"]
    with government_context(bandung):
        photo = ReportPhoto.objects.get()
    assert (photo.width, photo.height, photo.path[-4:]) == (48, 64, ".jpg")  # orientation applied
    stored = (Path(settings.MEDIA_ROOT) / photo.path).read_bytes()
    assert b"Budi Santoso" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, dict(image.getexif())) == ("JPEG", {})


def test_a_truncated_heic_is_refused_in_the_request(bandung: Government) -> None:
    assert _refused(heic_with_private_exif()[:200]) == [
        ("not_an_image", "Foto ke-1 bukan gambar JPEG, PNG, WebP atau HEIC yang utuh.")
    ]
