from __future__ import annotations

import pytest

from tenants.models import Government
from tests.personas import membership_in, verified_user, with_totp
from warga.accounts.models import User


@pytest.fixture
def admin(bandung: Government) -> User:
    """Bandung's admin koordinator, with TOTP."""
    user = with_totp(verified_user("admin@bandung.go.id", full_name="Asep Sunandar"))
    membership_in(bandung, user)
    return user


@pytest.fixture
def lurah(bandung: Government) -> User:
    user = with_totp(verified_user("lurah@bandung.go.id"))
    membership_in(bandung, user, kind="lurah")
    return user
