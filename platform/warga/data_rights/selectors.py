from __future__ import annotations

import datetime
import uuid

from django.db.models import Count
from django.utils import timezone

from tenants.scope import public_scoped
from warga.data_rights.models import DataRequest, DataRequestKind, DataRequestStatus

# UU 27/2022 gives the controller 3x24 hours to act on a data subject's request.
DEADLINE = datetime.timedelta(hours=72)


@public_scoped
def data_requests_overdue(*, now: datetime.datetime | None = None) -> list[DataRequest]:
    """Requests still open after the deadline, oldest first."""
    cutoff = (now or timezone.now()) - DEADLINE
    return list(DataRequest.objects.filter(completed_at__isnull=True, requested_at__lt=cutoff).order_by("requested_at"))


@public_scoped
def data_requests_for(*, user_id: uuid.UUID) -> list[DataRequest]:
    """The person's requests, newest first, each with `governments_done` (its progress)."""
    return list(DataRequest.objects.filter(user_id=user_id).annotate(governments_done=Count("parts")))


@public_scoped
def data_request_export_for_owner(
    *, user_id: uuid.UUID, request_id: int, now: datetime.datetime | None = None
) -> DataRequest | None:
    """The person's own finished export whose file may still be downloaded; None otherwise
    (someone else's, not finished, expired or unknown all look the same)."""
    return (
        DataRequest.objects.filter(
            pk=request_id,
            user_id=user_id,
            kind=DataRequestKind.EXPORT,
            status=DataRequestStatus.DONE,
            export_expires_at__gt=now or timezone.now(),
        )
        .exclude(export_file="")
        .first()
    )
