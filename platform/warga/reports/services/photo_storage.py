"""Photo files: stored before a report's transaction, discarded if it rolls back, and a
citizen's photo made clean and servable by the photo task after the commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from tenants.context import current_schema
from tenants.models import Government
from tenants.scope import any_scope, tenant_scoped
from tenants.tasks import send_on_commit
from warga.photos import CheckedPhoto, ProcessedPhoto, photo_process, photo_thumbnail
from warga.reports.errors import FieldError
from warga.reports.models import PhotoState, Report, ReportPhoto
from warga.reports.selectors import photos_waiting_for_their_task
from warga.reports.tasks import photo_process_task


@dataclass(frozen=True)
class StoredPhoto:
    photo: ProcessedPhoto | CheckedPhoto
    path: str


# Originals waiting for the photo task: a prefix no view ever serves from (a photo is served
# only when its row says ready, and then from its clean copy under `reports/`).
QUARANTINE_PREFIX = "quarantine"


@any_scope
def photo_files_store(*, government: Government, photos: Sequence[ProcessedPhoto | CheckedPhoto]) -> list[StoredPhoto]:
    """Write photos under the government's own prefix, before the report's transaction; the
    caller discards them with `photo_files_discard` if it rolls back. Checked originals (with
    their metadata) go to quarantine, processed photos to where they are served from."""
    stored: list[StoredPhoto] = []
    name = ""
    try:
        for photo in photos:
            if isinstance(photo, CheckedPhoto):
                name = f"{QUARANTINE_PREFIX}/{government.schema_name}/{uuid.uuid4().hex}"
            else:
                name = f"reports/{government.schema_name}/{uuid.uuid4().hex}.jpg"
            stored.append(StoredPhoto(photo=photo, path=default_storage.save(name, ContentFile(photo.content))))
            name = ""
    except BaseException:
        # A write that failed half way (a full disk) leaves its partial file under `name`:
        # unique (a fresh uuid), so it is this call's own to remove.
        photo_files_discard(paths=[s.path for s in stored] + ([name] if name else []))
        raise
    return stored


@any_scope
def photo_files_discard(*, paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)  # a name that was never written is no error


# --- Citizens' photos after the commit ------------------------------------------------------


@tenant_scoped
def report_photos_queue(*, report: Report, photo_ids: Sequence[int] | None = None) -> int:
    """Queue the photo task for each of the report's photos still waiting in quarantine, once
    the current transaction commits, in the current schema. Returns how many were queued.
    `photo_ids`: the photos the caller has just written (all waiting), so none is read back."""
    if photo_ids is not None:
        waiting = list(photo_ids)
    else:
        waiting = list(
            ReportPhoto.objects.filter(report=report, state=PhotoState.PROCESSING).values_list("id", flat=True)
        )
    for photo_id in waiting:
        send_on_commit(photo_process_task, kwargs={"photo_id": photo_id})
    return len(waiting)


@tenant_scoped
def report_photos_resend_waiting(*, older_than: timedelta, limit: int = 1000) -> int:
    """Queue the photo task again for photos of the current schema still in processing longer
    than `older_than`: their task was lost with a broker that was down. The task is idempotent
    (a finished photo is left as it is), so one still in the queue does no harm."""
    waiting = list(
        photos_waiting_for_their_task(older_than=older_than).order_by("id").values_list("id", flat=True)[:limit]
    )
    for photo_id in waiting:
        send_on_commit(photo_process_task, kwargs={"photo_id": photo_id})
    return len(waiting)


@tenant_scoped
def report_photo_finish(*, photo_id: int) -> str:
    """Make a quarantined photo of the current schema clean and servable; returns its state.

    Decodes the original, applies its orientation, scales it down, drops every piece of
    metadata, makes the thumbnail and the perceptual hash, stores both under the
    government's prefix and marks the row ready; the original is deleted after the commit.
    A picture that cannot be decoded after all is marked rejected (never served). Idempotent:
    a photo already finished (or gone with a transfer) is left as it is and its new files
    discarded. Storage errors propagate, for the task to retry.
    """
    photo = ReportPhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        return "gone"
    if photo.state != PhotoState.PROCESSING:
        return str(photo.state)
    quarantined = photo.path
    with default_storage.open(quarantined, "rb") as source:
        outcome = photo_process(data=source.read(), position=photo.position)
    written: list[str] = []
    try:
        if not isinstance(outcome, FieldError):
            # Named after the original, so a run killed after writing them leaves no orphans:
            # the redelivered run writes the same names over them (processing is deterministic).
            stem = f"reports/{current_schema()}/{PurePosixPath(quarantined).name}"
            thumbnail = photo_thumbnail(content=outcome.content)
            for name, content in ((f"{stem}.jpg", outcome.content), (f"{stem}-kecil.jpg", thumbnail)):
                default_storage.delete(name)
                written.append(default_storage.save(name, ContentFile(content)))
        with transaction.atomic():
            locked = ReportPhoto.objects.select_for_update().filter(pk=photo_id).first()
            if locked is None or locked.state != PhotoState.PROCESSING or locked.path != quarantined:
                # Another run finished first; its files may carry the same names as these.
                kept = {locked.path, locked.thumbnail_path} if locked is not None else set()
                photo_files_discard(paths=[path for path in written if path not in kept])
                return "gone" if locked is None else str(locked.state)
            if isinstance(outcome, FieldError):
                locked.state = PhotoState.REJECTED
                locked.save(update_fields=["state"])
            else:
                locked.path, locked.thumbnail_path = written
                locked.width, locked.height = outcome.width, outcome.height
                locked.size_bytes = len(outcome.content)
                locked.sha256 = outcome.sha256
                locked.perceptual_hash = outcome.perceptual_hash
                locked.state = PhotoState.READY
                locked.save(
                    update_fields=[
                        "path",
                        "thumbnail_path",
                        "width",
                        "height",
                        "size_bytes",
                        "sha256",
                        "perceptual_hash",
                        "state",
                    ]
                )
            transaction.on_commit(lambda: photo_files_discard(paths=[quarantined]))
    except BaseException:
        photo_files_discard(paths=written)
        raise
    return str(locked.state)
