from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """The production hasher is slow on purpose; these tests check the flow, not the hash cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings: Any, tmp_path: Any) -> None:
    """Exports are written to the default storage; each test gets its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
