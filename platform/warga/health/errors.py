"""Error reports to Sentry, only when SENTRY_DSN is set, with personal data scrubbed.

Citizens' names, emails, phone numbers, descriptions and places are personal data under
UU 27/2022, and an error tracker is a third party outside Indonesia unless self-hosted. So the
SDK never sends default personal data, and `scrub` removes what could still carry some before
an event leaves: request bodies, cookies, query strings and headers other than a few technical
ones, every local variable, the user except their id, and email addresses and phone numbers
from every string left (messages, exception values, a command's arguments).
"""

from __future__ import annotations

import re
from typing import Any

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(\+62|\b62|\b0)8\d[\d\s-]{6,13}\d")
_KEPT_HEADERS = {"host", "user-agent", "content-type", "content-length", "accept-language"}
_REDACTED = "[disaring]"


def _clean(text: str) -> str:
    return PHONE.sub(_REDACTED, EMAIL.sub(_REDACTED, text))


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's before_send (and before_send_transaction): the event without personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {name: value for name, value in headers.items() if name.lower() in _KEPT_HEADERS}
        if "url" in request:
            request["url"] = str(request["url"]).split("?", 1)[0]
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for entry in (event.get("exception") or {}).get("values") or []:
        for frame in (entry.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        crumb.pop("data", None)
    # Whatever is left (messages, exception values, a command's arguments in extra.sys.argv,
    # source lines): no email address or phone number in any string.
    return _cleaned(event)


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


def error_reports_start(*, dsn: str, environment: str) -> None:
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,  # type: ignore[arg-type]  # an Event is a dict
        before_send_transaction=scrub,  # type: ignore[arg-type]
        traces_sample_rate=0.0,
    )
