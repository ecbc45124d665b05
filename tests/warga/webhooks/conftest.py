from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.warga.webhooks.receiver import Receiver


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    """A local receiver; deliveries to this machine over http allowed, as in development."""
    settings.WARGA_WEBHOOKS_ALLOW_LOCAL = True
    running = Receiver()
    yield running
    running.close()
