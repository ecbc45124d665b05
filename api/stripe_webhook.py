"""Stripe's webhook on the public host (`/stripe/webhook/`).

The signature is verified on the raw body with the endpoint's secret and a tolerance (an old
signed body replayed later is refused); the event is then stored once by its id and processed
in a task (warga.billing). A bad signature is a 400 and nothing is stored.
"""

from __future__ import annotations

import json
import logging

import stripe
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from warga.billing.selectors import billing_enabled
from warga.billing.services import stripe_event_record

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    if not billing_enabled() or not settings.WARGA_STRIPE_WEBHOOK_SECRET:
        return JsonResponse({"error": "Billing is off on this installation."}, status=404)
    payload = request.body
    try:
        stripe.Webhook.construct_event(
            payload,
            request.headers.get("Stripe-Signature", ""),
            settings.WARGA_STRIPE_WEBHOOK_SECRET,
            tolerance=settings.WARGA_STRIPE_WEBHOOK_TOLERANCE,
        )
        event = json.loads(payload)
        if (
            not isinstance(event, dict)
            or not isinstance(event.get("id"), str)
            or not isinstance(event.get("created"), int)
        ):
            raise ValueError("not a Stripe event")
    except stripe.SignatureVerificationError:
        logger.warning("Stripe webhook refused: the signature does not verify")
        return JsonResponse({"error": "The Stripe-Signature header does not verify."}, status=400)
    except ValueError:
        return JsonResponse({"error": "The body is not a Stripe event."}, status=400)
    new = stripe_event_record(payload=event)
    return JsonResponse({"received": True, "duplicate": not new})
