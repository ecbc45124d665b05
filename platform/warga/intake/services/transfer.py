"""Moving a report from one government's schema into another's, as the public index sees it:
the index says which government holds the report, and points to the new owner once it moved.

`report_transfer` is an official's "bukan wewenang" (not this government's authority);
`report_move` is the move itself, also used by the national triage desk for its assignments
and for a government taking an offered report. The report's rows cross in one transaction
through the three halves in `warga.reports.services.transfer_between_governments` (export from
the old schema, import into the new owner's, removal with a forwarding record); nothing else
copies a report's rows between schemas (decision 0101). It lives here, above reports, because
it keeps the public index in step (decision 0131).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tenants.scope import any_scope
from tenants.selectors import government_national
from warga.access.policy import Action, policy_require
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.reports.errors import FieldError, ReportInvalid, ReportNotFound
from warga.reports.models import PhotoState
from warga.reports.selectors import report_handling_unit_id, reports_by_ids
from warga.reports.services import (
    NATIONAL_OWNER_CODE,
    report_export_for_transfer,
    report_import_from_transfer,
    report_remove_after_transfer,
)
from warga.reports.services.photo_storage import QUARANTINE_PREFIX, photo_files_discard


@dataclass(frozen=True)
class TransferOutcome:
    tracking_number: str
    from_government: Government
    to_government: Government
    status: str


@any_scope
def report_transfer(
    *, acting_user: User, tracking_number: str, from_government: Government, to_government_code: str, note: str
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
            actor=acting_user,
            government=from_government,
            action=Action.REPORT_ACT,
            unit_id=report_handling_unit_id(report=report),
        )
    return report_move(
        acting_user=acting_user,
        tracking_number=tracking_number,
        from_government=from_government,
        to_government_code=to_government_code,
        note=note,
    )


@any_scope
def report_move(
    *, acting_user: User, tracking_number: str, from_government: Government, to_government_code: str, note: str
) -> TransferOutcome:
    """Move a report from `from_government` to another government, or to the national triage
    desk (`to_government_code` "NAS"), recording `acting_user` and `note` on both sides.

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
    if not acting_user.is_authenticated or not acting_user.is_active:
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
                    acting_user_id=acting_user.pk,
                    note=note,
                    from_name=from_government.name,
                    now=now,
                )
            with government_context(from_government):
                report_remove_after_transfer(
                    snapshot=snapshot, to_government_id=target.pk, acting_user_id=acting_user.pk, note=note, now=now
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
