"""The refusals of billing's services, each with a message a person can act on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warga.errors import FieldError, Invalid, Message, NotFound, Unavailable, WargaError


class BillingError(WargaError):
    def __init__(self, message: Message, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message, fields={field: [FieldError("invalid", str(message))]} if field else None)


class BillingInvalid(BillingError, Invalid):
    """The input cannot be used (a bad NPWP, a plan not offered)."""


class BillingUnavailable(BillingError, Unavailable):
    """Stripe could not be reached or answered with an error: nothing was changed."""

    default_message = _("The payment service cannot be reached right now. Nothing was changed; please try again later.")


class BillingNotFound(BillingError, NotFound):
    """No such object for this government (another government's checkout, say)."""
