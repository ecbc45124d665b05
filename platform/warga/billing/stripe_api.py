"""The one door to Stripe's API: a client built from the settings, and Stripe objects read
back as plain dictionaries. Every call site catches `stripe.StripeError`."""

from __future__ import annotations

from typing import Any

import stripe
from django.conf import settings


def stripe_client() -> stripe.StripeClient:
    """A client for the configured key. The API base is Stripe's, or WARGA_STRIPE_API_BASE, or
    whatever `stripe.api_base` was pointed at (a stand-in server)."""
    return stripe.StripeClient(
        settings.WARGA_STRIPE_SECRET_KEY,
        base_addresses={"api": settings.WARGA_STRIPE_API_BASE or stripe.api_base},
        max_network_retries=settings.WARGA_STRIPE_NETWORK_RETRIES,
    )


def as_dict(obj: Any) -> dict[str, Any]:
    """A Stripe object (or a dictionary already) as a plain dictionary."""
    if isinstance(obj, stripe.StripeObject):
        return obj.to_dict()
    return dict(obj)
