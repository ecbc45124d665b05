"""A deletion request is carried out by a real worker after the request commits, and leaves
nothing of the person in any schema."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from allauth.socialaccount.models import SocialAccount
from django.db import transaction

from tenants.context import government_context
from tenants.models import Government
from tests.personas import membership_in, verified_user
from tests.warga.data_rights.search import occurrences
from warga.accounts.models import User
from warga.data_rights.models import DataRequest
from warga.data_rights.services import account_delete_start, subject_digest
from warga.organization.models import Membership
from warga.personal_data_registry import ERASED_USER_ID

from .support import Worker, wait_for

pytestmark = pytest.mark.worker


@dataclass
class Person:
    user: User
    marker: str
    phone: str
    seats: dict[str, int]  # government code -> membership id


@pytest.fixture
def person(db: None) -> Iterator[Person]:
    """Someone with an account, a Google sign-in and a seat in two governments. Rows are
    committed: whatever the test leaves (the seats, now held by nobody; the log) is removed."""
    marker = uuid.uuid4().hex[:10]
    phone = f"+62813{uuid.uuid4().int % 10**7:07d}"
    user = verified_user(f"hapus-{marker}@example.id", full_name=f"Warga Uji {marker}", phone=phone)
    SocialAccount.objects.create(user=user, provider="google", uid=f"g-{marker}")
    governments = {g.code: g for g in Government.objects.filter(code__in=["31", "32.73"])}
    seats = {str(code): membership_in(government, user).pk for code, government in governments.items()}
    digest = subject_digest(user.pk)
    yield Person(user=user, marker=marker, phone=phone, seats=seats)
    for code, government in governments.items():
        with government_context(government):
            Membership.objects.filter(pk=seats[str(code)]).delete()
    DataRequest.objects.filter(subject_digest=digest).delete()
    SocialAccount.objects.filter(user_id=user.pk).delete()
    User.objects.filter(pk=user.pk).delete()


def test_a_deletion_request_is_finished_by_the_worker_and_leaves_nothing(worker: Worker, person: Person) -> None:
    email, user_id = person.user.email, str(person.user.pk)
    needles = (email, user_id, person.marker, person.phone.removeprefix("+"), f"g-{person.marker}")
    assert all(occurrences(needle) for needle in needles)

    with transaction.atomic():
        request_id = account_delete_start(user=person.user).pk

    def finished() -> DataRequest | None:
        row = DataRequest.objects.get(pk=request_id)
        return row if row.status == "done" else None

    done = wait_for(finished, what=f"data request {request_id} to be done by the {worker.broker} worker")
    assert done.completed_at is not None
    assert done.completed_at >= done.requested_at
    assert done.user_id is None
    assert done.parts.count() == Government.objects.filter(is_ready=True).exclude(level="template").count()
    for needle in needles:
        assert occurrences(needle) == [], needle
    assert not User.objects.filter(pk=user_id).exists()
    for code, seat in person.seats.items():
        with government_context(Government.objects.get(code=code)):
            assert Membership.objects.get(pk=seat).user_id == ERASED_USER_ID
    log = worker.wait_for_log("succeeded")
    assert re.search(r"Task personaldata\.request_run\[[0-9a-f-]+\] succeeded in [0-9.]+s: 'done'", log), log
