"""The one door to Stripe's API: a client built from the settings, and Stripe objects read
back as plain dictionaries. Every call site catches `stripe.StripeError`."""

from __future__ import annotations

import functools
from typing import Any

import stripe
from django.conf import settings


def stripe_client() -> stripe.StripeClient:
    """A client for the configured key. The API base is Stripe's, or WARGA_STRIPE_API_BASE, or
    whatever `stripe.api_base` was pointed at (a stand-in server)."""
    return _client(
        settings.WARGA_STRIPE_SECRET_KEY,
        settings.WARGA_STRIPE_API_BASE or stripe.api_base,
        settings.WARGA_STRIPE_NETWORK_RETRIES,
    )


@functools.lru_cache(maxsize=4)
def _client(key: str, base: str, retries: int) -> stripe.StripeClient:
    # One per configuration and process: each client holds an HTTP connection pool.
    return stripe.StripeClient(key, base_addresses={"api": base}, max_network_retries=retries)


def as_dict(obj: Any) -> dict[str, Any]:
    """A Stripe object (or a dictionary already) as a plain dictionary."""
    if isinstance(obj, stripe.StripeObject):
        return obj.to_dict()
    return dict(obj)
