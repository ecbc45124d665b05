"""Citizen intake: one submitted report lands, exactly once, in the schema of the government
that owns its place.

`report_submit` is the only way a report enters the platform (the API and the pages call
it). It validates everything before writing anything, resolves the owner (regency/city,
else province, else the national triage desk), then in ONE transaction allocates the
owner's tracking number, writes the report with its first audit and outbox events in the
owner's schema and the index row in public. The database's unique constraint on
(reporter, idempotency key) decides between concurrent retries of the same submission.

The other writes that start from the shared citizen app also live here, because they find
the owning schema through the public index: "saya juga" support, the reporter's dispute,
withdrawal and rating. `report_transfer` is the one service through which a report's data
moves from one government's schema into another's.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.context import current_schema, government_context, in_public_schema
from tenants.models import Government
from tenants.selectors import government_national
from warga.access.policy import Action, api_key_of, policy_require
from warga.accounts.models import User
from warga.errors import FieldError, TooManyRequests, Unavailable, Unprocessable, WrongScope
from warga.health.metrics import REPORTS_SUBMITTED
from warga.intake.models import ReportIndex
from warga.intake.reference import IntakeReference, intake_reference
from warga.intake.reporters import index_entry_is_reporters, index_reporter_fields, index_rows_of
from warga.intake.selectors import hidden_from_public, index_for_idempotency_key
from warga.regions.models import Village
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.models import PhotoState, Privacy, ReportType
from warga.reports.photos import CheckedPhoto, Readable, photos_check
from warga.reports.selectors import report_handling_unit_id, reports_by_ids
from warga.reports.services import (
    NATIONAL_OWNER_CODE,
    QUARANTINE_PREFIX,
    NewReport,
    index_map_fields,
    photo_files_discard,
    photo_files_store,
    report_comment_add,
    report_create,
    report_export_for_transfer,
    report_import_from_transfer,
    report_rate,
    report_remove_after_transfer,
    report_reporter_action,
    report_support_add,
    tracking_number_next,
)
from warga.taxonomy.models import Category, Handling
from warga.taxonomy.questions import Answer, validate_answers
from warga.web.ratelimit import Limit, rate_limit_consume

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
_EARTH_RADIUS_KM = 6371.0088
# (window in seconds, most new reports per reporter in it). One account posting 10-20 a day
# flooded Qlue's queues; "saya juga" is the answer for the same problem seen again.
DEFAULT_RATE_LIMITS: tuple[tuple[int, int], ...] = ((3600, 10), (86400, 30))


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency_key_reused"
    default_message = _(
        "This idempotency key was already used for a report with different content. Make a new key for a new report."
    )


class RateLimited(TooManyRequests):
    """The reporter sent as many new reports as a window allows; `retry_after` in seconds."""

    def __init__(self, *, limit: int, window_seconds: int, retry_after: int) -> None:
        window = "jam" if window_seconds <= 3600 else "hari"
        super().__init__(
            f"Batas {limit} laporan baru per {window} sudah tercapai. Coba lagi dalam {_minutes(retry_after)} menit, "
            'atau dukung laporan yang sudah ada dengan "saya juga".',
            retry_after=retry_after,
        )


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


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


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _fingerprint(**fields: object) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def _validate(
    *,
    reference: IntakeReference,
    reporter: User,
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

    if not reporter.is_authenticated or not reporter.is_active:
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
        except ReportInvalid as wrong:
            for field, items in wrong.errors.items():
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
        distance = _distance_km(latitude, longitude, village.district.latitude, village.district.longitude)
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


def _replay(*, reporter: User, idempotency_key: str, fingerprint: str) -> Submission | None:
    entry = index_for_idempotency_key(reporter=reporter, idempotency_key=idempotency_key)
    if entry is None:
        return None
    if entry.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return _submission(entry, replayed=True)


def _earlier_submission(*, reporter: User, idempotency_key: str | None, now: datetime) -> ReportIndex | None:
    """The reporter's report under `idempotency_key`, if there is one (a retry, answered with
    the first submission and never refused); else the per-reporter limit on new reports, which
    raises RateLimited. One indexed query serves both: the row of the key and the reporter's
    newest reports of the longest window, as many as the largest limit (each submission pays
    for this, and a round trip costs more than a few extra rows). Counted from the index itself
    (exact across processes): the n-th newest report inside a window decides, and tells when a
    slot frees up."""
    limits = getattr(settings, "WARGA_INTAKE_RATE_LIMITS", DEFAULT_RATE_LIMITS)
    if api_key_of(reporter) is not None:
        # An integrator's key files for many citizens through one account: it is throttled per
        # key by the API instead (WARGA_API_RATE_KEY), not as one citizen.
        limits = ()
    longest = max((window_seconds for window_seconds, _ in limits), default=0)
    wanted = Q(created_at__gt=now - timedelta(seconds=longest)) if limits else Q()
    is_same_key: Value | ExpressionWrapper = Value(False)
    if idempotency_key is not None:
        same_key = Q(idempotency_key=idempotency_key)
        wanted = (wanted | same_key) if limits else same_key
        is_same_key = ExpressionWrapper(same_key, output_field=BooleanField())
    elif not limits:
        return None
    rows = list(
        ReportIndex.objects.select_related("government")
        .filter(index_rows_of(reporter.pk))
        .filter(wanted)
        .annotate(is_same_key=is_same_key)
        .order_by("-is_same_key", "-created_at")[: 1 + max((limit for _, limit in limits), default=0)]
    )
    if rows and rows[0].is_same_key:
        return rows[0]
    newest_first = [row.created_at for row in rows if row.created_at > now - timedelta(seconds=longest)]
    for window_seconds, limit in limits:
        since = now - timedelta(seconds=window_seconds)
        inside = [created_at for created_at in newest_first if created_at > since]
        if len(inside) >= limit:
            oldest_counted = inside[limit - 1]
            retry_after = math.ceil((oldest_counted + timedelta(seconds=window_seconds) - now).total_seconds())
            raise RateLimited(limit=limit, window_seconds=window_seconds, retry_after=max(1, retry_after))
    return None


def _rate_limit_check(*, reporter: User, now: datetime) -> None:
    """The per-reporter limit alone (see _earlier_submission)."""
    _earlier_submission(reporter=reporter, idempotency_key=None, now=now)


def submission_ip_budget_spend(*, ip_key: str | None) -> int:
    """Spend one unit of the per-IP budget for new reports (`warga.web.client_ip.ip_budget_key`
    of the request); 0 when allowed, else the seconds until one frees up. Spent by every attempt,
    valid or not, in the `shared` cache: one budget whichever government the reports go to. The
    API and the report wizard both call it before `report_submit`."""
    limit = Limit(amount=settings.WARGA_INTAKE_IP_LIMIT, seconds=settings.WARGA_INTAKE_IP_WINDOW_SECONDS)
    decision = rate_limit_consume(action="report_submit", account_id=None, ip=ip_key, per_account=limit, per_ip=limit)
    return 0 if decision.allowed else max(1, decision.retry_after)


def _outside(*, required: Government, owner: Government) -> FieldError:
    return FieldError(
        "outside_jurisdiction",
        f"Kelurahan/desa ini ditangani oleh {owner.name}, bukan {required.name}. Kirim laporannya ke alamat "
        f"{owner.name} atau ke alamat nasional, yang meneruskannya sendiri.",
    )


def _local_year(government: Government, now: datetime) -> int:
    return now.astimezone(ZoneInfo(government.time_zone)).year


def report_submit(
    *,
    reporter: User,
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
    if not in_public_schema():
        raise WrongScope(f"report_submit runs from the public schema, not {current_schema()!r}.")
    # Categories, questions, villages and owners from the process's cache: one statement.
    reference = intake_reference()
    village, category, processed, cleaned_answers = _validate(
        reference=reference,
        reporter=reporter,
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
    earlier = _earlier_submission(reporter=reporter, idempotency_key=idempotency_key, now=timezone.now())
    if earlier is not None:
        if earlier.request_fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        return _submission(earlier, replayed=True)
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
                reporter_id=reporter.pk,
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
                **index_reporter_fields(user_id=reporter.pk, privacy=privacy),
                idempotency_key=idempotency_key,
                request_fingerprint=fingerprint,
                created_at=now,
                **index_map_fields(report=report),
            )
    except IntegrityError:
        # A concurrent request with the same key committed first; everything this one
        # wrote (its tracking number included) is rolled back. Answer with the winner.
        photo_files_discard(paths=[s.path for s in stored])
        replay = _replay(reporter=reporter, idempotency_key=idempotency_key, fingerprint=fingerprint)
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


@dataclass(frozen=True)
class SupportOutcome:
    tracking_number: str
    support_count: int
    added: bool


def report_support(*, supporter: User, tracking_number: str) -> SupportOutcome:
    """A citizen's "saya juga" on a report they can see, in whichever schema owns it.

    Raises ReportNotFound for a number that does not exist or that the citizen may not see
    (`rahasia`), ReportInvalid for their own report or one no longer open. Supporting twice
    changes nothing and answers the same count.
    """
    if not supporter.is_authenticated or not supporter.is_active:
        raise ReportInvalid.single("supporter", "inactive", "Masuk dengan akun yang aktif untuk mendukung laporan.")
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    if entry is None:
        raise ReportNotFound()
    with government_context(entry.government):
        report = reports_by_ids(report_ids=[entry.report_id]).only("privacy", "status", "reporter_id").first()
        if report is None or (
            hidden_from_public(privacy=report.privacy, status=report.status) and report.reporter_id != supporter.pk
        ):
            raise ReportNotFound()
        count, added = report_support_add(supporter=supporter, report_id=entry.report_id)
    return SupportOutcome(tracking_number=tracking_number, support_count=count, added=added)


def _reporter_action(*, reporter: User, tracking_number: str, action: str, note: str) -> str:
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    # Someone else's report answers exactly like a number that does not exist.
    if entry is None or not index_entry_is_reporters(entry=entry, user=reporter):
        raise ReportNotFound()
    with government_context(entry.government):
        report = report_reporter_action(reporter=reporter, report_id=entry.report_id, action=action, note=note)
    return report.status


def report_dispute(*, reporter: User, tracking_number: str, note: str) -> str:
    """The reporter disputes a resolution (within 7 days): the report reopens, and the
    reopening is an audit event the routing work escalates. Returns the new status."""
    return _reporter_action(reporter=reporter, tracking_number=tracking_number, action="dispute", note=note)


def report_withdraw(*, reporter: User, tracking_number: str) -> str:
    """The reporter withdraws a report within 15 minutes of sending it, before anyone acted."""
    return _reporter_action(reporter=reporter, tracking_number=tracking_number, action="withdraw", note="")


@dataclass(frozen=True)
class TransferOutcome:
    tracking_number: str
    from_government: Government
    to_government: Government
    status: str


def report_transfer(
    *, actor: User, tracking_number: str, from_government: Government, to_government_code: str, note: str
) -> TransferOutcome:
    """An official says a report is not `from_government`'s authority ("bukan wewenang") and
    moves it to another government, or to the national triage desk (`to_government_code` "NAS").

    A report of another government (or none) is ReportNotFound; then the actor must be
    allowed to act on the report where it is (`report.act` in warga.access.policy, for its
    handling unit), else ActionForbidden, before the input is looked at. The move itself is
    `report_move`; nothing is written when either refuses.
    """
    entry = ReportIndex.objects.filter(tracking_number=tracking_number, government=from_government).first()
    if entry is None:
        raise ReportNotFound()
    with government_context(from_government):
        report = reports_by_ids(report_ids=[entry.report_id]).first()
        if report is None:
            raise ReportNotFound()
        policy_require(
            actor=actor,
            government=from_government,
            action=Action.REPORT_ACT,
            unit_id=report_handling_unit_id(report=report),
        )
    return report_move(
        actor=actor,
        tracking_number=tracking_number,
        from_government=from_government,
        to_government_code=to_government_code,
        note=note,
    )


def report_move(
    *, actor: User, tracking_number: str, from_government: Government, to_government_code: str, note: str
) -> TransferOutcome:
    """Move a report from `from_government` to another government, or to the national triage
    desk (`to_government_code` "NAS"), recording `actor` and `note` on both sides.

    Who may is the caller's decision, taken before: `report_transfer` for an official's
    "bukan wewenang" (`report.act`), the triage desk's services for its assignments
    (`triage.act`) and for a government taking an offered report (`offer.decide`, by an
    official who holds no seat at the desk). The one way a report's data crosses between
    schemas. In ONE transaction: the report,
    its history, photos and supports are recreated in the new owner's schema (it keeps its
    tracking number and starts there as `received`), removed from the old one with a
    forwarding record left behind, and the public index points to the new owner. Photo files
    are copied under the new owner's prefix first (removed again if anything fails) and the
    old copies deleted after the commit. A report of another government is ReportNotFound.
    """
    # Another government's report answers 404 before anything else is looked at.
    entry = ReportIndex.objects.filter(tracking_number=tracking_number, government=from_government).first()
    if entry is None:
        raise ReportNotFound()
    note = note.strip()
    errors: dict[str, list[FieldError]] = {}
    if not actor.is_authenticated or not actor.is_active:
        errors["actor"] = [FieldError("inactive", "Akun yang tidak aktif tidak dapat mengalihkan laporan.")]
    if not note:
        errors["note"] = [FieldError("note_required", "Tuliskan mengapa laporan ini bukan wewenang pemerintah ini.")]
    target = (
        government_national()
        if to_government_code == NATIONAL_OWNER_CODE
        else Government.objects.filter(code=to_government_code).first()
    )
    if target is None or not target.is_ready:
        errors["to_government_code"] = [
            FieldError(
                "unknown_government",
                f"Pemerintah '{to_government_code}' belum terdaftar di Warga atau belum siap. Pilih yang lain, "
                "atau alihkan ke meja triase nasional (NAS).",
            )
        ]
    elif target.pk == from_government.pk:
        errors["to_government_code"] = [FieldError("same_government", "Laporan sudah berada di pemerintah ini.")]
    if errors:
        raise ReportInvalid(errors)
    assert target is not None

    copied: list[str] = []
    photo_paths: list[str] = []
    thumbnail_paths: list[str] = []

    def copy(path: str, name: str) -> str:
        with default_storage.open(path, "rb") as source:
            copied.append(default_storage.save(name, ContentFile(source.read())))
        return copied[-1]

    try:
        with transaction.atomic():
            now = timezone.now()
            with government_context(from_government):
                snapshot = report_export_for_transfer(tracking_number=tracking_number)
                for photo in snapshot.photos:
                    stem = uuid.uuid4().hex
                    # An original still waiting for its task stays in quarantine on the new side.
                    waiting = photo.state == PhotoState.PROCESSING
                    name = f"{QUARANTINE_PREFIX}/{target.schema_name}/{stem}" if waiting else None
                    photo_paths.append(copy(photo.path, name or f"reports/{target.schema_name}/{stem}.jpg"))
                    thumbnail_paths.append(
                        copy(photo.thumbnail_path, f"reports/{target.schema_name}/{stem}-kecil.jpg")
                        if photo.thumbnail_path
                        else ""
                    )
            with government_context(target):
                moved = report_import_from_transfer(
                    government=target,
                    snapshot=snapshot,
                    photo_paths=photo_paths,
                    thumbnail_paths=thumbnail_paths,
                    actor_id=actor.pk,
                    note=note,
                    from_name=from_government.name,
                    now=now,
                )
            with government_context(from_government):
                report_remove_after_transfer(
                    snapshot=snapshot, to_government_id=target.pk, actor_id=actor.pk, note=note, now=now
                )
            ReportIndex.objects.filter(pk=entry.pk).update(government=target, report_id=moved.pk, status=moved.status)
            old_paths = [path for photo in snapshot.photos for path in (photo.path, photo.thumbnail_path) if path]
            transaction.on_commit(lambda: photo_files_discard(paths=old_paths))
    except BaseException:
        photo_files_discard(paths=copied)
        raise
    return TransferOutcome(
        tracking_number=tracking_number, from_government=from_government, to_government=target, status=moved.status
    )


def report_rate_resolution(*, reporter: User, tracking_number: str, score: int) -> int:
    """The reporter's 1-5 rating of how their report was resolved; returns the score."""
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    if entry is None or not index_entry_is_reporters(entry=entry, user=reporter):
        raise ReportNotFound()
    with government_context(entry.government):
        report = report_rate(reporter=reporter, report_id=entry.report_id, score=score)
    assert report.rating is not None
    return report.rating


