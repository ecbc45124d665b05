"""Citizen intake: one submitted report lands, exactly once, in the schema of the government
that owns its place.

`report_submit` is the only way a report enters the platform. It validates everything before
writing anything, resolves the owner (regency/city, else province, else the national triage
desk), then in ONE transaction allocates the owner's tracking number, writes the report with
its first audit and outbox events in the owner's schema and the index row in public. The
database's unique constraint on (acting_user, idempotency key) decides between concurrent
retries of the same submission. The limits on how many new reports one reporter or one
address may send are in `submission_limits`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.context import government_context
from tenants.models import Government
from tenants.scope import public_scoped
from warga.accounts.models import User
from warga.counters import REPORTS_SUBMITTED
from warga.errors import FieldError, Unavailable, Unprocessable
from warga.geo import metres_between
from warga.intake.models import ReportIndex
from warga.intake.reference import IntakeReference, intake_reference
from warga.intake.reporters import index_reporter_fields
from warga.intake.selectors import index_for_idempotency_key
from warga.intake.services.submission_limits import earlier_submissions_check, earlier_submissions_read
from warga.photos import CheckedPhoto, Readable, photos_check
from warga.regions.models import Village
from warga.reports.errors import ReportInvalid
from warga.reports.models import Privacy, ReportType
from warga.reports.selectors import reports_by_ids
from warga.reports.services import (
    NewReport,
    index_map_fields,
    photo_files_discard,
    photo_files_store,
    report_create,
    tracking_number_next,
)
from warga.taxonomy.models import Category, Handling
from warga.taxonomy.questions import Answer, AnswersInvalid, validate_answers

logger = logging.getLogger(__name__)

DESCRIPTION_MAX_LENGTH = 5000
# Indonesia's extent with a margin for its outer islands (Rondo/Sabang in the north-west,
# Miangas in the north, Merauke in the east, Pulau Pamana/Rote in the south).
LATITUDE_RANGE = (-11.0, 6.5)
LONGITUDE_RANGE = (94.0, 141.5)
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
# How far a point may lie from the centre of the chosen village's kecamatan. Only checked
# where the reference data knows that centre (idn-area-data carries none yet).
DEFAULT_MAX_DISTANCE_FROM_DISTRICT_KM = 30.0


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency_key_reused"
    default_message = _(
        "This idempotency key was already used for a report with different content. Make a new key for a new report."
    )


class IntakeUnavailable(Unavailable):
    default_message = _(
        "Reports cannot be received right now: no government is ready to receive them yet. Try again later."
    )


class PhotoStorageUnavailable(IntakeUnavailable):
    """The photos could not be written (a full disk, a storage that does not answer); nothing
    of the report was written either."""

    default_message = _(
        "The report's photos cannot be stored because Warga's storage has a problem; your report was not sent "
        "and nothing was recorded. Try sending it again in a few minutes with the same key."
    )


@dataclass(frozen=True)
class Submission:
    """The answer to a submission; a replay of the same idempotency key gets the same one."""

    tracking_number: str
    government_code: str | None
    government_name: str
    type: str
    category_code: str
    privacy: str
    status: str
    created_at: datetime
    replayed: bool


def _fingerprint(**fields: object) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def _validate(
    *,
    reference: IntakeReference,
    acting_user: User,
    type: str,  # noqa: A002 -- the domain word and the API field name
    category_code: str,
    description: str,
    latitude: float,
    longitude: float,
    village_code: str,
    privacy: str,
    idempotency_key: str,
    photos: Sequence[Readable],
    answers: Mapping[str, object] | None,
) -> tuple[Village, Category, list[CheckedPhoto], dict[str, Answer]]:
    errors: dict[str, list[FieldError]] = {}

    def add(field: str, code: str, message: str) -> None:
        errors.setdefault(field, []).append(FieldError(code, message))

    if not acting_user.is_authenticated or not acting_user.is_active:
        add("reporter", "inactive", "Masuk dengan akun yang aktif untuk mengirim laporan.")
    if type not in ReportType.values:
        add("type", "unknown_type", f"Jenis laporan harus salah satu dari: {', '.join(ReportType.values)}.")
    if privacy not in Privacy.values:
        add("privacy", "unknown_privacy", f"Mode privasi harus salah satu dari: {', '.join(Privacy.values)}.")

    category = reference.category(category_code)
    if category is None or not category.is_active:
        add(
            "category_code",
            "unknown_category",
            f"Kategori '{category_code}' tidak dikenal. Pilih kategori dari daftar.",
        )
    elif category.handling == Handling.EMERGENCY_REFERRAL:
        add("category_code", "emergency_referral", category.referral_id)
    cleaned_answers: dict[str, Answer] = {}
    if category is not None and category.is_active:
        # The category's questions are checked here for every channel (docs/decisions/0060).
        try:
            cleaned_answers = validate_answers(category.code, answers, questions=reference.questions_of(category.code))
        except AnswersInvalid as wrong:
            for field, items in (wrong.fields or {}).items():
                errors.setdefault(field, []).extend(items)

    text = description.strip()
    if not text:
        add("description", "required", "Uraian laporan wajib diisi: ceritakan masalahnya.")
    elif len(text) > DESCRIPTION_MAX_LENGTH:
        add(
            "description",
            "too_long",
            f"Uraian paling panjang {DESCRIPTION_MAX_LENGTH} karakter (sekarang {len(text)}). Persingkat uraiannya.",
        )

    coordinates_ok = True
    if not math.isfinite(latitude) or not LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]:
        coordinates_ok = False
        add(
            "latitude",
            "outside_indonesia",
            f"Lintang {latitude} berada di luar wilayah Indonesia ({LATITUDE_RANGE[0]} sampai {LATITUDE_RANGE[1]}).",
        )
    if not math.isfinite(longitude) or not LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]:
        coordinates_ok = False
        add(
            "longitude",
            "outside_indonesia",
            f"Bujur {longitude} berada di luar wilayah Indonesia ({LONGITUDE_RANGE[0]} sampai {LONGITUDE_RANGE[1]}).",
        )

    village = reference.village(village_code.strip())
    if village is None:
        add(
            "village_code",
            "unknown_village",
            f"Kode kelurahan/desa '{village_code}' tidak ditemukan. Pilih kelurahan/desa dari hasil pencarian.",
        )
    elif coordinates_ok and village.district.latitude is not None and village.district.longitude is not None:
        limit = float(getattr(settings, "WARGA_INTAKE_MAX_DISTANCE_KM", DEFAULT_MAX_DISTANCE_FROM_DISTRICT_KM))
        distance = metres_between(latitude, longitude, village.district.latitude, village.district.longitude) / 1000
        if distance > limit:
            add(
                "village_code",
                "far_from_village",
                f"Titik lokasi berjarak {distance:.0f} km dari Kecamatan {village.district.name}, lebih dari "
                f"{limit:.0f} km. Periksa kelurahan/desa yang dipilih atau titik di peta.",
            )

    if not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        add(
            "idempotency_key",
            "invalid",
            "Kunci idempotensi harus 8-64 karakter huruf, angka, titik, titik dua, garis bawah atau tanda hubung "
            "(misalnya sebuah UUID).",
        )
    # Only the checks the citizen must hear about; the heavy work runs after the commit.
    processed, photo_errors = photos_check(files=photos)
    for error in photo_errors:
        add("photos", error.code, error.message)

    if errors:
        raise ReportInvalid(errors)
    assert village is not None
    assert category is not None
    return village, category, processed, cleaned_answers


def _submission(entry: ReportIndex, *, replayed: bool) -> Submission:
    with government_context(entry.government):
        report = reports_by_ids(report_ids=[entry.report_id]).get()
    return Submission(
        tracking_number=report.tracking_number,
        government_code=entry.government.code,
        government_name=entry.government.name,
        type=report.type,
        category_code=report.category_code,
        privacy=report.privacy,
        status=report.status,
        created_at=report.created_at,
        replayed=replayed,
    )


def _replay(*, acting_user: User, idempotency_key: str, fingerprint: str) -> Submission | None:
    entry = index_for_idempotency_key(reporter=acting_user, idempotency_key=idempotency_key)
    if entry is None:
        return None
    if entry.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return _submission(entry, replayed=True)


def _outside(*, required: Government, owner: Government) -> FieldError:
    return FieldError(
        "outside_jurisdiction",
        f"Kelurahan/desa ini ditangani oleh {owner.name}, bukan {required.name}. Kirim laporannya ke alamat "
        f"{owner.name} atau ke alamat nasional, yang meneruskannya sendiri.",
    )


def _local_year(government: Government, now: datetime) -> int:
    return now.astimezone(ZoneInfo(government.time_zone)).year


@public_scoped
def report_submit(
    *,
    acting_user: User,
    type: str,  # noqa: A002 -- the domain word and the API field name
    category_code: str,
    description: str,
    latitude: float,
    longitude: float,
    village_code: str,
    privacy: str,
    idempotency_key: str,
    photos: Sequence[Readable] = (),
    answers: Mapping[str, object] | None = None,
    owner_required: Government | None = None,
) -> Submission:
    """Submit a citizen's report; returns where it landed and its tracking number.

    `answers` are the answers to the category's questions (`warga.taxonomy.questions`), kept
    as cleaned. `owner_required` (a channel bound to one government, such as its Open311
    endpoint): a place that government does not own is refused as ReportInvalid, nothing
    written. Raises ReportInvalid (field errors in Bahasa Indonesia, nothing written) for
    bad input, an answer's under `answers.<question code>`,
    IdempotencyKeyReused when the key was used for different content, RateLimited when the
    reporter sent too many new reports recently, and IntakeUnavailable
    when no government is ready to own the report. The same key with the same content from
    the same reporter returns the first submission, `replayed=True`, even when the two
    requests race: the loser's transaction rolls back (taking its tracking number with it).
    """
    # The reporter's recent rows in the index (a retry, the limit) and the version of the
    # categories, questions, villages and owners held in the process's cache: one statement.
    # The rows are acted on only after validation, so that bad input is reported as such first.
    asked_at = timezone.now()
    earlier = earlier_submissions_read(acting_user=acting_user, idempotency_key=idempotency_key, now=asked_at)
    reference = intake_reference(key=earlier.reference_key)
    village, category, processed, cleaned_answers = _validate(
        reference=reference,
        acting_user=acting_user,
        type=type,
        category_code=category_code,
        description=description,
        latitude=latitude,
        longitude=longitude,
        village_code=village_code,
        privacy=privacy,
        idempotency_key=idempotency_key,
        photos=photos,
        answers=answers,
    )
    data = NewReport(
        type=type,
        category_code=category_code,
        description=description.strip(),
        latitude=latitude,
        longitude=longitude,
        province_code=village.district.regency.province_id,
        regency_code=village.district.regency_id,
        district_code=village.district_id,
        village_code=village.code,
        privacy=privacy,
        answers=dict(cleaned_answers),
    )
    # Without answers the fingerprint stays what it was before reports had any.
    fields = {name: value for name, value in vars(data).items() if name != "answers" or value}
    fingerprint = _fingerprint(**fields, photos=[photo.sha256 for photo in processed])
    # A retried submission is never refused by the limit: only new reports count.
    if earlier.same_key and (
        replay := _replay(acting_user=acting_user, idempotency_key=idempotency_key, fingerprint=fingerprint)
    ):
        return replay
    earlier_submissions_check(earlier, now=asked_at)
    owner = reference.owner(regency_code=data.regency_code, province_code=data.province_code)
    if owner is None:
        raise IntakeUnavailable()
    if owner_required is not None and owner.pk != owner_required.pk:
        raise ReportInvalid({"village_code": [_outside(required=owner_required, owner=owner)]})
    # Files cannot join the transaction: they are written first and removed if it fails.
    try:
        stored = photo_files_store(government=owner, photos=processed)
    except OSError as error:  # ENOSPC, EFBIG, EDQUOT, EIO ...: the operator's problem, said plainly to the citizen
        logger.error("photos of a report to %s could not be stored: %s", owner.schema_name, error)
        raise PhotoStorageUnavailable() from error
    try:
        # The transaction commits inside the owner's context: no switch back to public before it.
        with government_context(owner), transaction.atomic():
            now = timezone.now()
            tracking_number = tracking_number_next(government=owner, year=_local_year(owner, now))
            report = report_create(
                government=owner,
                acting_user_id=acting_user.pk,
                data=data,
                tracking_number=tracking_number,
                now=now,
                # Citizens do not choose the priority (so it stays out of the
                # fingerprint): a report starts with its category's default.
                priority=category.default_priority,
                photos=stored,
                queue_photos=True,
            )
            # The index lives in public, which the owner's search path also reaches (its
            # table name is unique): written here, it costs no switch back to public.
            ReportIndex.objects.create(
                tracking_number=tracking_number,
                government=owner,
                report_id=report.pk,
                **index_reporter_fields(user_id=acting_user.pk, privacy=privacy),
                idempotency_key=idempotency_key,
                request_fingerprint=fingerprint,
                created_at=now,
                **index_map_fields(report=report),
            )
    except IntegrityError:
        # A concurrent request with the same key committed first; everything this one
        # wrote (its tracking number included) is rolled back. Answer with the winner.
        photo_files_discard(paths=[s.path for s in stored])
        replay = _replay(acting_user=acting_user, idempotency_key=idempotency_key, fingerprint=fingerprint)
        if replay is None:
            raise
        return replay
    except BaseException:
        photo_files_discard(paths=[s.path for s in stored])
        raise
    REPORTS_SUBMITTED.labels(government=owner.code).inc()
    return Submission(
        tracking_number=tracking_number,
        government_code=owner.code,
        government_name=owner.name,
        type=report.type,
        category_code=report.category_code,
        privacy=report.privacy,
        status=report.status,
        created_at=report.created_at,
        replayed=False,
    )
