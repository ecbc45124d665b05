"""The disk for media is full: intake answers a clear error and writes no report without its photos.

A real gunicorn runs with RLIMIT_FSIZE set (before exec) so that no file it writes may grow past
LIMIT bytes: the kernel refuses the write that crosses it (EFBIG), exactly where a full disk
refuses one (ENOSPC), inside the real FileSystemStorage. A photo smaller than that still fits.
"""

from __future__ import annotations

import io
import resource
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from tenants.context import government_context
from tenants.models import Government
from tests.warga.reports.images import distinct_image
from tests.worker.conftest import _environment
from warga.intake.models import ReportIndex
from warga.intake.services import PhotoStorageUnavailable
from warga.reports.models import Report, ReportPhoto

from .support import Answer, Citizen, media_files, say, submit_over_http, web_running

pytestmark = [pytest.mark.worker, pytest.mark.timeout(180)]

LIMIT = 16 * 1024


def _large_photo() -> bytes:
    """A noisy JPEG far larger than LIMIT."""
    out = io.BytesIO()
    Image.effect_noise((320, 240), 60).convert("RGB").save(out, "JPEG", quality=90)
    assert len(out.getvalue()) > 2 * LIMIT
    return out.getvalue()


def _files_limited() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def test_a_full_media_disk_refuses_the_report_and_leaves_nothing(
    citizens: Callable[[int], list[Citizen]], tmp_path: Path
) -> None:
    person, other = citizens(2)
    media = tmp_path / "var" / "media"
    environment = _environment(broker_url="filesystem://", var_dir=tmp_path / "var", queue="fault-disk")
    small, large = distinct_image(7, (96, 72)), _large_photo()
    assert len(small) < LIMIT
    sent: list[tuple[str, Answer]] = []
    with web_running(environment, preexec_fn=_files_limited) as web:
        for citizen, pictures in ((person, [small, large]), (other, [large]), (person, [small])):
            key = f"penuh-{uuid.uuid4().hex}"
            sent.append((key, submit_over_http(web, citizen, idempotency_key=key, photos=pictures)))
        log = web.log()

    (refused_key, refused), (other_key, other_refused), (_accepted_key, accepted) = sent
    for answer in (refused, other_refused):
        assert answer.status == 503, (answer, log[-3000:])
        assert answer.body["error"] == {"code": "unavailable", "message": PhotoStorageUnavailable().message}
        assert int(answer.headers["retry-after"]) > 0
    assert "could not be stored" in log
    assert "File too large" in log
    assert accepted.status == 201, (accepted, log[-3000:])

    # Nothing of the refused reports; the accepted one whole, with its one photo on disk.
    assert not ReportIndex.objects.filter(idempotency_key__in=[refused_key, other_key]).exists()
    bandung = Government.objects.get(code="32.73")
    with government_context(bandung):
        reports = Report.objects.filter(reporter_id__in=[person.user_id, other.user_id])
        photos = list(ReportPhoto.objects.filter(report__in=reports).values_list("path", flat=True))
        numbers = list(reports.values_list("tracking_number", flat=True))
    files = media_files(media, "")
    say(
        "media disk full during intake",
        sent=len(sent),
        answered_503=sum(answer.status == 503 for _, answer in sent),
        reports_arrived=len(numbers),
        photos_stored=len(photos),
        files_on_disk=len(files),
    )
    assert numbers == [accepted.body["tracking_number"]]
    # The partial file of the photo the disk refused, and the one written before it, are gone.
    assert [str(path.relative_to(media)) for path in files] == photos
