"""A real HTTP server on localhost serving the test database, for browsers and HTTP clients.

Django's live-server thread, started here rather than through pytest-django's `live_server`
(which needs `transactional_db` and so empties every table afterwards, taking the session's
governments with it). Any `<slug>.localhost:<port>` reaches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread


@contextmanager
def live_http_server() -> Iterator[int]:
    """The port of a live server, stopped on leaving. Database access must be allowed."""
    # A client may keep connections alive, so a request thread can outlive its request holding
    # a persistent database connection, which then blocks dropping the test database. Close
    # every connection at the end of its request while this server runs.
    database = connections["default"].settings_dict
    max_age = database["CONN_MAX_AGE"]
    database["CONN_MAX_AGE"] = 0
    server = LiveServerThread("localhost", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    try:
        if server.error:
            raise server.error
        yield server.port
    finally:
        server.terminate()
        database["CONN_MAX_AGE"] = max_age
