"""Writes of a government's outbound webhooks, in its schema.

Events are recorded by `webhooks_report_event` in the transaction of the report change
(warga.reports writes it next to its outbox event) and by `webhook_forward_record` when a
report is forwarded to an external organisation with a webhook; one `Delivery` per endpoint
that wants the event, sent by the `webhooks.deliver` task after the commit.

`delivery_attempt` sends one delivery: claimed with a session advisory lock, the HTTP call
made with no transaction open (docs/decisions/0048), the outcome written after in one short
transaction whose conditional UPDATE records a success exactly once. A failure is retried
with exponential backoff and jitter; an endpoint failing for a day is paused and the
government's admins are told (docs/decisions/0058).
"""

from __future__ import annotations

import datetime
import json
import random
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.context import current_schema, tenant_connection
from tenants.models import Government
from tenants.scope import any_scope, tenant_scoped
from tenants.tasks import send_on_commit
from warga.accounts.models import User
from warga.advisory import advisory_key, session_lock_tried
from warga.errors import FieldError, Invalid, NotFound
from warga.organization.models import Membership, PositionKind, Unit, UnitKind
from warga.organization.selectors import membership_active_q, today_in
from warga.webhooks.models import (
    GOVERNMENT_EVENTS,
    Delivery,
    DeliveryState,
    Endpoint,
    EndpointState,
    Event,
)
from warga.webhooks.selectors import deliveries_due
from warga.webhooks.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    secret_decrypt,
    secret_encrypt,
    secret_new,
    signature_header,
)
from warga.webhooks.transport import UrlRefused, post, target_resolve

# Attempts of one delivery before it is given up (about 32 hours of backoff in all).
MAX_ATTEMPTS = 15
BACKOFF_FIRST_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
# An endpoint whose deliveries have failed without a success for this long is paused.
PAUSE_AFTER = datetime.timedelta(hours=24)
ENDPOINTS_MAX = 20
NAME_MAX = 100
URL_MAX = 2000
_ERROR_MAX = 300


class WebhookInvalid(Invalid):
    """Refused input; `field` names the input, `message` says what to change."""

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        super().__init__(message, fields={field: [FieldError("invalid", message)]} if field else {})


class WebhookNotFound(NotFound):
    default_message = gettext_lazy("That webhook does not exist in this government.")


def _government() -> Government:
    tenant = tenant_connection().tenant
    if isinstance(tenant, Government) and tenant.schema_name == current_schema():
        return tenant
    return Government.objects.get(schema_name=current_schema())


@any_scope
def backoff_seconds(attempts: int) -> float:
    """30 s after the first failure, doubling, capped at 6 h; jittered by ±20 % so that the
    deliveries waiting for a receiver that came back do not all arrive in the same second."""
    base = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** max(0, attempts - 1))
    return base * random.uniform(0.8, 1.2)


# --- Endpoints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EndpointIssued:
    endpoint: Endpoint
    secret: str  # shown once


def _endpoint_fields(*, name: str, url: str, events: Sequence[str], unit_id: int | None) -> tuple[str, str, list[str]]:
    name, url = name.strip(), url.strip()
    if not name:
        raise WebhookInvalid("name", "Beri nama webhook ini, mis. nama sistem penerimanya.")
    if len(name) > NAME_MAX:
        raise WebhookInvalid("name", f"Nama paling panjang {NAME_MAX} karakter.")
    if len(url) > URL_MAX:
        raise WebhookInvalid("url", f"Alamat paling panjang {URL_MAX} karakter.")
    try:
        target_resolve(url)
    except UrlRefused as refusal:
        raise WebhookInvalid("url", str(refusal)) from refusal
    if unit_id is not None:
        return name, url, [Event.REPORT_FORWARDED.value]
    chosen = list(dict.fromkeys(events))
    unknown = [event for event in chosen if event not in GOVERNMENT_EVENTS]
    if unknown:
        raise WebhookInvalid("events", f"Peristiwa {unknown[0]!r} tidak dikenal.")
    if not chosen:
        raise WebhookInvalid("events", "Pilih minimal satu peristiwa yang dikirim ke webhook ini.")
    return name, url, chosen


