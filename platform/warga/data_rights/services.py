"""Data-subject requests: export everything Warga holds about a person, or delete the account.

The request is logged and answered at once; the work is done by a task
(`personaldata.request_run`), because it visits every ready government's schema (hundreds of
them). The task goes through the registry (warga.personal_data_registry): tenant contributors in
each government, one government per transaction, each finished government recorded as a
`DataRequestPart`; then the public contributors once. A task stopped halfway (crash, time
limit, deploy) and run again continues where it stopped; a duplicate delivery does nothing twice.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import logging
import secrets
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tenants.scope import any_scope, public_scoped
from tenants.selectors import governments_ready
from tenants.tasks import send_on_commit
from warga.accounts.models import User
from warga.accounts.personal_data import account_sessions_end
from warga.data_rights.models import DataRequest, DataRequestKind, DataRequestPart, DataRequestStatus
from warga.data_rights.tasks import data_request_run_task
from warga.errors import TooManyRequests
from warga.personal_data_registry import contributors

logger = logging.getLogger(__name__)

EXPORT_FILENAME = "data-pribadi.json"
# Exports are stored here under random names; only the owner's download view hands them out.
# The folder keeps the app's first name: the daily maintenance looks here for files left behind.
EXPORT_FOLDER = "personaldata/exports"
# A request still open after this long has lost its task (broker down at the time, a worker
# gone for good): the daily maintenance sends it again.
STALE_AFTER = datetime.timedelta(hours=1)


@any_scope
def subject_digest(user_id: uuid.UUID) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def _log(*, user_id: uuid.UUID, kind: str) -> DataRequest:
    return DataRequest.objects.create(
        user_id=user_id, subject_digest=subject_digest(user_id), kind=kind, requested_at=timezone.now()
    )


def _open_request(*, user_id: uuid.UUID, kind: str) -> DataRequest | None:
    return DataRequest.objects.filter(user_id=user_id, kind=kind, completed_at__isnull=True).first()


class DataExportTooSoon(TooManyRequests):
    """An export of this account was asked for less than the interval ago (an export visits
    every government's schema: at most one a day per account). Says when the next one may be."""

    def __init__(self, *, next_at: datetime.datetime, now: datetime.datetime) -> None:
        self.next_at = next_at
        local = timezone.localtime(next_at, ZoneInfo("Asia/Jakarta"))
        hours = settings.WARGA_PERSONAL_DATA_EXPORT_INTERVAL_HOURS
        super().__init__(
            f"Anda sudah meminta unduhan data pribadi dalam {hours} jam terakhir. Permintaan berikutnya bisa dibuat "
            f"mulai {local:%d-%m-%Y} pukul {local:%H.%M} WIB; sementara itu, unduh berkas yang sudah ada di bawah. "
            f"(One download per {hours} hours: you can ask again from {local:%Y-%m-%d %H:%M} WIB.)",
            retry_after=max(1, int((next_at - now).total_seconds())),
        )


@public_scoped
def data_request_export_start(*, user: User) -> DataRequest:
    """Log an export request and queue its task once the transaction commits.

    An export of this person already waiting or running is returned instead of a second one
    (a double click asks once). Raises DataExportTooSoon when the last export was asked for
    less than WARGA_PERSONAL_DATA_EXPORT_INTERVAL_HOURS ago."""
    with transaction.atomic():
        # Serialises two clicks arriving together: the second sees the first's request.
        User.objects.select_for_update().filter(pk=user.pk).first()
        request = _open_request(user_id=user.pk, kind=DataRequestKind.EXPORT)
        if request is None:
            now = timezone.now()
            interval = datetime.timedelta(hours=settings.WARGA_PERSONAL_DATA_EXPORT_INTERVAL_HOURS)
            last = (
                DataRequest.objects.filter(
                    user_id=user.pk, kind=DataRequestKind.EXPORT, requested_at__gt=now - interval
                )
                .order_by("-requested_at")
                .values_list("requested_at", flat=True)
                .first()
            )
            if last is not None:
                raise DataExportTooSoon(next_at=last + interval, now=now)
            request = _log(user_id=user.pk, kind=DataRequestKind.EXPORT)
            send_on_commit(data_request_run_task, kwargs={"request_id": request.pk})
    return request


@public_scoped
def account_delete_start(*, user: User) -> DataRequest:
    """Close the account now and queue its erasure.

    In one transaction: the account is deactivated (it can no longer sign in, and every
    request made with an old session is anonymous), every session on every host is ended,
    and the deletion is logged; the task erasing the data is queued once this commits. A
    second call while the deletion is open returns the same request."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).update(is_active=False)
        account_sessions_end(user_id=user.pk)
        request = _open_request(user_id=user.pk, kind=DataRequestKind.DELETE)
        if request is None:
            request = _log(user_id=user.pk, kind=DataRequestKind.DELETE)
            send_on_commit(data_request_run_task, kwargs={"request_id": request.pk})
    return request


def _part_run(*, request: DataRequest, government: Government) -> None:
    """Export or erase the person's data in one government, and record it, in one transaction."""
    user_id = request.user_id
    assert user_id is not None
    with transaction.atomic():
        # The request's row lock serialises duplicate deliveries: the second waits here, then
        # finds the part done.
        DataRequest.objects.select_for_update().filter(pk=request.pk).first()
        if DataRequestPart.objects.filter(request=request, government=government).exists():
            return
        data: dict[str, Any] | None = None
        with government_context(government):
            if request.kind == DataRequestKind.EXPORT:
                sections = {c.name: c.personal_data_for(user_id) for c in contributors(scope="tenant")}
                data = {name: section for name, section in sections.items() if any(section.values())} or None
            else:
                for contributor in contributors(scope="tenant"):
                    contributor.personal_data_erase(user_id)
        DataRequestPart.objects.create(request=request, government=government, data=data, done_at=timezone.now())


def _governments_left(request: DataRequest) -> list[Government]:
    done = DataRequestPart.objects.filter(request=request).values("government_id")
    return list(governments_ready().exclude(pk__in=done).order_by("code", "slug"))


@public_scoped
def data_request_run(*, request_id: int) -> DataRequest | None:
    """Carry out a logged request: every ready government's part, then the public part and
    the completion (for an export, the ZIP in storage; for a deletion, the account itself).

    Idempotent and resumable: a request already done is returned as it is, a government
    already done is not done again. Returns None for an unknown id."""
    request = DataRequest.objects.filter(pk=request_id).first()
    if request is None or request.status == DataRequestStatus.DONE:
        return request
    if request.user_id is None:
        # Its account was erased since (the deletion closes open exports): nothing to do.
        return request
    left = _governments_left(request)
    DataRequest.objects.filter(pk=request.pk).exclude(status=DataRequestStatus.DONE).update(
        status=DataRequestStatus.RUNNING,
        governments_total=len(left) + DataRequestPart.objects.filter(request=request).count(),
    )
    while left:
        for government in left:
            _part_run(request=request, government=government)
        # A government that became ready meanwhile is done in another round.
        left = _governments_left(request)
    if request.kind == DataRequestKind.EXPORT:
        _export_finish(request)
    else:
        _delete_finish(request)
    request.refresh_from_db()
    return request


def _export_finish(request: DataRequest) -> None:
    user_id = request.user_id
    assert user_id is not None
    parts = (
        DataRequestPart.objects.filter(request=request, data__isnull=False)
        .select_related("government")
        .order_by("government__code", "government__slug")
    )
    data = {
        "dibuat_pada": timezone.now(),
        "keterangan": "Data pribadi Anda di Warga (UU 27/2022 Pasal 7). Your personal data in Warga.",
        "akun": {c.name: c.personal_data_for(user_id) for c in contributors(scope="public")},
        "pemerintah_daerah": {
            part.government.code or part.government.slug: {"pemerintah": part.government.name} | (part.data or {})
            for part in parts
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(EXPORT_FILENAME, json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
    # Written before the transaction: a crash in between leaves a file no request names, which
    # the daily maintenance removes.
    name = default_storage.save(f"{EXPORT_FOLDER}/{secrets.token_urlsafe(24)}.zip", ContentFile(buffer.getvalue()))
    now = timezone.now()
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == DataRequestStatus.DONE or locked.user_id is None:
            transaction.on_commit(lambda: default_storage.delete(name))
            return
        days = settings.WARGA_PERSONAL_DATA_EXPORT_DAYS
        DataRequest.objects.filter(pk=request.pk).update(
            status=DataRequestStatus.DONE,
            completed_at=now,
            export_file=name,
            export_expires_at=now + datetime.timedelta(days=days),
        )
        # The ZIP holds it now; the parts keep only that each government was done.
        DataRequestPart.objects.filter(request=request).update(data=None)


def _delete_finish(request: DataRequest) -> None:
    user_id = request.user_id
    assert user_id is not None
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == DataRequestStatus.DONE:
            return
        for contributor in contributors(scope="public"):
            contributor.personal_data_erase(user_id)
        mine = DataRequest.objects.filter(user_id=user_id)
        files = [name for name in mine.exclude(export_file="").values_list("export_file", flat=True)]
        DataRequestPart.objects.filter(request__in=mine).update(data=None)
        User.objects.filter(pk=user_id).delete()
        now = timezone.now()
        # An export still being prepared is answered by the deletion: there is nobody to give it to.
        mine.filter(completed_at__isnull=True).exclude(pk=request.pk).update(
            status=DataRequestStatus.DONE, completed_at=now
        )
        # Keep the log, not the identity: earlier requests too lose the account id.
        mine.update(user_id=None, export_file="", export_expires_at=None)
        DataRequest.objects.filter(pk=request.pk).update(status=DataRequestStatus.DONE, completed_at=now)
        transaction.on_commit(lambda: _files_delete(files))


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@public_scoped
def data_request_fail(*, request_id: int) -> None:
    """Mark an open request failed once its task gave up; the daily maintenance sends it
    again (the work done so far is kept), and the overdue list shows it until it is done."""
    DataRequest.objects.filter(pk=request_id, completed_at__isnull=True).update(status=DataRequestStatus.FAILED)


@dataclass(frozen=True)
class Maintenance:
    exports_deleted: int
    files_orphaned: int
    requests_resent: int


@public_scoped
def data_requests_maintain(*, now: datetime.datetime | None = None) -> Maintenance:
    """Daily: delete export ZIPs past their time (and any file no request names), and send
    again the task of every request open longer than an hour. Idempotent."""
    now = now or timezone.now()
    expired = DataRequest.objects.filter(export_expires_at__lte=now).exclude(export_file="")
    expired_names = list(expired.values_list("export_file", flat=True))
    for name in expired_names:
        default_storage.delete(name)
    DataRequest.objects.filter(export_file__in=expired_names).update(export_file="", export_expires_at=None)

    named = set(DataRequest.objects.exclude(export_file="").values_list("export_file", flat=True))
    orphaned = 0
    if default_storage.exists(EXPORT_FOLDER):
        _, files = default_storage.listdir(EXPORT_FOLDER)
        for file_name in files:
            name = f"{EXPORT_FOLDER}/{file_name}"
            # A file this young may belong to an export recording itself right now.
            if name not in named and default_storage.get_modified_time(name) < now - STALE_AFTER:
                default_storage.delete(name)
                orphaned += 1

    stale = list(
        DataRequest.objects.filter(completed_at__isnull=True, requested_at__lt=now - STALE_AFTER).values_list(
            "pk", flat=True
        )
    )
    for request_id in stale:
        send_on_commit(data_request_run_task, kwargs={"request_id": request_id})
    if stale:
        logger.warning("personal data requests open for over %s sent again: %s", STALE_AFTER, stale)
    return Maintenance(exports_deleted=len(expired_names), files_orphaned=orphaned, requests_resent=len(stale))
