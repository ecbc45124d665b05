"""The map's precomputed cells follow every change of the index, and the grid they give equals
the grid counted from the index rows themselves."""

from __future__ import annotations

from typing import Any

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import official_of
from tests.warga.reports.helpers import BANDUNG_POINT, submit
from warga.intake.models import MapCell, ReportIndex
from warga.intake.selectors.feed import BoundingBox, _feed_rows, _grid_from_rows, reports_feed_grid
from warga.intake.services import map_cells_recount
from warga.reports.services import report_transition

LAT, LON = BANDUNG_POINT
CITY = BoundingBox(south=-6.97, west=107.55, north=-6.84, east=107.74)


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings: Any) -> None:
    settings.WARGA_INTAKE_RATE_LIMITS = ((3600, 1000),)


def _cells(status: str) -> int:
    return sum(MapCell.objects.filter(level=8, status=status).values_list("reports", flat=True))


def test_cells_follow_submissions_status_changes_and_deletions(bandung: Government) -> None:
    reporter = UserFactory()
    number = submit(reporter).tracking_number
    submit(reporter, privacy="rahasia")
    assert (_cells("received"), _cells("verified")) == (1, 0)  # rahasia is never counted

    with government_context(bandung):
        report_transition(acting_user=official_of(bandung), tracking_number=number, to_status="verified")
    assert (_cells("received"), _cells("verified")) == (0, 1)

    ReportIndex.objects.filter(tracking_number=number).delete()
    assert _cells("verified") == 0


def test_the_grid_from_cells_equals_the_grid_from_the_rows(bandung: Government) -> None:
    reporter = UserFactory()
    for step in range(12):
        submit(
            reporter,
            latitude=LAT + (step % 4) * 0.01,
            longitude=LON + (step // 4) * 0.033,
            category_code=("sampah", "jalan_rusak")[step % 2],
        )
    submit(reporter, privacy="rahasia")

    # Every point is inside the box: then the edge cells, counted whole, hold nothing more.
    for categories in (None, ["sampah"]):
        from_cells = reports_feed_grid(bbox=CITY, categories=categories)
        rows = _feed_rows(bbox=CITY, since=None, statuses=None, categories=categories)
        from_rows = _grid_from_rows(rows, from_cells.cell_degrees)
        assert from_cells == from_rows
    assert reports_feed_grid(bbox=CITY).total == 12
    assert reports_feed_grid(bbox=CITY, categories=["sampah"]).total == 6


def test_a_box_finer_than_the_cells_is_counted_from_the_rows(bandung: Government) -> None:
    reporter = UserFactory()
    for _ in range(3):
        submit(reporter)
    tiny = BoundingBox(south=LAT - 0.001, west=LON - 0.001, north=LAT + 0.001, east=LON + 0.001)
    grid = reports_feed_grid(bbox=tiny)
    assert grid.cell_degrees < 2**-8
    assert grid.total == 3


def test_a_recount_gives_back_the_cells_the_trigger_kept(bandung: Government) -> None:
    reporter = UserFactory()
    for step in range(5):
        submit(reporter, latitude=LAT + step * 0.02, category_code=("sampah", "jalan_rusak")[step % 2])
    submit(reporter, privacy="rahasia")
    kept = sorted(
        MapCell.objects.filter(reports__gt=0).values_list(
            "level", "cell_row", "cell_col", "status", "category_code", "reports"
        )
    )

    # A bulk load with the trigger off leaves the cells behind the index; the recount catches up.
    MapCell.objects.all().delete()
    assert map_cells_recount() == len(kept)
    again = sorted(MapCell.objects.values_list("level", "cell_row", "cell_col", "status", "category_code", "reports"))
    assert again == kept
    assert sum(reports for level, *_, reports in again if level == 8) == 5  # rahasia is never counted
