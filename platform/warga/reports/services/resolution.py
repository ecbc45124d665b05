"""Resolution with proof.

Qlue's lesson: officials reused one "after" photo for several reports with only the date
changed. A resolution therefore needs proof photos taken near the report, after it was sent,
and not resembling any earlier proof photo of this government.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Func, IntegerField, Value
from django.utils import timezone

from tenants.context import tenant_connection
from tenants.scope import tenant_scoped
from warga.accounts.models import User
from warga.geo import metres_between
from warga.photos import Readable, photos_process
from warga.reports.errors import FieldError, InvalidTransition, ReportInvalid, ReportNotFound
from warga.reports.lifecycle import Status, allowed_next, is_allowed
from warga.reports.models import PhotoKind, PhotoState, Report, ReportPhoto
from warga.reports.services._common import _apply, _require_may_act
from warga.reports.services.photo_storage import StoredPhoto, photo_files_discard, photo_files_store

DEFAULT_PROOF_MAX_DISTANCE_M = 200.0
# Hamming distance (of 64 bits) up to which two difference hashes count as the same picture.
PROOF_REUSE_MAX_BITS = 6
# Clock drift allowed between the official's device and the server.
PROOF_CLOCK_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class ProofInput:
    file: Readable
    captured_at: datetime
    latitude: float
    longitude: float


class _HexHammingDistance(Func):
    """Bits that differ between two 64-bit hashes written as 16 hex digits (PostgreSQL 14+)."""

    arg_joiner = ")::bit(64) # ('x' || "
    template = "bit_count(('x' || %(expressions)s)::bit(64))"
    output_field = IntegerField()


def _earlier_proof_like(perceptual_hash: str) -> ReportPhoto | None:
    distance = _HexHammingDistance(F("perceptual_hash"), Value(perceptual_hash))
    return (
        ReportPhoto.objects.filter(kind=PhotoKind.PROOF)
        .annotate(hamming=distance)
        .filter(hamming__lte=PROOF_REUSE_MAX_BITS)
        .select_related("report")
        .order_by("hamming", "id")
        .first()
    )


@tenant_scoped
def report_resolve(*, acting_user: User, tracking_number: str, proofs: list[ProofInput], note: str = "") -> Report:
    """Declare a report of the current government resolved, with proof photos.

    Each proof must be a real photo (as for citizens' photos), taken within the configured
    distance of the report (WARGA_PROOF_MAX_DISTANCE_M, default 200 m), after the report was
    sent and not in the future, and must not resemble any earlier proof photo of this
    government. Every refusal says which photo and why; nothing is written then. The actor
    must be allowed to act on the report (`report.act` for its handling unit), else
    ActionForbidden.
    """
    if not acting_user.is_authenticated or not acting_user.is_active:
        raise ReportInvalid.single("actor", "inactive", "Akun yang tidak aktif tidak dapat mengubah laporan.")
    if not proofs:
        raise ReportInvalid.single(
            "proofs", "required", "Lampirkan minimal satu foto bukti penanganan beserta waktu dan lokasinya."
        )
    # Refused before the photos are decoded (the costly part); asked again under the lock,
    # where the handling unit cannot change any more.
    unlocked = Report.objects.filter(tracking_number=tracking_number).first()
    if unlocked is None:
        raise ReportNotFound()
    _require_may_act(acting_user, unlocked)
    processed, photo_errors = photos_process(files=[proof.file for proof in proofs])
    if photo_errors:
        raise ReportInvalid({"proofs": photo_errors})
    note = note.strip()
    max_distance = float(getattr(settings, "WARGA_PROOF_MAX_DISTANCE_M", DEFAULT_PROOF_MAX_DISTANCE_M))
    stored: list[StoredPhoto] = []
    try:
        with transaction.atomic():
            report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
            if report is None:
                raise ReportNotFound()
            _require_may_act(acting_user, report)
            if not is_allowed(report.status, Status.RESOLVED):
                raise InvalidTransition(
                    current=report.status,
                    requested=Status.RESOLVED,
                    allowed=[s.value for s in allowed_next(report.status)],
                )
            now = timezone.now()
            errors: list[FieldError] = []
            for position, (proof, photo) in enumerate(zip(proofs, processed, strict=True), start=1):
                label = f"Foto bukti ke-{position}"
                distance = metres_between(report.latitude, report.longitude, proof.latitude, proof.longitude)
                if distance > max_distance:
                    errors.append(
                        FieldError(
                            "proof_too_far",
                            f"{label} diambil {distance:.0f} m dari lokasi laporan; paling jauh {max_distance:.0f} m.",
                        )
                    )
                if proof.captured_at < report.created_at:
                    errors.append(
                        FieldError("proof_before_report", f"{label} diambil sebelum laporan dikirim, jadi bukan bukti.")
                    )
                elif proof.captured_at > now + PROOF_CLOCK_TOLERANCE:
                    errors.append(
                        FieldError("proof_in_future", f"{label} bertanggal di masa depan: periksa jam perangkat.")
                    )
                earlier = _earlier_proof_like(photo.perceptual_hash)
                if earlier is not None:
                    errors.append(
                        FieldError(
                            "proof_reused",
                            f"{label} sama dengan foto bukti laporan {earlier.report.tracking_number}. "
                            "Ambil foto baru di lokasi.",
                        )
                    )
            if errors:
                raise ReportInvalid({"proofs": errors})
            stored = photo_files_store(government=tenant_connection().tenant, photos=processed)
            first_position = (
                ReportPhoto.objects.filter(report=report)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
                or 0
            ) + 1
            ReportPhoto.objects.bulk_create(
                ReportPhoto(
                    report=report,
                    kind=PhotoKind.PROOF,
                    position=first_position + index,
                    path=item.path,
                    width=item.photo.width,
                    height=item.photo.height,
                    size_bytes=len(item.photo.content),
                    original_format=item.photo.original_format,
                    sha256=item.photo.sha256,
                    perceptual_hash=item.photo.perceptual_hash,
                    # Processed in the request: the reuse check needs the hash before deciding.
                    state=PhotoState.READY,
                    captured_at=proof.captured_at,
                    captured_latitude=proof.latitude,
                    captured_longitude=proof.longitude,
                    created_at=now,
                )
                for index, (item, proof) in enumerate(zip(stored, proofs, strict=True))
            )
            _apply(report, acting_user_id=acting_user.pk, target=Status.RESOLVED, note=note)
    except BaseException:
        photo_files_discard(paths=[item.path for item in stored])
        raise
    return report
