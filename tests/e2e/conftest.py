"""Pages in a real browser: headless Chromium driven by Playwright, against a real HTTP server
serving the test database.

The server is Django's live-server thread, started here rather than through pytest-django's
`live_server` (which needs `transactional_db` and so empties every table afterwards, taking the
session's governments with it). Browser tests therefore only read what the session set up.

Chromium: `WARGA_CHROMIUM` or the first of chromium/chromium-browser/google-chrome on PATH.
Without one these tests are skipped with that reason, unless `WARGA_REQUIRE_BROWSER=1` (CI sets
it), which turns a missing browser into a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from tests.live_http import live_http_server

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    configured = os.environ.get("WARGA_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    executable = _chromium_path()
    if executable is None:
        message = "no Chromium found: install it (e.g. apt-get install chromium) or set WARGA_CHROMIUM"
        if os.environ.get("WARGA_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django then refuses ORM calls
    # from it (as if they were in async code) although they stay synchronous. Allow them for
    # the browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
            # Database connections opened while Playwright's loop ran live in that loop's
            # context (Django's connection store is context-local), where pytest-django's own
            # teardown cannot see them: close them here, and stop the loop before other tests.
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def site_port(django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    """Port of a live HTTP server on localhost; any `<slug>.localhost:<port>` reaches it."""
    with django_db_blocker.unblock(), live_http_server() as port:
        yield port


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page the size of a cheap Android phone (360x640), Indonesian locale."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="id-ID")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory() -> None:
    """Overrides tests/conftest.py's: the worker and server processes here read the run's media
    folder, so these tests keep it."""
