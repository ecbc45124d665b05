"""Reads of a government's privacy (tenant scope): its settings, a report's privacy level and
the log of who saw a `rahasia` reporter."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from tenants.scope import tenant_scoped
from warga.accounts.models import User
from warga.personal_data_registry import ERASED_USER_ID
from warga.privacy.models import IdentityView, PrivacySettings
from warga.reports.models import Report


@tenant_scoped
def privacy_settings_current() -> PrivacySettings:
    """The current government's settings; defaults (no DPO named yet) when none are saved."""
    return PrivacySettings.objects.first() or PrivacySettings()


@tenant_scoped
def identity_viewer_kind_current() -> str:
    """The seat kind the current government designated to reveal who sent a `rahasia` report
    (what `warga.access.policy` decides `identity.reveal` with)."""
    return privacy_settings_current().identity_viewer_kind


@tenant_scoped
def report_privacy_here(*, tracking_number: str) -> str | None:
    """The privacy level of the current government's report with this number; None when the
    report is not this government's (or does not exist). The caller decided who may ask."""
    return Report.objects.filter(tracking_number=tracking_number).values_list("privacy", flat=True).first()


@dataclass(frozen=True)
class IdentityLook:
    viewed_at: datetime.datetime
    reason: str
    # The official's name (or address when no name is kept); "(akun dihapus)" once erased.
    actor: str


@tenant_scoped
def identity_views_for_report(*, tracking_number: str) -> list[IdentityLook]:
    """Every look at the reporter of this report of the current government, newest first,
    with who looked: two queries however many looks (the accounts live in `public`)."""
    looks = list(IdentityView.objects.filter(tracking_number=tracking_number).order_by("-viewed_at", "-id"))
    actor_ids = {look.actor_id for look in looks} - {ERASED_USER_ID}
    names = {
        user_id: full_name or email
        for user_id, full_name, email in User.objects.filter(pk__in=actor_ids).values_list("id", "full_name", "email")
    }
    return [
        IdentityLook(viewed_at=look.viewed_at, reason=look.reason, actor=names.get(look.actor_id, "(akun dihapus)"))
        for look in looks
    ]
