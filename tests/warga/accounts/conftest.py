from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _empty_caches() -> Iterator[None]:
    """Rate limits, code budgets, lock-outs and the SMS budget live in the caches, which outlive
    a test: every test starts with none spent."""
    for alias in ("default", "shared"):
        caches[alias].clear()
    yield
    for alias in ("default", "shared"):
        caches[alias].clear()
