from __future__ import annotations

from typing import Any

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import BANDUNG_POINT, BANDUNG_VILLAGE, JAKARTA_POINT, JAKARTA_VILLAGE, submit
from warga.intake.selectors import reports_similar_before_submit
from warga.reports.models import Report

# ~50 m and ~300 m north of the reported point.
NEAR = (BANDUNG_POINT[0] + 0.00045, BANDUNG_POINT[1])
FAR = (BANDUNG_POINT[0] + 0.0027, BANDUNG_POINT[1])
TEXT = "Ada jalan berlubang besar di depan sekolah"


def _similar(**overrides: Any) -> list[tuple[str, float]]:
    query: dict[str, Any] = {
        "village_code": BANDUNG_VILLAGE,
        "category_code": "jalan_rusak",
        "latitude": NEAR[0],
        "longitude": NEAR[1],
        "description": TEXT,
    } | overrides
    return [(r.tracking_number, r.distance_m) for r in reports_similar_before_submit(**query)]


def test_similar_open_report_nearby_is_offered_with_its_distance(bandung: Government) -> None:
    number = submit(UserFactory()).tracking_number
    submit(UserFactory(), description="Lampu taman di ujung gang mati total sejak Senin.")
    found = _similar()
    assert [n for n, _ in found] == [number]
    assert 45 <= found[0][1] <= 55


@pytest.mark.parametrize(
    "overrides",
    [
        {"latitude": FAR[0], "longitude": FAR[1]},
        {"category_code": "sampah"},
        {"description": "Pohon tumbang menutup seluruh badan jalan"},
        {"village_code": JAKARTA_VILLAGE, "latitude": JAKARTA_POINT[0], "longitude": JAKARTA_POINT[1]},
        {"village_code": "99.99.99.9999"},
    ],
    ids=["too far", "other category", "other problem", "other government", "unknown village"],
)
def test_nothing_is_offered_when_it_is_not_the_same_problem_here(
    bandung: Government, jakarta: Government, overrides: dict[str, Any]
) -> None:
    submit(UserFactory())
    assert _similar(**overrides) == []


@pytest.mark.parametrize(("field", "value"), [("privacy", "rahasia"), ("status", "closed")])
def test_hidden_or_finished_reports_are_not_offered(bandung: Government, field: str, value: str) -> None:
    submit(UserFactory())
    with government_context(bandung):
        Report.objects.update(**{field: value})
    assert _similar() == []
