"""What the joining modules share: the progress of each step, the request's events, and the
emails to the requester."""

from __future__ import annotations

import uuid

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from tenants.scope import any_scope
from warga.onboarding.models import JoinEvent, JoinEventKind, JoinRequest, JoinStep

# Share of the work done when each step starts (the requester's and the operator's pages).
STEP_PROGRESS = {
    JoinStep.QUEUED: 0,
    JoinStep.REGISTER: 5,
    JoinStep.SCHEMA: 15,
    JoinStep.TERRITORY: 50,
    JoinStep.OPEN: 75,
    JoinStep.INVITE: 85,
    JoinStep.TRIAL: 95,
    JoinStep.DONE: 100,
}


def _event(request: JoinRequest, kind: JoinEventKind, *, actor_id: uuid.UUID | None = None, **detail: object) -> None:
    JoinEvent.objects.create(request=request, kind=kind, actor_id=actor_id, detail=detail)


def _send_on_commit(*, template: str, request: JoinRequest, context: dict[str, object]) -> None:
    """Email the requester once the transaction commits; a refused mail server is logged."""
    context = {"request": request} | context
    subject = render_to_string(f"onboarding/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"onboarding/email/{template}.txt", context)
    recipient = request.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]), robust=True)


@any_scope
def status_path(request: JoinRequest) -> str:
    return f"/bergabung/permintaan/{request.public_id}/"
