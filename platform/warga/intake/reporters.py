"""Who sent a report, as the public report index records it (docs/decisions/0029).

For `publik` and `anonim` reports the index names the reporter's account. For a `rahasia`
report it holds only a keyed hash of the account id (HMAC-SHA256 under
WARGA_REPORT_INDEX_KEY): the citizen's own list, idempotent retries and the per-account
limits still find the row by computing the hash from the signed-in account, but a copy of
the public schema without the key does not say who sent which rahasia report.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.reports.models import Privacy


def reporter_digest(user_id: uuid.UUID | str) -> str:
    """The keyed hash the index keeps instead of a rahasia report's reporter."""
    return hmac.new(settings.WARGA_REPORT_INDEX_KEY.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def index_reporter_fields(*, user_id: uuid.UUID, privacy: str) -> dict[str, object]:
    """The index row's reporter columns for a new report of this privacy."""
    if privacy == Privacy.RAHASIA:
        return {"reporter": None, "reporter_digest": reporter_digest(user_id)}
    return {"reporter_id": user_id, "reporter_digest": ""}


def index_rows_of(user_id: uuid.UUID) -> Q:
    """Every index row of this person's reports, rahasia ones included."""
    return Q(reporter_id=user_id) | Q(reporter_digest=reporter_digest(user_id))


def index_entry_is_reporters(*, entry: ReportIndex, user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if entry.reporter_id is not None:
        return bool(entry.reporter_id == user.pk)
    return bool(entry.reporter_digest) and hmac.compare_digest(entry.reporter_digest, reporter_digest(user.pk))
