"""People for access tests: citizens, officials with and without TOTP."""

from __future__ import annotations

import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tenants.context import government_context
from tenants.models import Government
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
    user = User.objects.create_user(email, PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def with_totp(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    return user


def acting_official(*governments: Government) -> User:
    """An admin koordinator seated in each of `governments`, with TOTP active: whom the policy
    lets act on any report there (who else may is tests/api/test_report_actions_policy.py's)."""
    from tests.factories import UserFactory

    user = UserFactory()
    user.save(update_fields=["password"])
    for government in governments:
        membership_in(government, user)
    return with_totp(user)


def seated_official(government: Government, **position: object) -> User:
    """A new account with TOTP, seated since 2024 in the first position of `government`
    matching `position` (e.g. kind=PositionKind.CAMAT, unit__region_code="32.73.01")."""
    from tests.factories import UserFactory

    user = with_totp(UserFactory())
    with government_context(government):
        seat = Position.objects.filter(**position).order_by("id").first()
        assert seat is not None, position
        Membership.objects.create(position=seat, user_id=user.pk, starts_on=datetime.date(2024, 1, 1))
    return user
