from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from warga.personaldata.models import DataRequest

# UU 27/2022 gives the controller 3x24 hours to act on a data subject's request.
DEADLINE = datetime.timedelta(hours=72)


def data_requests_overdue(*, now: datetime.datetime | None = None) -> list[DataRequest]:
    """Requests still open after the deadline, oldest first."""
    cutoff = (now or timezone.now()) - DEADLINE
    return list(DataRequest.objects.filter(completed_at__isnull=True, requested_at__lt=cutoff).order_by("requested_at"))


def data_requests_for(*, user_id: uuid.UUID) -> list[DataRequest]:
    return list(DataRequest.objects.filter(user_id=user_id))
