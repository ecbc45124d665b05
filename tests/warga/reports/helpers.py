"""Shared set-up for report tests: real villages, real coordinates, one call to submit."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.warga.reports.images import distinct_image
from warga.accounts.models import User
from warga.intake.services import Submission, report_submit
from warga.outbox.models import OutboxEvent
from warga.reports.models import PhotoState, Report, ReportEvent, ReportPhoto
from warga.reports.services import ProofInput, report_resolve
from warga.reports.tasks import photo_process_task

# Kelurahan Sukarasa, Kecamatan Sukasari, Kota Bandung (32.73): a city tenant.
BANDUNG_VILLAGE = "32.73.01.1001"
BANDUNG_POINT = (-6.8721, 107.5803)
# Kelurahan Gambir, Jakarta Pusat (31.71): a unit of the DKI Jakarta province tenant.
JAKARTA_VILLAGE = "31.71.01.1001"
JAKARTA_POINT = (-6.1762, 106.8227)
# Kelurahan Pondok Rajeg, Kabupaten Bogor (32.01): neither it nor Jawa Barat is a tenant.
BOGOR_VILLAGE = "32.01.01.1001"
BOGOR_POINT = (-6.4700, 106.8300)


def submission_fields(**overrides: Any) -> dict[str, Any]:
    """A valid report in Kota Bandung, as a citizen sends it (service keywords, API fields)."""
    fields: dict[str, Any] = {
        "type": "pengaduan",
        "category_code": "jalan_rusak",
        "description": "Jalan berlubang besar di depan sekolah, sudah dua minggu.",
        "latitude": BANDUNG_POINT[0],
        "longitude": BANDUNG_POINT[1],
        "village_code": BANDUNG_VILLAGE,
        "privacy": "publik",
        "idempotency_key": str(uuid.uuid4()),
    }
    return fields | overrides


def submit(reporter: User, **overrides: Any) -> Submission:
    return report_submit(acting_user=reporter, **submission_fields(**overrides))


def counts(government: Government) -> tuple[int, int, int]:
    """(reports, audit events, outbox events) in a government's schema."""
    with government_context(government):
        return Report.objects.count(), ReportEvent.objects.count(), OutboxEvent.objects.count()


_seeds = itertools.count(1)


def proof_at(report: Report, *, seed: int | None = None, **overrides: Any) -> ProofInput:
    """A fresh proof photo taken now at the report's location (distinct from every other)."""
    fields: dict[str, Any] = {
        "file": SimpleUploadedFile("bukti.jpg", distinct_image(seed if seed is not None else next(_seeds))),
        "captured_at": timezone.now(),
        "latitude": report.latitude,
        "longitude": report.longitude,
    }
    fields.update(overrides)
    return ProofInput(**fields)


def resolve(government: Government, tracking_number: str, actor: User) -> Report:
    """Resolve with one valid proof photo (the report must be in progress or reopened)."""
    with government_context(government):
        report = Report.objects.get(tracking_number=tracking_number)
        return report_resolve(acting_user=actor, tracking_number=tracking_number, proofs=[proof_at(report)])


def process_photos(government: Government, capture: Any) -> list[str]:
    """Run the photo task, as the worker would, for every photo of `government` still waiting;
    `capture` is pytest-django's django_capture_on_commit_callbacks (the task deletes the
    quarantined original after its commit)."""
    with government_context(government):
        waiting = list(ReportPhoto.objects.filter(state=PhotoState.PROCESSING).values_list("id", flat=True))
        with capture(execute=True):
            return [photo_process_task(photo_id=photo_id) for photo_id in waiting]
