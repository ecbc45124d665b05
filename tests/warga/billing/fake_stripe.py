"""A stand-in for Stripe's API at the network boundary: a local HTTP server the real `stripe`
SDK talks to (its API base pointed here). It records every request and answers with objects
shaped as Stripe's API version of the SDK returns them; tests set the subscriptions and
checkout sessions it holds. Webhooks are built and signed as Stripe signs them."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import stripe

WEBHOOK_SECRET = "whsec_testsecret"
_ids = itertools.count(1)


@dataclass
class Recorded:
    method: str
    path: str
    form: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class FakeStripe:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def reset(self) -> None:
        self.requests.clear()
        self.subscriptions.clear()
        self.sessions.clear()

    def made(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def answer(self, method: str, path: str, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        one = {key: values[-1] for key, values in form.items()}
        if method == "POST" and path == "/v1/customers":
            metadata = {k[9:-1]: v for k, v in one.items() if k.startswith("metadata[")}
            return 200, {
                "id": f"cus_test{next(_ids)}",
                "object": "customer",
                "name": one.get("name"),
                "metadata": metadata,
            }
        if method == "POST" and path == "/v1/checkout/sessions":
            session_id = f"cs_test_{next(_ids)}"
            metadata = {k[9:-1]: v for k, v in one.items() if k.startswith("metadata[")}
            self.sessions[session_id] = {
                "id": session_id,
                "object": "checkout.session",
                "mode": "subscription",
                "status": "open",
                "payment_status": "unpaid",
                "customer": one.get("customer"),
                "subscription": None,
                "metadata": metadata,
                "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            }
            return 200, self.sessions[session_id]
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            found = self.sessions.get(path.rsplit("/", 1)[1])
            return (200, found) if found else (404, _missing("checkout session"))
        if method == "POST" and path == "/v1/billing_portal/sessions":
            return 200, {
                "id": f"bps_{next(_ids)}",
                "object": "billing_portal.session",
                "url": "https://billing.stripe.com/p/session/test_1",
            }
        if method == "GET" and path.startswith("/v1/subscriptions/"):
            found = self.subscriptions.get(path.rsplit("/", 1)[1])
            return (200, found) if found else (404, _missing("subscription"))
        return 404, _missing(path)


def _missing(what: str) -> dict[str, Any]:
    return {"error": {"type": "invalid_request_error", "code": "resource_missing", "message": f"No such {what}"}}


def billing_on(settings: Any, prices: dict[str, str]) -> None:
    """Billing on with a test-mode key, the webhook secret and `prices`."""
    settings.WARGA_STRIPE_SECRET_KEY = "sk_test_warga"
    settings.WARGA_BILLING_ENABLED = True
    settings.WARGA_STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.WARGA_STRIPE_PRICES = prices
    settings.WARGA_STRIPE_NETWORK_RETRIES = 0
    settings.WARGA_STRIPE_API_BASE = ""


def serve() -> tuple[FakeStripe, ThreadingHTTPServer]:
    fake = FakeStripe()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            form = parse_qs(body or parts.query, keep_blank_values=True)
            fake.requests.append(Recorded(self.command, parts.path, form, dict(self.headers.items())))
            status, answer = fake.answer(self.command, parts.path, form)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{next(_ids)}")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _handle

        def log_message(self, message: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server


def subscription(
    sub_id: str,
    *,
    status: str,
    price: str,
    code: str,
    customer: str = "cus_known",
    period_end: int | None = None,
    cancel_at_period_end: bool = False,
) -> dict[str, Any]:
    """A subscription as Stripe's current API version shapes it (the period on its item)."""
    now = int(time.time())
    return {
        "id": sub_id,
        "object": "subscription",
        "status": status,
        "customer": customer,
        "cancel_at_period_end": cancel_at_period_end,
        "metadata": {"government_code": code},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": f"si_{sub_id}",
                    "object": "subscription_item",
                    "price": {"id": price, "object": "price", "currency": "idr"},
                    "current_period_start": now,
                    "current_period_end": period_end or now + 30 * 86_400,
                }
            ],
        },
    }


def event(kind: str, obj: dict[str, Any], *, created: int | None = None, event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_test{next(_ids)}",
        "object": "event",
        "type": kind,
        "created": created or int(time.time()),
        "livemode": False,
        "api_version": "2026-10-28.endive",
        "data": {"object": obj},
    }


def signed(payload: dict[str, Any], *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[str, str]:
    """The body and its Stripe-Signature header, as Stripe signs them."""
    body = json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp or int(time.time()))
    return body, header
