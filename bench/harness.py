"""What every benchmark shares: the scratch database, commands run against it, results and the
summary table.

A benchmark never touches the database named by DATABASE_URL: it only borrows that server to
create its own scratch database, which is dropped at the end whatever happens.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
MANAGE = ROOT / "manage.py"


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p50 = median of the sorted sample, p95 = its 95th value)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


@dataclass
class Result:
    """One line of the summary. `ratio` is figure / baseline, both measured in the same run."""

    name: str
    figure: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.figure / self.baseline  # type: ignore[operator]


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    return f"{text} {unit}".strip()


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, result: Result) -> Result:
        self.results.append(result)
        ratio = "-" if result.ratio is None else f"{result.ratio:.2f}"
        verdict = "" if result.met is None else ("  MET" if result.met else "  NOT MET")
        baseline = f" | baseline {result.baseline_label}: {_number(result.baseline, result.unit)}"
        print(
            f"  -> {result.name}: {_number(result.figure, result.unit)}"
            + (baseline if result.baseline is not None else "")
            + f" | ratio {ratio}"
            + (f" | target {result.target}{verdict}" if result.target else ""),
            flush=True,
        )
        return result

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)

    def summary(self) -> str:
        header = ("benchmark", "figure", "baseline", "ratio", "target", "met?")
        rows = [
            (
                r.name,
                _number(r.figure, r.unit),
                "-" if r.baseline is None else f"{_number(r.baseline, r.unit)} ({r.baseline_label})",
                "-" if r.ratio is None else f"{r.ratio:.2f}",
                r.target or "-",
                "-" if r.met is None else ("yes" if r.met else "NO"),
            )
            for r in self.results
        ]
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        lines = [" | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)) for row in [header, *rows]]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        return "\n".join(lines + [f"note: {n}" for n in self.notes])


@dataclass
class Scratch:
    """A scratch database and everything needed to run the project's commands against it."""

    url: str
    name: str
    var_dir: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.url,
            WARGA_VAR_DIR=str(self.var_dir),
            DJANGO_DEBUG="0",
            WARGA_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.url, autocommit=True)

    def manage(self, *args: str, env: dict[str, str] | None = None, check: bool = True) -> Timed:
        """Run `manage.py <args>` against the scratch database; wall time includes start-up."""
        return run_timed([sys.executable, str(MANAGE), *args], env=env or self.env(), check=check)

    def probe(self, *args: str) -> Timed:
        """Run bench/probe.py (measurements that need Django in-process) against the scratch db."""
        return run_timed([sys.executable, str(ROOT / "bench" / "probe.py"), *args], env=self.env())


@dataclass
class Timed:
    seconds: float
    stdout: str
    stderr: str
    returncode: int


def run_timed(command: list[str], *, env: dict[str, str], check: bool = True) -> Timed:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    timed = Timed(time.perf_counter() - started, done.stdout, done.stderr, done.returncode)
    if check and done.returncode != 0:
        errors = [line for line in (done.stdout + done.stderr).splitlines() if "rror" in line or "xception" in line]
        raise RuntimeError(
            f"`{' '.join(command[1:])}` failed with exit code {done.returncode}:\n"
            + "\n".join(dict.fromkeys(errors[:40]))
            + f"\n...\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return timed


@contextmanager
def logged_process(
    command: list[str], *, env: dict[str, str], log_path: Path, stop_timeout: float = 30
) -> Iterator[subprocess.Popen[str]]:
    """A background process (server, worker, beat) whose output goes to `log_path`, never to a
    pipe nobody reads while it runs: a full pipe blocks the process at its next log line.
    Terminated on the way out, killed if it has not stopped within `stop_timeout` seconds."""
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _processes() -> tuple[dict[int, int], dict[int, float], set[int]]:
    """Every process's parent and CPU seconds (user + system) so far, and which belong to the
    PostgreSQL server; read from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    postgres: set[int] = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # gone since the listing
            continue
        # The command's name is in parentheses and may hold spaces; the fields follow it.
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        used[pid] = (int(fields[11]) + int(fields[12])) / tick
        if name.startswith("postgres"):
            postgres.add(pid)
    return parents, used, postgres


def process_tree(root: int, parents: dict[int, int] | None = None) -> list[int]:
    """`root` and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, parent in (parents if parents is not None else _processes()[0]).items():
        children.setdefault(parent, []).append(pid)
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, []))
    return tree


