"""An approved request to join is provisioned by a real worker: a failure midway leaves
nothing of the government and says why; the operator's retry then builds it, invites the
requester as its first admin koordinator and starts the trial.

Kota Sabang (11.72, 21 units) keeps each build short; the module provisions it twice (the
failed attempt and the retry) on the filesystem broker only: the broker is not what is tested.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django_tenants.utils import schema_exists

from tenants.context import government_context
from tenants.models import Domain, Government
from tests.api.helpers import signed_in_client
from tests.personas import with_totp
from warga.accounts.models import User
from warga.billing.models import BillingAccount, BillingAudit, BillingStatus
from warga.onboarding.models import JoinEvent, JoinRequest, JoinStatus, JoinStep
from warga.organization.models import Invitation, OrganizationEvent, PositionKind

from .conftest import worker_running
from .support import Worker, wait_for

pytestmark = pytest.mark.worker

SABANG, SCHEMA, HOST = "11.72", "gov_11_72", "kota-sabang.localhost"
ADMIN_LIST = "/operator/onboarding/joinrequest/"


@pytest.fixture(scope="module")
def bulk_worker(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Worker]:
    """One worker on the filesystem broker consuming only the run's bulk queue, where
    provisioning is routed (settings.WARGA_TASK_URGENCY)."""
    folder: Path = tmp_path_factory.mktemp("worker-joining")
    queue = f"default-test-{uuid.uuid4().hex[:8]}"
    with worker_running(
        broker="filesystem", folder=folder, queue=queue, django_db_blocker=django_db_blocker, classes=("bulk",)
    ) as running:
        yield running


@pytest.fixture
def operator(db: None) -> Iterator[User]:
    user = with_totp(User.objects.create_superuser(f"operator-{uuid.uuid4().hex[:6]}@example.id", "x" * 12))
    yield user
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
    User.objects.filter(pk=user.pk).delete()


@pytest.fixture
def sabang_request(db: None) -> Iterator[JoinRequest]:
    """A confirmed request for Kota Sabang whose address the invitation step will refuse: the
    failure comes after the schema is built, seeded and opened. Removed afterwards with the
    government it made."""
    assert not Government.objects.filter(code=SABANG).exists()
    request = JoinRequest.objects.create(
        region_code=SABANG,
        government_name="Kota Sabang",
        requester_name="Teuku Ridwan",
        requester_position="Kepala Diskominfo",
        email="ridwan-at-sabangkota.go.id",
        email_domain="sabangkota.go.id",
        phone="+6265221234",
        status=JoinStatus.PENDING,
    )
    yield request
    government = Government.objects.filter(code=SABANG).first()
    if government is not None:
        # Its trial's billing rows are kept on purpose when a government goes (PROTECT).
        BillingAudit.objects.filter(account__government=government).delete()
        BillingAccount.objects.filter(government=government).delete()
        government.delete(force_drop=True)
    JoinEvent.objects.filter(request_id=request.pk).delete()
    JoinRequest.objects.filter(pk=request.pk).delete()


def _approve(admin: Client, request: JoinRequest) -> None:
    data = {"action": "approve", "_selected_action": [str(request.pk)], "decide": "1"}
    assert admin.post(ADMIN_LIST, data, HTTP_HOST="localhost").status_code == 302


def _ended(request_id: int) -> JoinRequest | None:
    request = JoinRequest.objects.get(pk=request_id)
    return request if request.status != JoinStatus.PROVISIONING else None


def test_a_failure_midway_leaves_nothing_and_the_retry_provisions_the_government(
    bulk_worker: Worker, operator: User, sabang_request: JoinRequest
) -> None:
    admin = signed_in_client(operator)

    _approve(admin, sabang_request)
    failed = wait_for(lambda: _ended(sabang_request.pk), what="the failed provisioning", timeout=60)

    assert failed.status == JoinStatus.FAILED
    assert failed.failed_step == JoinStep.INVITE
    assert "Alamat email 'ridwan-at-sabangkota.go.id' tidak valid" in failed.failure_reason
    # The progress of the step it reached was written outside the rolled-back transaction.
    assert failed.progress == 85
    # Nothing half-made: no schema, no registry row, no host.
    assert not schema_exists(SCHEMA)
    assert not Government.objects.filter(code=SABANG).exists()
    assert not Domain.objects.filter(domain=HOST).exists()
    page = re.sub(r"\s+", " ", Client().get(f"/bergabung/permintaan/{failed.public_id}/", HTTP_HOST="localhost").text)
    assert "Tidak ada yang tertinggal setengah jadi" in page
    assert "Mengundang Anda sebagai admin koordinator · " in page
    assert "berhenti" in page
    listed = admin.get(f"{ADMIN_LIST}{failed.pk}/change/", HTTP_HOST="localhost").text
    assert "[Mengundang admin koordinator] Alamat email" in listed

    # The operator corrects the address (here, in the row) and tries again.
    JoinRequest.objects.filter(pk=failed.pk).update(email="ridwan@sabangkota.go.id")
    _approve(admin, failed)
    done = wait_for(lambda: _ended(sabang_request.pk), what="the retried provisioning", timeout=60)

    assert (done.status, done.step, done.progress, done.failure_reason) == (JoinStatus.DONE, JoinStep.DONE, 100, "")
    government = Government.objects.get(code=SABANG)
    assert (government.name, government.schema_name, government.is_ready) == ("Kota Sabang", SCHEMA, True)
    assert schema_exists(SCHEMA)
    assert list(Domain.objects.filter(tenant=government).values_list("domain", flat=True)) == [HOST]
    with government_context(government):
        invitation = Invitation.objects.select_related("position").get()
        assert (invitation.email, invitation.position.kind, invitation.invited_by_id) == (
            "ridwan@sabangkota.go.id",
            PositionKind.ADMIN_KOORDINATOR,
            operator.pk,
        )
        assert OrganizationEvent.objects.filter(action="invitation.create", actor_id=operator.pk).count() == 1
    assert list(JoinEvent.objects.filter(request=done).values_list("kind", "actor_id")) == [
        ("approve", operator.pk),
        ("provision_fail", None),
        ("retry", operator.pk),
        ("provision_done", None),
    ]
    # The invitation went out once, after the commit (the worker's console mail backend), and
    # the trial started (warga.billing).
    log = bulk_worker.wait_for_log("Task onboarding.join_request_provision", count=4)
    assert log.count("To: ridwan@sabangkota.go.id") == 1
    assert "To: ridwan-at-sabangkota.go.id" not in log
    assert len(set(re.findall(r"http://kota-sabang\.localhost/undangan/\S+/", log))) == 1
    assert "Trial of Kota Sabang (11.72) started, until " in log
    assert BillingAccount.objects.get(government__code="11.72").status == BillingStatus.TRIALING
    assert re.search(r"Task onboarding\.join_request_provision\[[0-9a-f-]+\] succeeded in [0-9.]+s: 'done'", log)
    page = Client().get(f"/bergabung/permintaan/{done.public_id}/", HTTP_HOST="localhost").text
    assert "Warga untuk pemerintah daerah Anda sudah siap." in page