def report_comment_public(*, author: User, tracking_number: str, body: str) -> str:
    """A citizen's comment on a report they can see, from the shared app; returns the role
    the thread shows for them (reporter or citizen)."""
    if not author.is_authenticated or not author.is_active:
        raise ReportInvalid.single("author", "inactive", "Masuk dengan akun yang aktif untuk berkomentar.")
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    if entry is None:
        raise ReportNotFound()
    with government_context(entry.government):
        report = reports_by_ids(report_ids=[entry.report_id]).only("privacy", "status", "reporter_id").first()
        if report is None or (
            hidden_from_public(privacy=report.privacy, status=report.status) and report.reporter_id != author.pk
        ):
            raise ReportNotFound()
        comment = report_comment_add(author=author, report_id=entry.report_id, body=body, as_official=False)
    return comment.role


# The map cells counted again from the index in one statement (decision 0035): for a bulk load
# of the index written with the cells' trigger disabled (the trigger costs about a millisecond a
# row), or a check that the counts have not drifted. Writers wait for the share lock, so no row
# is counted twice or missed while the cells are replaced.
_MAP_CELLS_RECOUNT_SQL = """
LOCK TABLE intake_report_index IN SHARE MODE;
DELETE FROM intake_map_cell;
INSERT INTO intake_map_cell (level, cell_row, cell_col, status, category_code, reports, latitude_sum, longitude_sum)
SELECT level, floor(latitude * 2 ^ level)::integer, floor(longitude * 2 ^ level)::integer, status, category_code,
       count(*), sum(latitude), sum(longitude)
FROM intake_report_index CROSS JOIN (VALUES (5), (8)) AS levels (level)
WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND privacy <> 'rahasia'
GROUP BY 1, 2, 3, 4, 5;
"""


def map_cells_recount() -> int:
    """Replace every map cell by the counts of the index as it is now, in one transaction
    (index writers wait until it commits); returns how many cells were written."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in filter(str.strip, _MAP_CELLS_RECOUNT_SQL.split(";")):
            cursor.execute(statement)
        written = cursor.rowcount
        cursor.execute("ANALYZE intake_map_cell")
    return written
