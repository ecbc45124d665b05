"""The people of the suite: citizens and officials across governments.

Officials act only with TOTP active and a seat held today (warga.access.policy), so the helpers
here give them both. The `citizen` and `official` fixtures in tests/conftest.py are built from
these; a test that needs someone else (a lurah, a colleague in another unit, an official of
another government) builds them with `seated_official` or `membership_in`.
"""

from __future__ import annotations

import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from warga.accounts.models import User
from warga.organization.models import Membership, Position

PASSWORD = "rahasia-sekali-123"


def membership_in(government: Government, user: User, *, kind: str = "admin_koordinator", **dates: Any) -> Membership:
    """A seat held by `user` in `government` (the seeded root position of that kind)."""
    with government_context(government):
        position = Position.objects.filter(kind=kind).order_by("id").first()
        assert position is not None
        return Membership.objects.create(
            position=position,
            user_id=user.pk,
            starts_on=dates.get("starts_on", datetime.date(2026, 1, 1)),
            ends_on=dates.get("ends_on"),
        )


def verified_user(email: str, **fields: Any) -> User:
    """An account that signs in with PASSWORD, its address verified."""
    user = User.objects.create_user(email, PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def with_totp(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    return user


def official_of(*governments: Government, email: str | None = None) -> User:
    """An admin koordinator seated in each of `governments`, with TOTP active: whom the policy
    lets act on any report there (who else may is tests/api/test_report_actions_policy.py's)."""
    user = UserFactory(**({"email": email} if email else {}))
    # UserFactory skips the save after set_password; a session would not survive without it.
    user.save(update_fields=["password"])
    for government in governments:
        membership_in(government, user)
    return with_totp(user)


def seated_official(government: Government, **position: object) -> User:
    """A new account with TOTP, seated since 2024 in the first position of `government`
    matching `position` (e.g. kind=PositionKind.CAMAT, unit__region_code="32.73.01")."""
    user = with_totp(UserFactory())
    with government_context(government):
        seat = Position.objects.filter(**position).order_by("id").first()
        assert seat is not None, position
        Membership.objects.create(position=seat, user_id=user.pk, starts_on=datetime.date(2024, 1, 1))
    return user
