"""The refusals of the report domain, in Warga's one error family (warga.errors)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from warga.errors import Conflict, FieldError, Invalid, Message, NotFound, WargaError

__all__ = ["FieldError", "InvalidTransition", "ReportError", "ReportInvalid", "ReportNotFound"]


class ReportError(WargaError):
    """Base of the refusals about one report."""


class ReportInvalid(ReportError, Invalid):
    """Input that cannot be accepted; `errors` maps each field to what is wrong with it."""

    default_message = _("The report cannot be processed yet: check the marked fields.")

    def __init__(self, errors: dict[str, list[FieldError]], message: Message | None = None) -> None:
        super().__init__(message, fields=errors)

    @property
    def errors(self) -> dict[str, list[FieldError]]:
        return self.fields or {}

    @classmethod
    def single(cls, field: str, code: str, message: Message) -> ReportInvalid:
        return cls({field: [FieldError(code, str(message))]})


class ReportNotFound(ReportError, NotFound):
    default_message = _("No report with that number was found.")


class InvalidTransition(ReportError, Conflict):
    """A status change the lifecycle does not allow from the report's current status."""

    code = "invalid_transition"

    def __init__(self, *, current: str, requested: str, allowed: Iterable[str]) -> None:
        self.current = current
        self.requested = requested
        self.allowed = tuple(allowed)
        options = ", ".join(self.allowed) if self.allowed else "tidak ada (status akhir)"
        super().__init__(
            f"Status laporan tidak dapat diubah dari '{current}' ke '{requested}'. Status berikutnya yang "
            f"diizinkan: {options}."
        )

    def details(self) -> dict[str, object]:
        return {"current": self.current, "allowed": list(self.allowed)}
