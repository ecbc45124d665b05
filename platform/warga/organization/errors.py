"""Refusals of the organisation services, each with a message in Bahasa Indonesia first."""

from __future__ import annotations


class OrganizationError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class OrganizationInvalid(OrganizationError):
    """An input the service cannot accept; `field` names it. Nothing was written."""

    def __init__(self, field: str, code: str, message: str) -> None:
        self.field = field
        self.code = code
        super().__init__(message)


class OrganizationNotFound(OrganizationError):
    """No such unit, position, membership or invitation in this government."""


class InvitationUnavailable(OrganizationError):
    """The invitation exists but can no longer be used: `state` is expired, revoked or accepted."""

    def __init__(self, state: str, message: str) -> None:
        self.state = state
        super().__init__(message)


class InvitationEmailMismatch(OrganizationError):
    """The signed-in account does not own the invited address."""


class InvitationRateLimited(OrganizationError):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"Terlalu banyak undangan dikirim. Coba lagi dalam {retry_after} detik. "
            f"(Too many invitations sent; try again in {retry_after} seconds.)"
        )
