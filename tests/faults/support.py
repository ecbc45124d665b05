"""The parts the fault tests break on purpose: a TCP proxy that can be cut, a real web server,
citizens signed in through it, and the count a fault test prints.

The proxy stands between the application and a server it needs (RabbitMQ, PostgreSQL): cut, it
closes every connection it carries and refuses new ones, which is what a client sees when that
server stops or restarts; restored, it listens again on the same port. The shared servers
themselves are never touched (docs/decisions/0063).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import config.settings
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE

PUBLIC_HOST = "localhost"
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TcpProxy:
    """127.0.0.1:`port` forwarded to 127.0.0.1:`target` (a port) or to the Unix socket `target`
    (a path, as the embedded PostgreSQL of the test command listens), one thread per direction."""

    def __init__(self, target: int | str) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        """Listen again (on the same port): the server is back."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(0.05)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and drop every open one: the server has stopped."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            carried, self._sockets = self._sockets, set()
        for each in carried:
            _close(each)

    def close(self) -> None:
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = self._connect_upstream()
            except OSError:
                _close(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    _close(client)
                    _close(upstream)
                    return
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _connect_upstream(self) -> socket.socket:
        if isinstance(self.target, int):
            return socket.create_connection(("127.0.0.1", self.target), timeout=5)
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        upstream.settimeout(5)
        try:
            upstream.connect(self.target)
        except OSError:
            upstream.close()
            raise
        return upstream

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        with self._lock:
            self._sockets -= {source, sink}
        _close(source)
        _close(sink)


def stopped(process: subprocess.Popen[bytes]) -> None:
    """Ask `process` to stop (SIGTERM); kill it if it has not within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _close(each: socket.socket) -> None:
    with suppress(OSError):
        each.shutdown(socket.SHUT_RDWR)
    each.close()


@dataclass
class Web:
    """A gunicorn serving the project, its output collected in memory (never into a file the
    server writes itself: a test may limit the size of files the server may write)."""

    port: int
    process: subprocess.Popen[bytes]
    output: list[str] = field(default_factory=list)

    def log(self) -> str:
        return "".join(self.output)

    def wait_ready(self) -> None:
        """Until the server answers a request."""
        deadline = time.monotonic() + START_SECONDS
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start within {START_SECONDS} s. Its output:\n{self.log()}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", "/healthz", headers={"Host": PUBLIC_HOST})
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
            finally:
                connection.close()


@contextmanager
def web_running(
    environment: dict[str, str], *, preexec_fn: Callable[[], None] | None = None, wait: bool = True
) -> Iterator[Web]:
    """gunicorn (one process of four threads, DEBUG off) on a free port with `environment`, ready
    when this yields (unless not to `wait`: then the caller calls `wait_ready`, having started
    other processes meanwhile); stopped afterwards."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--workers",
        "1",
        "--threads",
        "4",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "30",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(
        command,
        cwd=config.settings.BASE_DIR,
        env=os.environ | {"DJANGO_DEBUG": "0"} | environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=preexec_fn,
    )
    web = Web(port=port, process=process)
    assert process.stdout is not None
    stdout = process.stdout

    def collect() -> None:
        for line in stdout:
            web.output.append(line.decode(errors="replace"))

    threading.Thread(target=collect, daemon=True).start()
    try:
        if wait:
            web.wait_ready()
        yield web
    finally:
        stopped(process)
        stdout.close()


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass(frozen=True)
class Citizen:
    user_id: uuid.UUID
    session_key: str


def citizen_signed_in(user: Any) -> Citizen:
    """A session for `user` written as `django.contrib.auth.login` writes one (no sign-in form:
    the tests are about intake)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    user.refresh_from_db()  # the session hash is of the password the server will read
    store = SessionStore()
    store.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    store.set_expiry(settings.SESSION_COOKIE_AGE)
    store.create()
    assert store.session_key is not None
    return Citizen(user_id=user.pk, session_key=store.session_key)


def _multipart(fields: dict[str, str], photos: list[bytes]) -> tuple[bytes, str]:
    boundary = f"warga{secrets.token_hex(8)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for number, photo in enumerate(photos, start=1):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="foto-{number}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + photo
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def submit_over_http(web: Web, citizen: Citizen, *, idempotency_key: str, photos: list[bytes]) -> Answer:
    """POST one report to the public host's API as `citizen`; a connection that fails is status 0."""
    from django.conf import settings

    body, content_type = _multipart(
        {
            "type": "pengaduan",
            "category_code": "jalan_rusak",
            "description": "Jalan berlubang di depan pasar, membahayakan pengendara motor.",
            "latitude": str(BANDUNG_POINT[0]),
            "longitude": str(BANDUNG_POINT[1]),
            "village_code": BANDUNG_VILLAGE,
            "privacy": "publik",
        },
        photos,
    )
    csrf = secrets.token_hex(16)
    headers = {
        "Host": PUBLIC_HOST,
        "Content-Type": content_type,
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={citizen.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
        "Referer": f"http://{PUBLIC_HOST}/",
        "Idempotency-Key": idempotency_key,
    }
    connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=60)
    try:
        connection.request("POST", "/api/v1/reports/", body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
    except OSError:
        return Answer(status=0, body={}, headers={})
    finally:
        connection.close()
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        parsed = {"raw": raw[:500].decode(errors="replace")}
    return Answer(status=response.status, body=parsed, headers={k.lower(): v for k, v in response.getheaders()})


def say(test: str, **counts: object) -> None:
    """The line every fault test prints: what it sent and what arrived (shown with -s or -rA)."""
    print(f"\n[fault] {test}: " + ", ".join(f"{name}={value}" for name, value in counts.items()))


def media_files(root: Path, prefix: str) -> list[Path]:
    """Every file under MEDIA_ROOT/`prefix`."""
    folder = root / prefix
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []
