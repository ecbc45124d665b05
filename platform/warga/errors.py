"""The one family of refusals that Warga's services raise (decision 0095).

Every error a service or selector raises is a `WargaError`: a stable `code` for programs, a
`message` a person can act on (in the language of the request: class defaults are lazy
translations; messages built at the raise site are written Bahasa Indonesia first), optional
`fields` (input name → what is wrong with it) and the HTTP meaning, `http_status`. The API has
one exception handler that turns any of them into its error body (api/v1/errors.py); the pages
show the same `message`.

The kinds below carry the HTTP meaning; each app's errors subclass the kind that fits, so a new
refusal needs no change to the API. `http_status` 500 marks a defect in the caller (a service
called in the wrong schema, an outbox row that cannot be relayed): it is never answered as a
refusal, it propagates as an error. The base and those two defects are defined in
`tenants.errors` and re-exported here: import the family from this module.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

# The base, `Defect` and `WrongScope` live in the bottom layer, where the scope declarations of
# `tenants.scope` raise them (decision 0115); they are Warga's errors like the kinds below.
from tenants.errors import Defect, FieldError, Message, WargaError, WrongScope

__all__ = [
    "Conflict",
    "Defect",
    "FieldError",
    "Forbidden",
    "Invalid",
    "Message",
    "NotFound",
    "TooManyRequests",
    "Unavailable",
    "Unprocessable",
    "UpstreamFailed",
    "WargaError",
    "WrongScope",
    "all_error_classes",
]


class Invalid(WargaError):
    """Input that cannot be accepted; nothing was written."""

    code = "invalid"
    default_message = _("The request cannot be processed yet: check the marked fields.")


class Forbidden(WargaError):
    code = "forbidden"
    http_status = 403
    default_message = _("You may not do this.")


class NotFound(WargaError):
    code = "not_found"
    http_status = 404
    default_message = _("Not found.")


class Conflict(WargaError):
    """The request is well formed but the state of things does not allow it now."""

    code = "conflict"
    http_status = 409
    default_message = _("This cannot be done in the current state.")


class Unprocessable(WargaError):
    code = "unprocessable"
    http_status = 422
    default_message = _("The request cannot be processed.")


class TooManyRequests(WargaError):
    """A limit was reached; `retry_after` says in how many seconds to try again."""

    code = "rate_limited"
    http_status = 429
    default_message = _("Too many requests. Please try again later.")

    def __init__(self, message: Message | None = None, *, retry_after: int, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)

    def details(self) -> dict[str, Any]:
        return {"retry_after": self.retry_after}

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class Unavailable(WargaError):
    """Something Warga depends on is not there now; trying again later may work."""

    code = "unavailable"
    http_status = 503
    default_message = _("This is not available right now. Please try again later.")
    retry_after_seconds: ClassVar[int] = 60

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class UpstreamFailed(WargaError):
    """A service outside Warga (an SMS, WhatsApp or push gateway, Stripe) did not take the
    request."""

    code = "upstream_failed"
    http_status = 502
    default_message = _("A service Warga relies on did not answer as expected. Please try again later.")


def all_error_classes() -> list[type[WargaError]]:
    """Every WargaError subclass defined so far (import the apps first)."""
    found: list[type[WargaError]] = []
    pending: list[type[WargaError]] = [WargaError]
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found
