"""docs/api.md cannot rot: every `sh` and `python` block in it runs against a live server, and
its output must match the `text` block shown after it (`...` stands for anything).

The shell blocks run in order in one bash (so `export`ed variables carry on), with the port of
the live server for 8000; a `python3 deploy/dev.py manage ...` command is run here first with
call_command (its Python equivalent, on the test database, without starting Django again) and
the shell prints what it printed. The Python blocks run one by one in this process (the socket
functions they may patch are put back). The doc's actors exist for the
run: Kota Bandung's admin koordinator with a session (`$SESSION`, `$CSRF`) and a citizen with the
email and password the doc signs in with. The anonymous API budget is lowered so the throttle
example reaches 429 quickly. Everything written is removed afterwards.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.utils.crypto import get_random_string

from tenants.context import government_context
from tenants.models import Government
from tests.e2e.sessions import signed_in_session
from tests.e2e.test_report_wizard import _remove_reports
from tests.personas import membership_in, verified_user, with_totp
from warga.access.models import ApiKey
from warga.accounts.models import User
from warga.intake.models import ReportIndex
from warga.organization.models import Membership
from warga.reports.models import TrackingCounter

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "api.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
MARK = "@@@ block {} @@@"
MANAGE = re.compile(r"python3 deploy/dev\.py manage ((?:[^|\n\\]|\\\n)+)")
CITIZEN_EMAIL = "warga.skrip@example.org"


def blocks(text: str) -> list[tuple[str, str, str | None]]:
    """(language, code, the output shown after it or None) for every sh and python block."""
    found = [(m.group(1), m.group(2)) for m in BLOCK.finditer(text)]
    runnable = []
    for index, (language, code) in enumerate(found):
        if language in ("sh", "python"):
            after = found[index + 1] if index + 1 < len(found) else None
            runnable.append((language, code, after[1] if after and after[0] == "text" else None))
    return runnable


def matches(expected: str, actual: str) -> bool:
    """Line by line, trailing spaces ignored, `...` standing for anything."""
    pattern = ".*?".join(re.escape(part) for part in expected.rstrip().split("..."))
    lines = "\n".join(line.rstrip() for line in actual.rstrip().splitlines())
    return re.fullmatch(pattern, lines, re.DOTALL) is not None


def _manage_outputs(code: str, folder: Path) -> str:
    """Run each `python3 deploy/dev.py manage ...` of `code` here with call_command and put
    `cat <its output>` in its place."""

    def run(match: re.Match[str]) -> str:
        arguments = shlex.split(match.group(1).replace("\\\n", " "))
        printed = io.StringIO()
        call_command(*arguments, stdout=printed)
        target = folder / f"manage-{len(list(folder.glob('manage-*')))}.txt"
        target.write_text(printed.getvalue(), encoding="utf-8")
        return f"cat {target} "

    return MANAGE.sub(run, code)


def _run_python(code: str) -> tuple[bool, str]:
    printed = io.StringIO()
    getaddrinfo = socket.getaddrinfo
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "docs/api.md", "exec"), {"__name__": "__main__"})  # noqa: S102
    except Exception as error:
        return False, f"{printed.getvalue()}{type(error).__name__}: {error}"
    finally:
        socket.getaddrinfo = getaddrinfo
    return True, printed.getvalue()


@pytest.fixture
def doc_actors(committed_db: None, settings: Any) -> Iterator[dict[str, str]]:
    """The doc's people and a low anonymous API budget; afterwards every report, key, account
    and session made during the run is removed and Bandung's tracking counters restored."""
    bandung = Government.objects.get(code="32.73")
    with government_context(bandung):
        counters = dict(TrackingCounter.objects.values_list("year", "last_value"))
    last_index = ReportIndex.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_key = ApiKey.objects.order_by("-id").values_list("id", flat=True).first() or 0
    admin = with_totp(verified_user(f"admin-dok-{get_random_string(6).lower()}@bandung.go.id"))
    membership_in(bandung, admin)
    citizen = verified_user(CITIZEN_EMAIL)
    rates = django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | {"anonymous": "20/minute"}
    settings.REST_FRAMEWORK = django_settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}
    yield {"SESSION": signed_in_session(admin), "CSRF": get_random_string(32)}
    numbers = list(ReportIndex.objects.filter(id__gt=last_index).values_list("tracking_number", flat=True))
    _remove_reports(numbers)
    with government_context(bandung):
        TrackingCounter.objects.exclude(year__in=counters).delete()
        for year, last_value in counters.items():
            TrackingCounter.objects.filter(year=year).update(last_value=last_value)
        Membership.objects.filter(user_id=admin.pk).delete()
    keys = ApiKey.objects.filter(id__gt=last_key)
    accounts = list(keys.values_list("account_id", flat=True))
    keys.delete()
    people = [admin.pk, citizen.pk, *accounts]
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) in {str(pk) for pk in people}:
            session.delete()
    User.objects.filter(pk__in=people).delete()
    connection.close()


def test_every_example_in_the_api_guide_runs_as_shown(
    site_port: int, doc_actors: dict[str, str], tmp_path: Path
) -> None:
    if shutil.which("curl") is None:
        pytest.skip("the guide's shell examples use curl, which is not installed (apt-get install curl)")
    examples = blocks(DOC.read_text(encoding="utf-8"))
    assert sum(language == "sh" for language, _, _ in examples) >= 9
    assert sum(language == "python" for language, _, _ in examples) >= 4

    def here(code: str) -> str:
        return code.replace(":8000", f":{site_port}")

    failures = []
    # The Python examples first: the shell's last example spends the anonymous budget.
    for index, (language, code, shown) in enumerate(examples):
        if language == "python":
            ran, printed = _run_python(here(code))
            if not ran or (shown is not None and not matches(shown, printed)):
                failures.append(f"python block {index}:\n{code}\n--- printed:\n{printed}")
    caches["shared"].delete("throttle_anonymous_127.0.0.1")

    shell = "\n".join(
        f"printf '\\n{MARK.format(index)}\\n'\n{_manage_outputs(here(code), tmp_path)}"
        for index, (language, code, _) in enumerate(examples)
        if language == "sh"
    )
    done = subprocess.run(
        ["bash", "-c", shell],
        cwd=tmp_path,
        env={**os.environ, **doc_actors},
        capture_output=True,
        text=True,
        timeout=120,
    )
    printed = dict(re.findall(r"^@@@ block (\d+) @@@\n(.*?)(?=^@@@ block|\Z)", done.stdout, re.MULTILINE | re.DOTALL))
    for index, (language, code, shown) in enumerate(examples):
        if language == "sh" and shown is not None and not matches(shown, printed.get(str(index), "")):
            failures.append(f"sh block {index}:\n{code}\n--- printed:\n{printed.get(str(index))}")
    assert failures == [], "\n\n".join(failures) + f"\n--- shell's errors:\n{done.stderr}"


def test_the_output_check_notices_a_difference() -> None:
    assert matches('{"status":"received","at":"..."}', '{"status":"received","at":"2026-03-02"}\n')
    assert not matches('{"status":"received"}', '{"status":"verified"}')
    assert not matches("200", "200\n500")
    assert blocks("```sh\ncurl x\n```\n\n```text\nok\n```\n```python\nprint(1)\n```\n") == [
        ("sh", "curl x\n", "ok\n"),
        ("python", "print(1)\n", None),
    ]
