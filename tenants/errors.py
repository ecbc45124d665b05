"""The base of Warga's error family, kept in the bottom layer so that `tenants` can raise it too.

`warga.errors` re-exports everything here and adds the refusal kinds (Invalid, Forbidden,
NotFound, ...); services import the family from there. What lives here is what tenancy itself
needs: the base `WargaError`, `Defect` (a bug, answered as a 500) and `WrongScope`, raised by the
scope declarations in `tenants.scope` (decision 0115).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = ["Defect", "FieldError", "Message", "WargaError", "WrongScope"]

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
