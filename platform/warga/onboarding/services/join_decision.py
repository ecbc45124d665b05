"""The operator's decision on a confirmed request: approve it (queueing its provisioning) or
refuse it with a reason emailed to the requester."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from tenants.models import Government
from tenants.scope import public_scoped
from warga.errors import Conflict
from warga.onboarding.models import JoinEventKind, JoinRequest, JoinStatus, JoinStep
from warga.onboarding.services._common import STEP_PROGRESS, _event, _send_on_commit, status_path

REFUSAL_REASON_MIN = 10


class JoinDecisionRefused(Conflict):
    """Why the operator's decision cannot be carried out; Bahasa Indonesia, then English."""


def _locked_undecided(request_id: int, *, verb: str, verb_english: str) -> JoinRequest:
    """The request, locked, if it waits for the operator (pending, or its provisioning failed)."""
    request = JoinRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise JoinDecisionRefused(f"Permintaan {request_id} tidak ada. (No such request.)")
    if request.status not in (JoinStatus.PENDING, JoinStatus.FAILED):
        raise JoinDecisionRefused(
            f"Permintaan {request.government_name} berstatus '{request.get_status_display()}': hanya permintaan "
            f"yang menunggu keputusan atau yang gagal disiapkan dapat {verb}. "
            f"(Only a pending or failed request can be {verb_english}.)"
        )
    return request


@public_scoped
def join_request_approve(*, request_id: int, operator_id: uuid.UUID, link_port: int | None = None) -> JoinRequest:
    """The operator approves a confirmed request (or tries a failed provisioning again): the
    provisioning task is queued once this commits. `link_port` goes into the invitation's link
    (the development server's port; None in production).

    Raises JoinDecisionRefused for a request not waiting for a decision or whose government
    already exists; nothing is written then."""
    # Imported here, unavoidably: the task module imports the services to run them.
    from warga.onboarding.tasks import join_request_provision_task

    with transaction.atomic():
        request = _locked_undecided(request_id, verb="disetujui", verb_english="approved")
        if Government.objects.filter(code=request.region_code).exists():
            raise JoinDecisionRefused(
                f"{request.government_name} ({request.region_code}) sudah ada di Warga; tolak permintaan ini dengan "
                "alasannya. (The government already exists; refuse the request.)"
            )
        kind = JoinEventKind.RETRY if request.status == JoinStatus.FAILED else JoinEventKind.APPROVE
        request.status = JoinStatus.PROVISIONING
        request.step = JoinStep.QUEUED
        request.progress = STEP_PROGRESS[JoinStep.QUEUED]
        request.decided_at = timezone.now()
        request.decided_by_id = operator_id
        request.link_port = link_port
        request.finished_at = None
        request.save(
            update_fields=["status", "step", "progress", "decided_at", "decided_by_id", "link_port", "finished_at"]
        )
        _event(request, kind, actor_id=operator_id, email_domain=request.email_domain)
        pk = request.pk
        transaction.on_commit(lambda: join_request_provision_task.delay(request_id=pk))
    return request


@public_scoped
def join_request_refuse(*, request_id: int, operator_id: uuid.UUID, reason: str, link_origin: str) -> JoinRequest:
    """The operator refuses a request that waits for a decision (or whose provisioning failed)
    with a reason, which is emailed to the requester; the government is free for another
    request. Raises JoinDecisionRefused for a request in another state or a missing reason."""
    reason = (reason or "").strip()
    if len(reason) < REFUSAL_REASON_MIN:
        raise JoinDecisionRefused(
            f"Tulis alasan penolakan (minimal {REFUSAL_REASON_MIN} karakter); alasan ini dikirim ke pemohon. "
            "(Write the reason; it is emailed to the requester.)"
        )
    with transaction.atomic():
        request = _locked_undecided(request_id, verb="ditolak", verb_english="refused")
        request.status = JoinStatus.REFUSED
        request.refusal_reason = reason
        request.decided_at = timezone.now()
        request.decided_by_id = operator_id
        request.save(update_fields=["status", "refusal_reason", "decided_at", "decided_by_id"])
        _event(request, JoinEventKind.REFUSE, actor_id=operator_id, reason=reason)
        _send_on_commit(
            template="refused",
            request=request,
            context={"reason": reason, "status_link": f"{link_origin}{status_path(request)}"},
        )
    return request
