"""Session activity ("last seen", address, browser) recorded at most once a minute per session.

allauth's own `UserSessionsMiddleware` writes the session's row on every signed-in request:
a transaction of three to four statements, about a quarter of a report submission's SQL
(docs/performance.md, intake). The session list shows "last seen" to the minute at best, and
sign-in records a new session key at once (allauth's `user_logged_in` receiver), so nothing a
person sees changes when the row is refreshed once a minute instead.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.usersessions import app_settings
from allauth.usersessions.models import UserSession
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

ACTIVITY_INTERVAL_SECONDS = 60


def activity_mark_key(session_key: str) -> str:
    """The `shared` cache key that says a session's activity was recorded in the last minute."""
    return f"usersession-seen:{session_key}"


class UserSessionsActivityMiddleware:
    """Replaces allauth's UserSessionsMiddleware (same conditions, same write), throttled.

    The mark lives in the `shared` cache under the session key: with Redis configured it is
    one mark for every web process; with the local-memory cache each process refreshes the
    row at most once a minute. A session key not seen before (a new sign-in, a rotated key)
    is recorded on its first request, as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            app_settings.TRACK_ACTIVITY
            and session is not None
            and session.session_key
            and user is not None
            and user.is_authenticated
            and caches["shared"].add(activity_mark_key(session.session_key), 1, ACTIVITY_INTERVAL_SECONDS)
        ):
            UserSession.objects.create_from_request(request)
        return self.get_response(request)
