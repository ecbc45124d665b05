"""Every reader and port that an app hands over in its AppConfig.ready() (decision 0131) is
there once Django has started: a missing one would otherwise surface only on the first request
that asks for it."""

from __future__ import annotations

import dataclasses

from warga.access import facts
from warga.reports import ports


def test_every_policy_fact_has_its_reader() -> None:
    missing = [
        field.name for field in dataclasses.fields(facts._readers) if getattr(facts._readers, field.name) is None
    ]
    assert missing == []


def test_reports_services_have_both_sides_of_their_ports() -> None:
    assert ports.routing() is not None
    assert ports.index() is not None
    missing = [field.name for field in dataclasses.fields(ports._sides) if getattr(ports._sides, field.name) is None]
    assert missing == []
