"""Photos a citizen attached in the report wizard before the report exists.

The wizard runs without JavaScript as a sequence of forms, so a photo arrives several screens
before the submission that carries it. Each draft keeps its photos in storage under
`pending/<draft id>/`, checked when they arrive (so the citizen hears at once that a file is
too big or not a photo) and checked again by `report_submit`. They are removed when the draft
is sent or abandoned; drafts left behind are swept after `PENDING_MAX_AGE`.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from warga.photos import MAX_BYTES, MAX_PHOTOS, Readable, photos_check
from warga.reports.errors import FieldError

PENDING_PREFIX = "pending"
PENDING_MAX_AGE = timedelta(days=1)
_DRAFT_ID = re.compile(r"^[0-9a-f]{32}$")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class PendingPhoto:
    token: str
    name: str


def _folder(draft_id: str) -> str:
    if not _DRAFT_ID.fullmatch(draft_id):
        raise ValueError(f"not a draft id: {draft_id!r}")
    return f"{PENDING_PREFIX}/{draft_id}"


def pending_draft_new() -> str:
    """A fresh draft id; drafts abandoned long ago are swept on the way."""
    pending_photos_sweep()
    return uuid.uuid4().hex


def pending_photos_add(
    *, draft_id: str, already: int, files: Sequence[tuple[str, Readable]]
) -> tuple[list[PendingPhoto], list[FieldError]]:
    """Check and keep `files` ((name, file) pairs) for a draft that already holds `already`
    photos. Every problem is reported; nothing is kept when any file is refused."""
    if already + len(files) > MAX_PHOTOS:
        return [], [FieldError("too_many", f"Paling banyak {MAX_PHOTOS} foto per laporan (sudah {already}).")]
    contents = [(name, file.read(MAX_BYTES + 1)) for name, file in files]
    _, errors = photos_check(files=[io.BytesIO(data) for _, data in contents])
    if errors:
        return [], errors
    kept: list[PendingPhoto] = []
    for name, data in contents:
        token = uuid.uuid4().hex
        default_storage.save(f"{_folder(draft_id)}/{token}", ContentFile(data))
        kept.append(PendingPhoto(token=token, name=name[:100]))
    return kept, []


def pending_photo_remove(*, draft_id: str, token: str) -> None:
    if _TOKEN.fullmatch(token):
        default_storage.delete(f"{_folder(draft_id)}/{token}")


def pending_photo_exists(*, draft_id: str, token: str) -> bool:
    return bool(_TOKEN.fullmatch(token)) and default_storage.exists(f"{_folder(draft_id)}/{token}")


def pending_photos_read(*, draft_id: str, tokens: list[str]) -> list[io.BytesIO]:
    """The kept photos of a draft, in order, as files `report_submit` can read; missing ones
    (swept, or removed) are skipped."""
    files = []
    for token in tokens:
        path = f"{_folder(draft_id)}/{token}"
        if _TOKEN.fullmatch(token) and default_storage.exists(path):
            with default_storage.open(path, "rb") as opened:
                files.append(io.BytesIO(opened.read()))
    return files


def pending_photos_discard(*, draft_id: str) -> None:
    """Remove every photo of a draft (sent or abandoned)."""
    folder = _folder(draft_id)
    if not default_storage.exists(folder):
        return
    for name in default_storage.listdir(folder)[1]:
        default_storage.delete(f"{folder}/{name}")
    default_storage.delete(folder)


def pending_photos_sweep(*, older_than: timedelta = PENDING_MAX_AGE) -> int:
    """Remove drafts whose newest photo is older than `older_than`; returns how many."""
    if not default_storage.exists(PENDING_PREFIX):
        return 0
    cutoff = timezone.now() - older_than
    swept = 0
    for draft_id in default_storage.listdir(PENDING_PREFIX)[0]:
        if not _DRAFT_ID.fullmatch(draft_id):
            continue
        folder = _folder(draft_id)
        names = default_storage.listdir(folder)[1]
        if all(default_storage.get_modified_time(f"{folder}/{name}") < cutoff for name in names):
            pending_photos_discard(draft_id=draft_id)
            swept += 1
    return swept
