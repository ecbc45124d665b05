"""Citizens' photos are finished by a real worker after the report is committed."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.warga.reports.helpers import submit
from tests.warga.reports.images import jpeg_with_private_exif
from warga.accounts.models import User
from warga.reports.models import ReportPhoto

from .support import Worker, committed_citizen, wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def media(worker: Worker, settings: Any) -> Path:
    """The worker's media folder, shared with this process (under the worker's var dir)."""
    root = Path(worker.environment["WARGA_VAR_DIR"]) / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def citizen(db: None) -> Iterator[User]:
    """A citizen whose reports (and they themselves) are removed afterwards: rows are committed."""
    with committed_citizen(email_prefix="foto") as user:
        yield user


def test_the_worker_makes_the_photo_clean_after_the_report_is_committed(media: Path, citizen: User) -> None:
    bandung = Government.objects.get(code="32.73")
    number = submit(
        citizen, idempotency_key=uuid.uuid4().hex, photos=[SimpleUploadedFile("a.jpg", jpeg_with_private_exif())]
    ).tracking_number

    def ready() -> ReportPhoto | None:
        with government_context(bandung):
            photo = ReportPhoto.objects.get(report__tracking_number=number)
        return photo if photo.state == "ready" else None

    photo = wait_for(ready, what=f"the photo of {number} to be processed")
    assert photo.path.startswith("reports/gov_32_73/")
    assert photo.thumbnail_path.startswith("reports/gov_32_73/")
    assert (photo.width, photo.height, len(photo.perceptual_hash)) == (48, 64, 16)
    stored = (media / photo.path).read_bytes()
    assert b"Budi Santoso" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {}
    # The quarantined original went once the task committed.
    quarantine = media / "quarantine"
    wait_for(
        lambda: not any(path.is_file() for path in quarantine.rglob("*")),
        what="the quarantined original to be deleted",
    )
