"""The errors of the report domain. The API maps each type to one response body."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input: a stable code for programs, a sentence for people."""

    code: str
    message: str


class ReportError(Exception):
    """Base of every refusal by the report services; carries a message a user can act on."""

    message = "Permintaan tidak dapat diproses."

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class ReportInvalid(ReportError):
    """Input that cannot be accepted; `errors` maps each field to what is wrong with it."""

    message = "Laporan belum dapat diproses: periksa isian yang ditandai."

    def __init__(self, errors: dict[str, list[FieldError]], message: str | None = None) -> None:
        self.errors = errors
        super().__init__(message)

    @classmethod
    def single(cls, field: str, code: str, message: str) -> ReportInvalid:
        return cls({field: [FieldError(code, message)]})


class ReportNotFound(ReportError):
    message = "Laporan dengan nomor itu tidak ditemukan."


class InvalidTransition(ReportError):
    """A status change the lifecycle does not allow from the report's current status."""

    def __init__(self, *, current: str, requested: str, allowed: Iterable[str]) -> None:
        self.current = current
        self.requested = requested
        self.allowed = tuple(allowed)
        options = ", ".join(self.allowed) if self.allowed else "tidak ada (status akhir)"
        super().__init__(
            f"Status laporan tidak dapat diubah dari '{current}' ke '{requested}'. Status berikutnya yang "
            f"diizinkan: {options}."
        )
