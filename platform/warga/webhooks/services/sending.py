"""Sending one delivery: claimed with a session advisory lock, the HTTP call made with no
transaction open, the outcome written after; retries with backoff, and the pause of an
endpoint failing for a day."""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tenants.context import current_schema
from tenants.models import Government
from tenants.scope import any_scope, tenant_scoped
from warga.accounts.models import User
from warga.advisory import advisory_key, session_lock_tried
from warga.organization.models import Membership, PositionKind
from warga.organization.selectors import membership_active_q, today_in
from warga.webhooks.models import Delivery, DeliveryState, Endpoint, EndpointState, Event
from warga.webhooks.selectors import deliveries_due
from warga.webhooks.services._common import _government
from warga.webhooks.signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, secret_decrypt, signature_header
from warga.webhooks.transport import UrlRefused, post, target_resolve

# Attempts of one delivery before it is given up (about 32 hours of backoff in all).
MAX_ATTEMPTS = 15
BACKOFF_FIRST_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
# An endpoint whose deliveries have failed without a success for this long is paused.
PAUSE_AFTER = datetime.timedelta(hours=24)


_ERROR_MAX = 300


@any_scope
def backoff_seconds(attempts: int) -> float:
    """30 s after the first failure, doubling, capped at 6 h; jittered by ±20 % so that the
    deliveries waiting for a receiver that came back do not all arrive in the same second."""
    base = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** max(0, attempts - 1))
    return base * random.uniform(0.8, 1.2)


@any_scope
def delivery_lock_key(*, schema: str, delivery_id: int) -> int:
    """The advisory lock claiming one delivery of one schema while it is being sent."""
    return advisory_key("webhook-delivery", schema, delivery_id)


@dataclass(frozen=True)
class Attempt:
    """What became of a call to `delivery_attempt`: `delivered`, `retry` (at
    `next_attempt_at`), `failed` (given up), `paused` (the endpoint is paused; the delivery
    waits), `not_due` (its retry time has not come), or `skipped` (done already, or being
    sent by another worker right now)."""

    outcome: str
    next_attempt_at: datetime.datetime | None = None


def _timeout() -> float:
    return float(getattr(settings, "WARGA_WEBHOOK_TIMEOUT_SECONDS", 10))


@tenant_scoped
def delivery_attempt(*, delivery_id: int) -> Attempt:
    """Send one pending delivery of the current government once, if it is due and its
    endpoint active. Safe to call any number of times, from any number of workers."""
    # A session advisory lock (docs/decisions/0048): no transaction is open across the HTTP
    # call, and the claim dies with the worker's database session.
    with session_lock_tried(delivery_lock_key(schema=current_schema(), delivery_id=delivery_id)) as claimed:
        if not claimed:
            return Attempt("skipped")
        delivery = (
            Delivery.objects.select_related("endpoint").filter(pk=delivery_id, state=DeliveryState.PENDING).first()
        )
        if delivery is None:
            return Attempt("skipped")
        endpoint = delivery.endpoint
        if endpoint.state != EndpointState.ACTIVE and delivery.event != Event.PING:
            return Attempt("paused")
        if delivery.next_attempt_at > timezone.now():
            return Attempt("not_due", delivery.next_attempt_at)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Warga-Webhook/1",
            SIGNATURE_HEADER: signature_header(
                secret=secret_decrypt(endpoint.secret_encrypted), timestamp=timestamp, body=delivery.body
            ),
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.uid),
        }
        status_code: int | None = None
        latency_ms: int | None = None
        try:
            answer = post(
                target=target_resolve(endpoint.url), body=delivery.body.encode(), headers=headers, timeout=_timeout()
            )
        except UrlRefused as refusal:
            error = str(refusal)
        except OSError as failure:
            error = f"Tidak ada jawaban: {failure or type(failure).__name__}"
        else:
            status_code, latency_ms = answer.status, answer.latency_ms
            error = "" if 200 <= answer.status < 300 else f"HTTP {answer.status}"
        return _outcome_record(delivery, status_code=status_code, latency_ms=latency_ms, error=error)


