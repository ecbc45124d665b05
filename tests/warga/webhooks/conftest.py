from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.warga.webhooks.receiver import Receiver, local_receiver


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    with local_receiver(settings) as running:
        yield running
