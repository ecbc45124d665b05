from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_citizen_fixtures(settings: Any, tmp_path: Any) -> None:
    """Accounts here only need to exist; reports need no real rate limit; photos go to a
    temporary directory."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WARGA_INTAKE_RATE_LIMITS = ((3600, 1000),)
    settings.MEDIA_ROOT = tmp_path / "media"
