"""The provisioning task of an approved request, in one database transaction, its progress
written through a second connection."""

from __future__ import annotations

import logging
import time

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from tenants.models import Government
from tenants.scope import public_scoped
from warga.advisory import session_lock_tried
from warga.billing.services import start_trial
from warga.onboarding.models import JoinEventKind, JoinRequest, JoinStatus, JoinStep
from warga.onboarding.services import FirstAdminRefused, first_admin_invite, government_provision, plan_for_codes
from warga.onboarding.services._common import STEP_PROGRESS, _event
from warga.onboarding.services.join_decision import JoinDecisionRefused

logger = logging.getLogger(__name__)


# Two-integer advisory lock class of a provisioning in progress (warga.national uses 0x4E..).
LOCK_JOIN_PROVISION = 0x4F01


class _Progress:
    """Writes the current step of one request through a connection of its own, in autocommit:
    visible at once to everyone while the provisioning transaction is still open."""

    def __init__(self, request_id: int) -> None:
        self.request_id = request_id
        self.step = JoinStep.QUEUED
        self._connection: BaseDatabaseWrapper = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, step: str) -> None:
        self.step = JoinStep(step)
        try:
            with self._connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {JoinRequest._meta.db_table} SET step = %s, progress = %s WHERE id = %s AND status = %s",
                    [self.step.value, STEP_PROGRESS[self.step], self.request_id, JoinStatus.PROVISIONING.value],
                )
        except DatabaseError:
            # Progress is shown, not needed: a lost update never stops the provisioning.
            logger.warning("Could not record step %s of join request %s.", step, self.request_id, exc_info=True)

    def close(self) -> None:
        self._connection.close()


def _start_trial(government: Government) -> None:
    """Start the new government's trial period (warga.billing). It runs inside the provisioning
    transaction and writes only the billing account, so a later failure rolls it back with
    everything else; nothing is sent to Stripe until the government subscribes."""
    account = start_trial(government)
    if account is not None:
        logger.info("Trial of %s (%s) started, until %s.", government.name, government.code, account.trial_ends_at)


def _provision(request: JoinRequest, progress: _Progress) -> Government:
    progress(JoinStep.REGISTER)
    if Government.objects.filter(code=request.region_code).exists():
        raise JoinDecisionRefused(
            f"{request.government_name} ({request.region_code}) sudah ada di Warga (dibuat di luar permintaan ini). "
            "(The government was created meanwhile.)"
        )
    (planned,) = plan_for_codes(codes=[request.region_code])
    outcome = government_provision(planned=planned, progress=progress)
    progress(JoinStep.INVITE)
    try:
        first_admin_invite(
            code=request.region_code, email=request.email, port=request.link_port, operator_id=request.decided_by_id
        )
    except FirstAdminRefused as error:
        raise JoinDecisionRefused(str(error)) from error
    progress(JoinStep.TRIAL)
    _start_trial(outcome.government)
    return outcome.government


@public_scoped
def join_request_provision(*, request_id: int) -> JoinRequest | None:
    """Provision the government of an approved request: register it, build and seed its
    schema, open it, invite the requester as its first admin koordinator and start the trial,
    all in one transaction. Returns the request as it ends (done or failed); None when another
    process is provisioning it right now. A request not being provisioned is left as it is,
    so a redelivered task changes nothing.

    On any failure nothing of the government remains; the request is marked failed with the
    step it reached and the error, for the operator, who can approve it again."""
    # A redelivered task meeting the first still running leaves it alone.
    with session_lock_tried(LOCK_JOIN_PROVISION, request_id) as mine:
        if not mine:
            return None
        request = JoinRequest.objects.filter(pk=request_id).first()
        if request is None or request.status != JoinStatus.PROVISIONING:
            return request
        progress = _Progress(request_id)
        started = time.perf_counter()
        try:
            with transaction.atomic():
                government = _provision(request, progress)
                JoinRequest.objects.filter(pk=request_id).update(
                    status=JoinStatus.DONE,
                    step=JoinStep.DONE,
                    progress=STEP_PROGRESS[JoinStep.DONE],
                    failure_reason="",
                    failed_step="",
                    finished_at=timezone.now(),
                )
                _event(
                    request,
                    JoinEventKind.PROVISION_DONE,
                    schema=government.schema_name,
                    seconds=round(time.perf_counter() - started, 2),
                )
        except Exception as error:
            logger.exception("Provisioning join request %s failed at step %s.", request_id, progress.step)
            reason = str(error) if isinstance(error, JoinDecisionRefused) else f"{type(error).__name__}: {error}"
            with transaction.atomic():
                JoinRequest.objects.filter(pk=request_id, status=JoinStatus.PROVISIONING).update(
                    status=JoinStatus.FAILED,
                    failed_step=progress.step,
                    failure_reason=reason[:2000],
                    finished_at=timezone.now(),
                )
                _event(request, JoinEventKind.PROVISION_FAIL, step=progress.step.value, reason=reason[:2000])
        finally:
            progress.close()
        return JoinRequest.objects.get(pk=request_id)
