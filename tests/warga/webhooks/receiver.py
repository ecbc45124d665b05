"""A webhook receiver for the tests: a local HTTP server that verifies every delivery's
signature the way docs/webhooks.md tells integrators to, and answers with planned statuses."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300) -> bool:
    """The verification of docs/webhooks.md, as a receiver writes it."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    timestamp, received = parts.get("t", ""), parts.get("v1", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def document(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


class Receiver:
    """Answers each POST with the next planned status (the last one repeats) and keeps what it
    was sent, with whether the signature verified under `secret`."""

    def __init__(self) -> None:
        self.secret = ""
        self.statuses: list[int] = [200]
        self.received: list[Received] = []
        # Called (in the server's thread) with each request, before it is answered.
        self.on_request: Callable[[], None] | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                verified = verify(receiver.secret, self.headers.get("Warga-Signature", ""), body)
                receiver.received.append(Received(headers=dict(self.headers.items()), body=body, verified=verified))
                if receiver.on_request is not None:
                    receiver.on_request()
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                if not verified:
                    status = 401
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender is gone (killed mid-delivery)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/warga"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def local_receiver(settings: Any) -> Iterator[Receiver]:
    """A running receiver on this machine, which deliveries may reach (as in development)."""
    settings.WARGA_WEBHOOKS_ALLOW_LOCAL = True
    running = Receiver()
    try:
        yield running
    finally:
        running.close()
