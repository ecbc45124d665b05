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
refusal, it propagates as an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Message = str | Promise


@dataclass(frozen=True)
class FieldError:
    """One problem with one input: a stable code for programs, a sentence for people."""

    code: str
    message: str


class WargaError(Exception):
    """Base of every refusal by Warga's services."""

    code: str = "refused"
    http_status: ClassVar[int] = 400
    default_message: ClassVar[Message] = _("The request cannot be processed.")

    def __init__(
        self,
        message: Message | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[FieldError]] | None = None,
    ) -> None:
        # Kept as given: a class default is a lazy translation, read in the language of whoever
        # reads `message` (the request being answered).
        self._message: Message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.fields: dict[str, list[FieldError]] | None = (
            {name: list(errors) for name, errors in fields.items()} if fields is not None else None
        )
        super().__init__(self._message)

    @property
    def message(self) -> str:
        return str(self._message)

    def __str__(self) -> str:
        return self.message

    @classmethod
    def on_field(cls, field: str, message: str, *, code: str = "invalid", **kwargs: Any) -> WargaError:
        """This refusal, pinned to one input (`field`) with its own `code`."""
        return cls(message, fields={field: [FieldError(code, message)]}, **kwargs)

    def details(self) -> dict[str, Any]:
        """Keys the error body carries beside code, message and fields (e.g. `retry_after`)."""
        return {}

    def headers(self) -> dict[str, str]:
        return {}


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


class Defect(WargaError, RuntimeError):
    """A bug in the caller or in stored data, not something the person asking can fix: it is
    logged and answered as a server error, never as a refusal."""

    code = "defect"
    http_status = 500
    default_message = _("Something went wrong on our side.")


class WrongScope(Defect):
    """A service or selector called outside the schema it works in (a public-scoped service in
    a government's schema, or the other way round)."""

    code = "wrong_scope"


def all_error_classes() -> list[type[WargaError]]:
    """Every WargaError subclass defined so far (import the apps first)."""
    found: list[type[WargaError]] = []
    pending: list[type[WargaError]] = [WargaError]
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found
