"""Periodic account housekeeping. Public scope: sessions live in `public`."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command

from tenants.context import public_context


@shared_task(name="accounts.sessions_clear", acks_late=True, time_limit=600, soft_time_limit=540)
def sessions_clear_task() -> None:
    """Delete expired sessions (Django's `clearsessions`). Idempotent. A government-host session
    already ends when its central session expires (warga.web.signin); this keeps the
    table from growing and drops the expired rows' personal data."""
    with public_context():
        call_command("clearsessions")
