"""A real HTTP server for tests: Django's live-server thread, started without pytest-django's
`live_server` (which needs `transactional_db` and so empties every table afterwards)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread


@contextmanager
def live_http_server(django_db_blocker: Any) -> Iterator[int]:
    """The port of a live server on localhost; any `<slug>.localhost:<port>` reaches it."""
    # A request thread can outlive its request (browsers keep connections alive) holding a
    # persistent database connection, which then blocks dropping the test database. Close every
    # connection at the end of its request while this server runs.
    database = connections["default"].settings_dict
    max_age = database["CONN_MAX_AGE"]
    database["CONN_MAX_AGE"] = 0
    with django_db_blocker.unblock():
        server = LiveServerThread("localhost", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield server.port
        finally:
            server.terminate()
            database["CONN_MAX_AGE"] = max_age