@tenant_scoped
def endpoint_create(*, name: str, url: str, events: Sequence[str], unit_id: int | None = None) -> EndpointIssued:
    """Register an endpoint of the current government with a new signing secret, returned
    once. With `unit_id`, the endpoint of that external organisation (a unit of kind
    `external`, one endpoint each): it receives the reports forwarded to it. WebhookInvalid
    names the field to change; nothing is written then."""
    name, url, chosen = _endpoint_fields(name=name, url=url, events=events, unit_id=unit_id)
    if (
        unit_id is not None
        and not Unit.objects.filter(pk=unit_id, kind=UnitKind.EXTERNAL, ended_on__isnull=True).exists()
    ):
        raise WebhookInvalid("unit_id", "Pilih organisasi eksternal (PLN, PDAM, ...) yang masih aktif.")
    if Endpoint.objects.count() >= ENDPOINTS_MAX:
        raise WebhookInvalid(None, f"Paling banyak {ENDPOINTS_MAX} webhook; hapus yang tidak dipakai lagi.")
    secret = secret_new()
    try:
        with transaction.atomic():
            endpoint = Endpoint.objects.create(
                name=name,
                url=url,
                events=chosen,
                unit_id=unit_id,
                secret_encrypted=secret_encrypt(secret),
                created_at=timezone.now(),
            )
    except IntegrityError as error:
        raise WebhookInvalid("unit_id", "Organisasi ini sudah memiliki webhook; ubah atau hapus yang lama.") from error
    return EndpointIssued(endpoint=endpoint, secret=secret)


def _endpoint_locked(endpoint_id: int) -> Endpoint:
    endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise WebhookNotFound()
    return endpoint


@tenant_scoped
def endpoint_pause(*, endpoint_id: int, reason: str = "") -> Endpoint:
    """Stop delivering to the endpoint; its pending deliveries wait for `endpoint_resume`."""
    with transaction.atomic():
        endpoint = _endpoint_locked(endpoint_id)
        if endpoint.state != EndpointState.PAUSED:
            endpoint.state, endpoint.paused_at = EndpointState.PAUSED, timezone.now()
            endpoint.paused_reason = (reason or "Dijeda oleh admin.")[:300]
            endpoint.save(update_fields=["state", "paused_at", "paused_reason"])
    return endpoint


@tenant_scoped
def endpoint_resume(*, endpoint_id: int) -> Endpoint:
    """Deliver to the endpoint again: its failure clock restarts and its pending deliveries
    are sent now."""
    with transaction.atomic():
        endpoint = _endpoint_locked(endpoint_id)
        endpoint.state, endpoint.paused_at, endpoint.paused_reason = EndpointState.ACTIVE, None, ""
        endpoint.failing_since = None
        endpoint.save(update_fields=["state", "paused_at", "paused_reason", "failing_since"])
        pending = Delivery.objects.filter(endpoint=endpoint, state=DeliveryState.PENDING)
        pending.update(next_attempt_at=timezone.now())
        _send_after_commit(list(pending.values_list("id", flat=True)))
    return endpoint


@tenant_scoped
def endpoint_delete(*, endpoint_id: int) -> None:
    """Delete the endpoint and its delivery log; nothing more is sent to it."""
    with transaction.atomic():
        _endpoint_locked(endpoint_id).delete()


# --- Recording events -------------------------------------------------------------------------


