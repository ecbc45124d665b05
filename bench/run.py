"""Warga's benchmarks: one command, every figure printed with a baseline measured in the same run.

    python bench/run.py [--size small|large] [--only NAME ...]
    python bench/run.py --only intake [--broker NAME ...] [--worker-processes N ...]
                        [--gunicorn-workers N ...] [--repeat N]     # the intake series
                        [--backlog REPORTS [--skip-load]]        # a queued backlog drained
                        [--pause-workers]                        # the web alone while intake runs

Run it from the project's virtual environment with DATABASE_URL naming any database on the
PostgreSQL server to use; that database is never touched: the run migrates one scratch database
(`warga_bench_<pid>_migrated`, with the region data) and each suite works on its own copy of it
(`warga_bench_<pid>_<suite>`) on the same server; all are dropped at the end, also on failure.
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import delivery
import feed
import inbox
import intake
import national
import tenancy
from harness import Context, Report, migrated_database, scratch_database


@dataclass(frozen=True)
class Suite:
    """A group of benchmarks sharing one scratch database and its set-up."""

    name: str
    benchmarks: tuple[str, ...]
    run: Callable[[Context], None]


# A new suite is added here: a module with NAMES and run(ctx).
SUITES = [
    Suite("tenancy", tenancy.NAMES, tenancy.run),
    Suite("intake", intake.NAMES, intake.run),
    Suite("delivery", delivery.NAMES, delivery.run),
    Suite("map", feed.NAMES, feed.run),
    Suite("inbox", inbox.NAMES, inbox.run),
    Suite("national", national.NAMES, national.run),
]


def main() -> int:
    every = [name for suite in SUITES for name in suite.benchmarks]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["small", "large"], default="small")
    parser.add_argument("--only", action="append", default=[], choices=every, metavar="NAME", help=", ".join(every))
    intake_options = parser.add_argument_group("intake", "the intake suite's series (docs/performance.md, scaling)")
    intake_options.add_argument("--broker", action="append", default=[], choices=["filesystem", "amqp"])
    intake_options.add_argument(
        "--worker-processes", action="append", type=int, default=[], help="urgent worker processes (default 2)"
    )
    intake_options.add_argument("--gunicorn-workers", action="append", type=int, default=[], help="(default 4)")
    intake_options.add_argument("--repeat", type=int, default=1, help="each configuration this many times")
    intake_options.add_argument(
        "--backlog", type=int, default=0, help="reports queued with no worker, then drained (per broker)"
    )
    intake_options.add_argument("--skip-load", action="store_true", help="no load series (with --backlog)")
    intake_options.add_argument(
        "--pause-workers",
        action="store_true",
        help="stop the workers while intake runs (the web alone, as with the workers on other machines)",
    )
    arguments = parser.parse_args()
    options = {
        "brokers": arguments.broker,
        "worker_processes": arguments.worker_processes or [2],
        "gunicorn_workers": arguments.gunicorn_workers or [4],
        "repeat": arguments.repeat,
        "backlog": arguments.backlog,
        "skip_load": arguments.skip_load,
        "pause_workers": arguments.pause_workers,
    }

    # A terminated run still drops its scratch databases and stops its servers (finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        parser.error(
            "DATABASE_URL is not set: point it at any database on the PostgreSQL server to use, e.g. "
            "DATABASE_URL=postgresql://postgres@localhost:5432/warga (a scratch database is created beside it)."
        )
    cores = os.cpu_count()
    print(f"Warga benchmarks, size {arguments.size}, {cores} cores, Python {platform.python_version()}", flush=True)
    report = Report()
    started = time.perf_counter()
    failed = False
    chosen = [suite for suite in SUITES if not arguments.only or set(arguments.only) & set(suite.benchmarks)]
    durations: dict[str, float] = {}
    with migrated_database(server_url) as base:
        durations["migrated database"] = time.perf_counter() - started
        for suite in chosen:
            began = time.perf_counter()
            try:
                with scratch_database(server_url, suite=suite.name, template=base.name) as scratch:
                    context = Context(
                        arguments.size, set(arguments.only), scratch, report, server_url, suite.name, base.name, options
                    )
                    suite.run(context)
            except Exception as error:
                failed = True
                print(f"\nsuite {suite.name} failed: {error}", file=sys.stderr, flush=True)
            durations[suite.name] = time.perf_counter() - began
    report.note("wall time: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in durations.items()))
    print(f"\nSummary (size {arguments.size}, {time.perf_counter() - started:.0f} s)\n", flush=True)
    print(report.summary(), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
