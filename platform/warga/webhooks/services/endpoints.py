"""A government's webhook endpoints: created with their secret, paused, resumed, deleted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants.scope import tenant_scoped
from warga.organization.models import Unit, UnitKind
from warga.webhooks.models import GOVERNMENT_EVENTS, Delivery, DeliveryState, Endpoint, EndpointState, Event
from warga.webhooks.services._common import WebhookInvalid, _endpoint_locked, _send_after_commit
from warga.webhooks.signing import secret_encrypt, secret_new
from warga.webhooks.transport import UrlRefused, target_resolve

ENDPOINTS_MAX = 20
NAME_MAX = 100
URL_MAX = 2000


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
