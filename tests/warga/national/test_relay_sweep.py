"""The relay's backstop visits only governments whose outbox holds unrelayed events."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants import selectors as tenant_selectors
from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import submit
from warga.outbox.models import OutboxEvent
from warga.outbox.selectors import governments_with_pending_relay


def _relayed(government: Government) -> None:
    with government_context(government):
        OutboxEvent.objects.filter(relayed_at__isnull=True).update(relayed_at=timezone.now())


def test_only_governments_with_waiting_events_are_found(
    bandung: Government, jakarta: Government, national: Government
) -> None:
    candidates = [bandung, jakarta, national]
    for government in candidates:
        _relayed(government)
    assert governments_with_pending_relay(candidates) == []

    submit(UserFactory())  # a report in Kota Bandung writes its submission event
    assert governments_with_pending_relay(candidates) == [bandung]
    _relayed(bandung)
    assert governments_with_pending_relay(candidates) == []


def test_the_probe_is_one_statement_per_chunk_of_schemas(
    bandung: Government, jakarta: Government, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit(UserFactory())
    _relayed(jakarta)
    monkeypatch.setattr(tenant_selectors, "PROBE_CHUNK", 1)
    with CaptureQueriesContext(connection) as one_each:
        found = governments_with_pending_relay([jakarta, bandung, jakarta])
    assert found == [bandung]
    assert len(_probes(one_each)) == 3
    monkeypatch.setattr(tenant_selectors, "PROBE_CHUNK", 200)
    with CaptureQueriesContext(connection) as together:
        assert governments_with_pending_relay([jakarta, bandung, jakarta]) == [bandung]
    assert len(_probes(together)) == 1


def _probes(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if "reports_outbox" in query["sql"]]