def cpu_seconds(roots: dict[str, int], alone: dict[str, int] | None = None) -> dict[str, float]:
    """CPU seconds (user + system) used so far by each process of `roots` together with all its
    descendants, by each process of `alone` without them (the benchmark itself, whose children
    are the servers it measures), by every process of the PostgreSQL server ("postgres"), and by
    the machine's cores together ("machine"). The difference of two readings is a phase's CPU by
    part."""
    parents, used, postgres = _processes()
    readings = {label: sum(used.get(pid, 0.0) for pid in process_tree(root, parents)) for label, root in roots.items()}
    readings |= {label: used.get(pid, 0.0) for label, pid in (alone or {}).items()}
    readings["postgres"] = sum(used[pid] for pid in postgres)
    tick = os.sysconf("SC_CLK_TCK")
    times = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    readings["machine"] = (sum(times) - times[3] - times[4]) / tick  # all but idle and iowait
    return readings


def cpu_difference(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {label: after[label] - before.get(label, 0.0) for label in after}


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@contextmanager
def scratch_database(server_url: str, *, suite: str, template: str | None = None) -> Iterator[Scratch]:
    """Create `warga_bench_<pid>_<suite>` on the server of `server_url` (a copy of the database
    `template` when given, else empty); drop it on the way out."""
    name = f"warga_bench_{os.getpid()}_{suite}"
    admin_url = _with_database(server_url, "postgres")
    var_dir = Path(tempfile.mkdtemp(prefix="warga-bench-"))
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create = sql.SQL("{} TEMPLATE {}").format(create, sql.Identifier(template))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(create)
    print(f"scratch database {name} created" + (f" from {template}" if template else ""), flush=True)
    try:
        yield Scratch(url=_with_database(server_url, name), name=name, var_dir=var_dir)
    finally:
        # FORCE ends any connection a crashed benchmark left behind (PostgreSQL 13+).
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        shutil.rmtree(var_dir, ignore_errors=True)
        print(f"scratch database {name} dropped", flush=True)


@contextmanager
def migrated_database(server_url: str) -> Iterator[Scratch]:
    """The starting point every suite shares, built once per run: the schema migrated
    (`migrate_fleet` on an empty database) and the region data imported. Each suite's scratch
    databases are copies of it (`CREATE DATABASE ... TEMPLATE`, a file copy: a second or two
    instead of the ~20 s of migrating and importing again)."""
    with scratch_database(server_url, suite="migrated") as base:
        migrated = base.manage("migrate_fleet")
        imported = base.manage("import_regions")
        print(
            f"  {base.name}: migrate_fleet on an empty database {migrated.seconds:.1f} s, "
            f"import_regions {imported.seconds:.1f} s",
            flush=True,
        )
        yield base


@dataclass
class Context:
    """What a suite gets: the size, which benchmarks to report, its scratch database, the report."""

    size: str
    only: set[str]
    scratch: Scratch
    report: Report
    server_url: str
    suite: str
    # The migrated database with the region data that every scratch database is a copy of.
    template: str
    # Suite options from the command line (bench/run.py), e.g. the intake series.
    options: dict[str, Any] = field(default_factory=dict)

    def another_scratch(self, label: str) -> AbstractContextManager[Scratch]:
        """A second scratch database for the same suite (also migrated, with the region data),
        dropped at the end."""
        return scratch_database(self.server_url, suite=f"{self.suite}_{label}", template=self.template)

    @property
    def large(self) -> bool:
        return self.size == "large"

    def wants(self, name: str) -> bool:
        return not self.only or name in self.only


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)
