"""Triage desk tasks: offers to a government that just became ready (in the desk's schema)
and the daily reminder of offers still waiting (public schema).

The registered names keep the `national.` prefix they had when the desk lived in
warga.national: beat's schedule, the queue classification and any message already queued on a
running deployment refer to them (docs/decisions/0110)."""

from __future__ import annotations

from celery import shared_task

from tenants.models import Government
from tenants.tasks import PublicTask, TenantRequiredTask
from warga.triage.services import offers_for_government, offers_remind


@shared_task(
    name="national.offers_for_government",
    base=TenantRequiredTask,
    ignore_result=True,
    acks_late=True,
    autoretry_for=(Exception,),
    max_retries=5,
    retry_backoff=True,
    time_limit=300,
    soft_time_limit=270,
)
def triage_offers_for_government(government_id: int) -> int:
    """Tenant scope (the national government's schema, where the desk's reports are): offer
    the desk's pending reports to the government that just became ready; returns how many
    offers were made. Idempotent: each report is offered to a government once."""
    government = Government.objects.filter(pk=government_id).first()
    if government is None:
        return 0
    return offers_for_government(government=government)


@shared_task(base=PublicTask, name="national.offers_remind", ignore_result=True, time_limit=300, soft_time_limit=270)
def triage_offers_remind() -> int:
    """Public scope, once for the country (beat, daily): remind each ready government's deciders
    of offers still pending, at most once a week per person; returns how many governments."""
    return offers_remind()
