"""Refusals of the organisation services, each with a message in Bahasa Indonesia first."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warga.errors import Conflict, FieldError, Forbidden, Invalid, Message, NotFound, TooManyRequests, WargaError


class OrganizationError(WargaError):
    """Base of the organisation's refusals."""


class OrganizationInvalid(OrganizationError, Invalid):
    """An input the service cannot accept; `field` names it. Nothing was written."""

    def __init__(self, field: str, code: str, message: Message) -> None:
        self.field = field
        self.field_code = code
        super().__init__(message, fields={field: [FieldError(code, str(message))]})


class OrganizationNotFound(OrganizationError, NotFound):
    """No such unit, position, membership or invitation in this government."""

    default_message = _("Not found in this government.")


class InvitationUnavailable(OrganizationError, Conflict):
    """The invitation exists but can no longer be used: `state` is expired, revoked or accepted."""

    default_message = _("This invitation can no longer be used.")

    def __init__(self, state: str, message: Message) -> None:
        self.state = state
        super().__init__(message, code=f"invitation_{state}")


class InvitationEmailMismatch(OrganizationError, Forbidden):
    """The signed-in account does not own the invited address."""

    code = "email_mismatch"
    default_message = _("This invitation was sent to another email address.")


class InvitationRateLimited(OrganizationError, TooManyRequests):
    default_message = _("Too many invitations sent. Please try again later.")

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Terlalu banyak undangan dikirim. Coba lagi dalam {retry_after} detik. "
            f"(Too many invitations sent; try again in {retry_after} seconds.)",
            retry_after=retry_after,
        )
