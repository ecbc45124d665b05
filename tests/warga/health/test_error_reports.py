"""Error reports leave only with SENTRY_DSN set, and without personal data: a real sentry_sdk in
a separate process sends to a local HTTP server standing in for Sentry, which records them."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RAISE = (
    "import sentry_sdk\n"
    "try:\n"
    "    raise ValueError('Laporan dari budi.santoso@example.id, HP 0812-3456-7890, gagal')\n"
    "except ValueError as error:\n"
    "    sentry_sdk.capture_exception(error)\n"
    "sentry_sdk.flush(5)\n"
)


@pytest.fixture
def sentry_stand_in() -> Iterator[tuple[int, list[bytes]]]:
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def _run(**environment: str) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")} | environment
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", RAISE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_an_error_report_carries_no_email_or_phone(sentry_stand_in: tuple[int, list[bytes]]) -> None:
    port, received = sentry_stand_in
    _run(SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/1", SENTRY_ENVIRONMENT="uji")
    assert received, "nothing reached the stand-in"
    sent = b"".join(received).decode()
    assert "ValueError" in sent
    assert '"environment":"uji"' in sent.replace(" ", "")
    assert "budi.santoso@example.id" not in sent, sent[sent.index("budi") - 300 : sent.index("budi") + 100]
    assert "3456" not in sent
    assert "[disaring]" in sent


def test_without_a_dsn_nothing_is_sent(sentry_stand_in: tuple[int, list[bytes]]) -> None:
    _, received = sentry_stand_in
    _run()
    assert received == []
