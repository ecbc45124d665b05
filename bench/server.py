"""The project served as in production (gunicorn, several workers, DEBUG off) on loopback, and a
sequential client that measures request latency against it."""

from __future__ import annotations

import http.client
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from harness import Scratch, logged_process, percentile


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    port: int
    # gunicorn's master process (its workers are its children); 0 when not known.
    pid: int = 0

    def get(self, host: str, path: str) -> tuple[int, float]:
        """One request on a fresh connection (gunicorn's sync workers close after each)."""
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Host": host})
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        return response.status, time.perf_counter() - started

    def post(self, host: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
        """One POST on a fresh connection; status and seconds until the whole answer was read."""
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("POST", path, body=body, headers={"Host": host} | headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        return response.status, time.perf_counter() - started


@contextmanager
def gunicorn(
    scratch: Scratch, *, workers: int = 2, timeout: int = 30, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """gunicorn over `scratch`; `timeout` is gunicorn's worker timeout (seconds), raised by
    benchmarks whose slowest request may exceed its default of 30; `env` replaces the scratch
    database's environment (`scratch.env(...)` with settings of the benchmark's own)."""
    port = free_port()
    log_path = scratch.var_dir / f"gunicorn-{port}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        str(timeout),
    ]
    try:
        with logged_process(command, env=env or scratch.env(), log_path=log_path, stop_timeout=20) as process:
            server = Server(port, pid=process.pid)
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    log = log_path.read_text(errors="replace")[-4000:]
                    raise RuntimeError(f"gunicorn exited at start-up:\n{log}")
                try:
                    server.get("localhost", "/healthz")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("gunicorn did not answer within 60 s") from None
                    time.sleep(0.2)
            yield server
    finally:
        lines = log_path.read_text(errors="replace").splitlines()
        if lines:
            print(f"  gunicorn on {port} logged {len(lines)} lines; last: {lines[-1][:300]}", flush=True)


@dataclass(frozen=True)
class Latency:
    p50: float
    p95: float
    statuses: dict[int, int]

    def describe(self) -> str:
        return f"p50 {self.p50 * 1000:.1f} ms, p95 {self.p95 * 1000:.1f} ms, statuses {self.statuses}"


def sample(targets: list[tuple[Server, str, str]], *, requests: int, warmup: int) -> list[Latency]:
    """Latency of each (server, host, path), requested round-robin so load from elsewhere on the
    machine hits all of them alike."""
    for _ in range(warmup):
        for server, host, path in targets:
            server.get(host, path)
    seconds: list[list[float]] = [[] for _ in targets]
    statuses: list[dict[int, int]] = [{} for _ in targets]
    for _ in range(requests):
        for index, (server, host, path) in enumerate(targets):
            status, elapsed = server.get(host, path)
            seconds[index].append(elapsed)
            statuses[index][status] = statuses[index].get(status, 0) + 1
    return [
        Latency(percentile(values, 0.50), percentile(values, 0.95), status)
        for values, status in zip(seconds, statuses, strict=True)
    ]