def _outcome_record(delivery: Delivery, *, status_code: int | None, latency_ms: int | None, error: str) -> Attempt:
    """Write the attempt's outcome: one short transaction after the HTTP call. Each UPDATE
    is conditional on the delivery still pending, so a success is recorded exactly once."""
    now = timezone.now()
    still_pending = Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING)
    endpoint = Endpoint.objects.filter(pk=delivery.endpoint_id)
    with transaction.atomic():
        if not error:
            recorded = still_pending.update(
                state=DeliveryState.DELIVERED,
                attempts=F("attempts") + 1,
                status_code=status_code,
                latency_ms=latency_ms,
                last_error="",
                delivered_at=now,
            )
            if recorded:
                endpoint.update(failing_since=None)
            return Attempt("delivered" if recorded else "skipped")
        attempts = delivery.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS
        retry_at = now + datetime.timedelta(seconds=backoff_seconds(attempts))
        recorded = still_pending.update(
            state=DeliveryState.FAILED if gave_up else DeliveryState.PENDING,
            attempts=F("attempts") + 1,
            status_code=status_code,
            latency_ms=latency_ms,
            last_error=error[:_ERROR_MAX],
            next_attempt_at=retry_at,
        )
        if not recorded:
            return Attempt("skipped")
        if delivery.event == Event.PING:
            return Attempt("failed" if gave_up else "retry", None if gave_up else retry_at)
        endpoint.filter(failing_since__isnull=True).update(failing_since=now)
        paused = endpoint.filter(state=EndpointState.ACTIVE, failing_since__lte=now - PAUSE_AFTER).update(
            state=EndpointState.PAUSED,
            paused_at=now,
            paused_reason=f"Gagal terus selama 24 jam; terakhir: {error}"[:300],
        )
        if paused:
            endpoint_id, government = delivery.endpoint_id, _government()
            transaction.on_commit(lambda: _admins_told_of_pause(government=government, endpoint_id=endpoint_id))
            return Attempt("paused")
    return Attempt("failed" if gave_up else "retry", None if gave_up else retry_at)


def _admins_told_of_pause(*, government: Government, endpoint_id: int) -> None:
    """Email every admin koordinator of the government (seated today) that the endpoint was
    paused, each in their language."""
    endpoint = Endpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        return
    admin_ids = Membership.objects.filter(
        membership_active_q(on=today_in(government=government)), position__kind=PositionKind.ADMIN_KOORDINATOR
    ).values_list("user_id", flat=True)
    for admin in User.objects.filter(pk__in=list(admin_ids), is_active=True).exclude(email=""):
        with translation.override(admin.language or "id"):
            subject = _("Webhook paused: %(name)s") % {"name": endpoint.name}
            body = _(
                "Deliveries to the webhook %(name)s (%(url)s) of %(government)s have failed for 24 hours, so "
                "it has been paused. Last error: %(error)s\n\nFix the receiver, send a test from the admin "
                "console (Webhooks) and resume it: the deliveries waiting will then be sent."
            ) % {
                "name": endpoint.name,
                "url": endpoint.url,
                "government": government.name,
                "error": endpoint.paused_reason,
            }
        send_mail(subject, body, None, [admin.email])


@tenant_scoped
def deliveries_due_send(*, limit: int = 500) -> int:
    """Send the task again for every pending delivery whose time has come (beat's backstop:
    a retry waiting hours, a task lost with a broker, a killed worker's delivery). Returns
    how many were sent."""
    # Imported here, unavoidably: the task module imports these services to run them.
    from warga.webhooks.tasks import webhook_deliver

    due = list(
        deliveries_due()
        .filter(endpoint__state=EndpointState.ACTIVE)
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
    for delivery_id in due:
        webhook_deliver.apply_async(kwargs={"delivery_id": delivery_id}, headers={"_schema_name": current_schema()})
    return len(due)
