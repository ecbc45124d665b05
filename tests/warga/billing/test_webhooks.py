"""Stripe's webhooks over real HTTP, signed as Stripe signs them, mirrored into a government's
billing state by the processing task (run here in-process: the queue itself is tested in
tests/worker)."""

from __future__ import annotations

import datetime
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from tenants.models import Government
from tests.warga.billing.fake_stripe import FakeStripe, event, signed, subscription
from warga.billing import tasks
from warga.billing.models import BillingAccount, BillingAudit, BillingStatus, StripeEvent
from warga.billing.selectors import premium_refusal
from warga.billing.services import start_trial

pytestmark = pytest.mark.usefixtures("committed_billing")


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Event ids the webhook queued, in order (each then processed by the task's own code)."""
    sent: list[str] = []
    monkeypatch.setattr(tasks.event_process_task, "delay", lambda *, event_id: sent.append(event_id))
    return sent


def _post(origin: str, body: str, signature: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310 -- a local test server
        f"{origin}/stripe/webhook/",
        data=body.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": signature},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 -- a local test server
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def _deliver(origin: str, payload: dict[str, Any], queued: list[str]) -> str:
    """Post a signed event and run the task it queued; the task's outcome."""
    status, answer = _post(origin, *signed(payload))
    assert (status, answer) == (200, {"received": True, "duplicate": False})
    assert queued[-1] == payload["id"]
    return str(tasks.event_process_task.apply(kwargs={"event_id": payload["id"]}).get())


def _jakarta() -> Government:
    return Government.objects.get(code="31")


def test_a_valid_subscription_event_is_mirrored_with_an_audit_row(
    fake_stripe: FakeStripe, public_site: str, queued: list[str]
) -> None:
    start_trial(_jakarta())
    sub = subscription("sub_jkt", status="active", price="price_provBesarLengkapM", code="31")
    assert _deliver(public_site, event("customer.subscription.created", sub), queued) == "applied"
    account = BillingAccount.objects.select_related("plan").get(government__code="31")
    assert (account.status, account.plan.code if account.plan else None, account.interval) == (
        "active",
        "provinsi-besar-lengkap",
        "month",
    )
    assert list(BillingAudit.objects.filter(account=account).values_list("from_status", "to_status")) == [
        ("trialing", "active"),
        ("none", "trialing"),
    ]
    assert premium_refusal(government=account.government) is None

    # An invoice names only its subscription: Stripe is asked for the subscription's state.
    fake_stripe.subscriptions["sub_jkt"] = sub | {"status": "past_due"}
    invoice = {
        "id": "in_1",
        "object": "invoice",
        "customer": "cus_known",
        "parent": {"subscription_details": {"subscription": "sub_jkt", "metadata": {"government_code": "31"}}},
    }
    assert _deliver(public_site, event("invoice.payment_failed", invoice), queued) == "applied"
    assert [r.path for r in fake_stripe.requests] == ["/v1/subscriptions/sub_jkt"]
    account.refresh_from_db()
    assert account.status == BillingStatus.PAST_DUE
    assert account.past_due_since is not None
    # Within the grace period premium features keep working; after it they are locked.
    assert premium_refusal(government=account.government) is None
    after_grace = account.past_due_since + datetime.timedelta(days=15)
    assert "Tagihan" in (premium_refusal(government=account.government, now=after_grace) or "")


def test_a_forged_or_stale_signature_is_refused_and_nothing_changes(
    fake_stripe: FakeStripe, public_site: str, queued: list[str]
) -> None:
    start_trial(_jakarta())
    payload = event(
        "customer.subscription.created",
        subscription("sub_x", status="active", price="price_provBesarLengkapM", code="31"),
    )
    body, _ = signed(payload, secret="whsec_someoneelse")
    forged = _post(public_site, body, signed(payload, secret="whsec_someoneelse")[1])
    assert forged == (400, {"error": "The Stripe-Signature header does not verify."})
    # Signed with the right secret, but ten minutes ago: beyond the tolerance, a replay.
    old_body, old_header = signed(payload, timestamp=int(time.time()) - 600)
    assert _post(public_site, old_body, old_header)[0] == 400
    # The body changed after signing.
    _, header = signed(payload)
    assert _post(public_site, json.dumps(payload | {"type": "customer.deleted"}), header)[0] == 400
    assert queued == []
    assert not StripeEvent.objects.exists()
    assert BillingAccount.objects.get(government__code="31").status == BillingStatus.TRIALING


def test_a_replayed_event_is_processed_once(fake_stripe: FakeStripe, public_site: str, queued: list[str]) -> None:
    start_trial(_jakarta())
    payload = event(
        "customer.subscription.created",
        subscription("sub_r", status="active", price="price_provBesarLengkapM", code="31"),
    )
    assert _deliver(public_site, payload, queued) == "applied"
    again = _post(public_site, *signed(payload))
    assert again == (200, {"received": True, "duplicate": True})
    assert queued == [payload["id"]]
    # A task delivered twice (acks_late) finds the event done.
    assert tasks.event_process_task.apply(kwargs={"event_id": payload["id"]}).get() == "applied"
    assert BillingAudit.objects.filter(stripe_event_id=payload["id"]).count() == 1


def test_subscription_events_out_of_order_keep_the_newest_state(
    fake_stripe: FakeStripe, public_site: str, queued: list[str]
) -> None:
    start_trial(_jakarta())
    now = int(time.time())
    created = event(
        "customer.subscription.created",
        subscription("sub_o", status="active", price="price_provBesarLengkapM", code="31"),
        created=now - 60,
    )
    updated = event(
        "customer.subscription.updated",
        subscription("sub_o", status="past_due", price="price_provBesarLengkapM", code="31"),
        created=now - 30,
    )
    assert _deliver(public_site, updated, queued) == "applied"
    assert _deliver(public_site, created, queued) == "stale"
    account = BillingAccount.objects.get(government__code="31")
    assert account.status == BillingStatus.PAST_DUE
    # Two events of the same second: their order is unknown, so Stripe is asked.
    fake_stripe.subscriptions["sub_o"] = subscription(
        "sub_o", status="active", price="price_provBesarLengkapM", code="31"
    )
    tie = event(
        "customer.subscription.updated",
        subscription("sub_o", status="unpaid", price="price_provBesarLengkapM", code="31"),
        created=now - 30,
    )
    assert _deliver(public_site, tie, queued) == "applied"
    account.refresh_from_db()
    assert account.status == BillingStatus.ACTIVE
    assert fake_stripe.made("GET", "/v1/subscriptions/sub_o")


def test_an_unknown_government_is_logged_and_nothing_changes(
    fake_stripe: FakeStripe, public_site: str, queued: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    payload = event(
        "customer.subscription.created",
        subscription("sub_u", status="active", price="price_provBesarLengkapM", code="99.99"),
    )
    with caplog.at_level(logging.WARNING, logger="warga.billing.services"):
        assert _deliver(public_site, payload, queued) == "unknown_government"
    assert "names government '99.99', which is not a billed government" in caplog.text
    assert not BillingAccount.objects.exists()
    assert StripeEvent.objects.get(id=payload["id"]).government_code == "99.99"


def test_a_downgrade_keeps_premium_until_the_period_ends_and_a_deleted_customer_cancels(
    fake_stripe: FakeStripe, public_site: str, queued: list[str]
) -> None:
    jakarta = _jakarta()
    start_trial(jakarta)
    period_end = int(time.time()) + 10 * 86_400
    full = subscription("sub_d", status="active", price="price_provBesarLengkapM", code="31", period_end=period_end)
    assert (
        _deliver(public_site, event("customer.subscription.created", full, created=int(time.time()) - 5), queued)
        == "applied"
    )
    BillingAccount.objects.filter(government=jakarta).update(stripe_customer_id="cus_known")
    basic = subscription("sub_d", status="active", price="price_provBesarDasarM", code="31", period_end=period_end)
    assert _deliver(public_site, event("customer.subscription.updated", basic), queued) == "applied"
    account = BillingAccount.objects.select_related("plan").get(government=jakarta)
    assert account.plan is not None
    assert account.plan.code == "provinsi-besar-dasar"
    ends = datetime.datetime.fromtimestamp(period_end, tz=datetime.UTC)
    assert premium_refusal(government=jakarta) is None
    assert premium_refusal(government=jakarta, now=ends - datetime.timedelta(minutes=1)) is None
    assert premium_refusal(government=jakarta, now=ends + datetime.timedelta(minutes=1)) is not None

    deleted = event(
        "customer.deleted", {"id": "cus_known", "object": "customer", "metadata": {"government_code": "31"}}
    )
    assert _deliver(public_site, deleted, queued) == "applied"
    account.refresh_from_db()
    assert (account.status, account.stripe_customer_id, account.customer_generation) == ("canceled", None, 1)