def _body(*, event: str, event_id: uuid.UUID, data: Mapping[str, Any], at: datetime.datetime) -> str:
    government = _government()
    document = {
        "id": str(event_id),
        "event": event,
        "created_at": at.isoformat(),
        "government": {"code": government.code, "name": government.name},
        "data": dict(data),
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _send_after_commit(delivery_ids: list[int]) -> None:
    from warga.webhooks.tasks import webhook_deliver

    for delivery_id in delivery_ids:
        send_on_commit(webhook_deliver, kwargs={"delivery_id": delivery_id})


def _record(*, endpoints: Sequence[Endpoint], event: str, data: Mapping[str, Any], at: datetime.datetime) -> list[int]:
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    body = _body(event=event, event_id=event_id, data=data, at=at)
    rows = Delivery.objects.bulk_create(
        Delivery(endpoint=endpoint, event=event, event_id=event_id, body=body, next_attempt_at=at, created_at=at)
        for endpoint in endpoints
    )
    ids = [row.pk for row in rows]
    _send_after_commit(ids)
    return ids


# The report's outbox kinds (warga.reports) -> the events they are announced as.
def _events_of(kind: str, payload: Mapping[str, Any]) -> list[tuple[Event, dict[str, Any]]]:
    data = dict(payload)
    if kind == "report.submitted":
        return [(Event.REPORT_CREATED, data)]
    if kind in {"report.transferred_in", "report.transferred_out"}:
        return [(Event.REPORT_TRANSFERRED, data | {"direction": kind.rsplit("_", 1)[1]})]
    if kind == "report.status_changed":
        events = [(Event.REPORT_STATUS_CHANGED, data)]
        follows = {"resolved": Event.REPORT_RESOLVED, "reopened": Event.REPORT_DISPUTED}
        if data.get("to_status") in follows:
            events.append((follows[data["to_status"]], data))
        return events
    return []


@tenant_scoped
def webhooks_report_event(*, kind: str, payload: Mapping[str, Any], at: datetime.datetime) -> list[int]:
    """Record the deliveries of a report change for every active endpoint that wants it.

    Called by warga.reports with each outbox event, in the change's transaction, with the
    outbox's payload: codes, statuses and times, never a description, a place or anyone's
    identity. Returns the ids of the deliveries queued (sent after the commit)."""
    queued: list[int] = []
    for event, data in _events_of(kind, payload):
        endpoints = list(
            Endpoint.objects.filter(state=EndpointState.ACTIVE, unit__isnull=True, events__contains=[event.value])
        )
        queued += _record(endpoints=endpoints, event=event, data=data, at=at)
    return queued


@tenant_scoped
def webhook_for_unit(*, unit_id: int) -> Endpoint | None:
    """The active webhook of an external organisation, if it has one."""
    return Endpoint.objects.filter(unit_id=unit_id, state=EndpointState.ACTIVE).first()


@tenant_scoped
def webhook_forward_record(*, unit_id: int, data: Mapping[str, Any], at: datetime.datetime) -> int | None:
    """Queue a `report.forwarded` delivery to the external organisation's webhook, in the
    forward's transaction. None when the organisation has no active webhook."""
    endpoint = webhook_for_unit(unit_id=unit_id)
    if endpoint is None:
        return None
    (delivery_id,) = _record(endpoints=[endpoint], event=Event.REPORT_FORWARDED, data=data, at=at)
    return delivery_id


@tenant_scoped
def endpoint_ping(*, endpoint_id: int) -> Delivery:
    """Queue a `ping` delivery to the endpoint (the console's test button), paused or not:
    it is how an admin checks a receiver before resuming it."""
    with transaction.atomic():
        endpoint = _endpoint_locked(endpoint_id)
        now = timezone.now()
        event_id = uuid.uuid4()
        delivery = Delivery.objects.create(
            endpoint=endpoint,
            event=Event.PING,
            event_id=event_id,
            body=_body(event=Event.PING, event_id=event_id, data={"endpoint": endpoint.name}, at=now),
            next_attempt_at=now,
            created_at=now,
        )
        _send_after_commit([delivery.pk])
    return delivery


@tenant_scoped
def delivery_replay(*, delivery_id: int) -> Delivery:
    """Send a delivery again as a new delivery (its own `Warga-Delivery` id, the same body,
    hence the same event id), whatever became of the first."""
    with transaction.atomic():
        original = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
        if original is None:
            raise WebhookNotFound("Pengiriman itu tidak ada di pemerintah daerah ini.")
        now = timezone.now()
        replay = Delivery.objects.create(
            endpoint=original.endpoint,
            event=original.event,
            event_id=original.event_id,
            body=original.body,
            next_attempt_at=now,
            created_at=now,
            replay_of=original,
        )
        _send_after_commit([replay.pk])
    return replay


# --- Sending ----------------------------------------------------------------------------------


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
