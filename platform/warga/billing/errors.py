"""The refusals of billing's services, each with a message a person can act on."""

from __future__ import annotations


class BillingError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class BillingInvalid(BillingError):
    """The input cannot be used (a bad NPWP, a plan not offered)."""


class BillingUnavailable(BillingError):
    """Stripe could not be reached or answered with an error: nothing was changed."""


class BillingNotFound(BillingError):
    """No such object for this government (another government's checkout, say)."""
