"""The report lifecycle: every status and every allowed move between them, in one place.

Main path: received -> verified (disposed to a unit) -> in_progress -> resolved -> closed.
Side paths: tunda (deferred) and back; bukan wewenang (transferred: the report moves on to
another unit, government or the national triage desk and stays open there); archived with
a reason; a citizen's dispute reopens a resolved or closed report; the reporter may withdraw
a report in its first minutes; officials merge a duplicate into the report it repeats.
Nothing dead-ends: every state except archived and withdrawn (both decided with a recorded
reason or by the reporter) and merged (it lives on in the surviving report, whose
resolution its reporter and supporters hear about) has a way forward.
"""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    RECEIVED = "received", "Diterima"
    VERIFIED = "verified", "Diverifikasi"
    IN_PROGRESS = "in_progress", "Sedang ditangani"
    RESOLVED = "resolved", "Selesai ditangani"
    CLOSED = "closed", "Ditutup"
    DEFERRED = "deferred", "Ditunda"
    TRANSFERRED = "transferred", "Dialihkan (bukan wewenang)"
    ARCHIVED = "archived", "Diarsipkan"
    REOPENED = "reopened", "Dibuka kembali (sanggahan warga)"
    WITHDRAWN = "withdrawn", "Dicabut pelapor"
    MERGED = "merged", "Digabung ke laporan lain"


TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.RECEIVED: (
        Status.VERIFIED,
        Status.DEFERRED,
        Status.TRANSFERRED,
        Status.ARCHIVED,
        Status.WITHDRAWN,
        Status.MERGED,
    ),
    Status.VERIFIED: (Status.IN_PROGRESS, Status.DEFERRED, Status.TRANSFERRED, Status.ARCHIVED, Status.MERGED),
    Status.IN_PROGRESS: (Status.RESOLVED, Status.DEFERRED, Status.TRANSFERRED, Status.MERGED),
    Status.RESOLVED: (Status.CLOSED, Status.REOPENED),
    Status.CLOSED: (Status.REOPENED,),
    Status.DEFERRED: (Status.VERIFIED, Status.IN_PROGRESS, Status.TRANSFERRED, Status.ARCHIVED, Status.MERGED),
    # A transferred report lives on with its new handler; when it comes back (the other
    # side refuses it too) it is received again here instead of being stuck.
    Status.TRANSFERRED: (Status.RECEIVED,),
    Status.ARCHIVED: (),
    Status.REOPENED: (Status.IN_PROGRESS, Status.RESOLVED, Status.TRANSFERRED, Status.MERGED),
    Status.WITHDRAWN: (),
    Status.MERGED: (),
}

# Moves only the reporter makes, through the citizen services (dispute, withdraw), with
# their own time windows; officials cannot make them through the generic transition.
CITIZEN_ONLY: frozenset[Status] = frozenset({Status.REOPENED, Status.WITHDRAWN})

# Moves that need a written reason: the audit trail must say why a report left the main path.
NOTE_REQUIRED: frozenset[Status] = frozenset({Status.TRANSFERRED, Status.ARCHIVED, Status.REOPENED, Status.DEFERRED})

OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.RECEIVED, Status.VERIFIED, Status.IN_PROGRESS, Status.DEFERRED, Status.TRANSFERRED, Status.REOPENED}
)


def allowed_next(status: str, *, by_reporter: bool = False) -> tuple[Status, ...]:
    """The next statuses officials (or, with `by_reporter`, the reporter) may move a report to."""
    return tuple(target for target in TRANSITIONS[Status(status)] if (target in CITIZEN_ONLY) == by_reporter)


def is_allowed(from_status: str, to_status: str, *, by_reporter: bool = False) -> bool:
    return to_status in allowed_next(from_status, by_reporter=by_reporter)
