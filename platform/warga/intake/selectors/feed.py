"""The public map and feed, read from the public index alone (docs/decisions/0010-public-map-feed.md):
one query per page whatever the page size or the number of governments in the box, and
nothing personal in it."""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, FloatField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Floor

from tenants.scope import public_scoped
from warga.intake.models import MAP_CELL_LEVELS, MapCell, ReportIndex
from warga.reports.errors import ReportInvalid
from warga.reports.lifecycle import OPEN_STATUSES, Status
from warga.reports.models import Privacy

DEFAULT_FEED_MAX_BBOX_DEGREES = 2.0
FEED_PAGE_MAX = 100


@dataclass(frozen=True)
class BoundingBox:
    south: float
    west: float
    north: float
    east: float


@dataclass(frozen=True)
class FeedItem:
    """A report on the public map: what, where, how far along; never who or the text."""

    tracking_number: str
    government_code: str | None
    type: str
    category_code: str
    privacy: str
    status: str
    latitude: float
    longitude: float
    created_at: datetime


@dataclass(frozen=True)
class FeedPage:
    items: tuple[FeedItem, ...]
    next_cursor: str | None


def _feed_cursor_encode(created_at: datetime, index_id: int) -> str:
    raw = f"{created_at.isoformat()}|{index_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _feed_cursor_decode(cursor: str) -> tuple[datetime, int]:
    refused = ReportInvalid.single(
        "cursor", "invalid", "Kursor halaman tidak dikenali. Mulai lagi dari halaman pertama (tanpa cursor)."
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, index_id = raw.split("|")
        parsed, number = datetime.fromisoformat(at), int(index_id)
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise refused from error
    if parsed.tzinfo is None:
        raise refused
    return parsed, number


def _feed_bbox_check(bbox: BoundingBox) -> None:
    limit = float(getattr(settings, "WARGA_FEED_MAX_BBOX_DEGREES", DEFAULT_FEED_MAX_BBOX_DEGREES))
    values = (bbox.south, bbox.west, bbox.north, bbox.east)
    if not all(math.isfinite(v) for v in values):
        problem = "Koordinat bbox harus berupa angka."
    elif not (-90 <= bbox.south <= 90 and -90 <= bbox.north <= 90):
        problem = "Lintang bbox (selatan, utara) harus di antara -90 dan 90."
    elif not (-180 <= bbox.west <= 180 and -180 <= bbox.east <= 180):
        problem = "Bujur bbox (barat, timur) harus di antara -180 dan 180."
    elif bbox.south >= bbox.north or bbox.west >= bbox.east:
        problem = "Urutan bbox adalah selatan,barat,utara,timur: selatan < utara dan barat < timur."
    elif bbox.north - bbox.south > limit or bbox.east - bbox.west > limit:
        problem = f"Area bbox terlalu luas: paling besar {limit:g} derajat per sisi. Perbesar peta (zoom in)."
    else:
        return
    raise ReportInvalid.single("bbox", "invalid_bbox", problem)


def _feed_rows(
    *,
    bbox: BoundingBox,
    since: datetime | None,
    statuses: Collection[str] | None,
    categories: Collection[str] | None,
) -> QuerySet[ReportIndex]:
    """The index rows in the box matching the filters, unordered; checks every argument."""
    _feed_bbox_check(bbox)
    wanted = set(OPEN_STATUSES if statuses is None else statuses)
    unknown = sorted(wanted - set(Status.values))
    if unknown:
        raise ReportInvalid.single(
            "status",
            "unknown_status",
            f"Status tidak dikenal: {', '.join(unknown)}. Pilih dari: {', '.join(Status.values)}.",
        )
    # Withdrawn reports are their reporter's alone (see hidden_from_public), whatever is asked.
    wanted.discard(Status.WITHDRAWN)
    rows = ReportIndex.objects.filter(
        latitude__range=(bbox.south, bbox.north),
        longitude__range=(bbox.west, bbox.east),
        # Sorted: the default list then matches the open-reports index's condition exactly.
        status__in=sorted(wanted),
    ).order_by()
    if categories is not None:
        rows = rows.filter(category_code__in=sorted(set(categories)))
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    return rows


@public_scoped
def reports_feed(
    *,
    bbox: BoundingBox,
    since: datetime | None = None,
    statuses: Collection[str] | None = None,
    categories: Collection[str] | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> FeedPage:
    """Reports in a bounding box for the public map, newest first, across every government.

    `statuses` defaults to the open ones; `since` keeps only reports sent from then on.
    Pages are keyset-paginated on (created_at, index id): a report arriving while someone
    pages does not shift the pages they have not read yet. `rahasia` reports (the index holds
    no location for them) and withdrawn ones are never in it. `categories` keeps only those category
    codes (any when None). Raises ReportInvalid for a bad or too large box, an unknown
    status or a cursor this function did not make. Edges are inclusive.
    """
    limit = max(1, min(limit, FEED_PAGE_MAX))
    rows = _feed_rows(bbox=bbox, since=since, statuses=statuses, categories=categories).exclude(privacy=Privacy.RAHASIA)
    if cursor:
        at, index_id = _feed_cursor_decode(cursor)
        rows = rows.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=index_id))
    # The box's range already leaves out rows without a location (rahasia).
    page = list(
        rows.order_by("-created_at", "-id").values(
            "id",
            "tracking_number",
            "government__code",
            "type",
            "category_code",
            "privacy",
            "status",
            "latitude",
            "longitude",
            "created_at",
        )[: limit + 1]
    )
    has_more = len(page) > limit
    page = page[:limit]
    items: list[FeedItem] = []
    for row in page:
        latitude, longitude = row["latitude"], row["longitude"]
        assert latitude is not None and longitude is not None  # noqa: PT018 -- inside the box
        items.append(
            FeedItem(
                tracking_number=row["tracking_number"],
                government_code=row["government__code"],
                type=row["type"],
                category_code=row["category_code"],
                privacy=row["privacy"],
                status=row["status"],
                latitude=latitude,
                longitude=longitude,
                created_at=row["created_at"],
            )
        )
    next_cursor = _feed_cursor_encode(page[-1]["created_at"], page[-1]["id"]) if has_more else None
    return FeedPage(items=tuple(items), next_cursor=next_cursor)


# --- Counts per grid cell for a box holding more than one page ----------------------------------
# A map zoomed out over a city at 1 M reports must not read every row in it in date order
# (docs/decisions/0035-map-grid-counts.md): first an unordered probe of one page plus one row
# tells whether the box holds more than a page, then one aggregate counts the box per cell.

FEED_GRID_CELLS_PER_SIDE = 12


@dataclass(frozen=True)
class FeedCell:
    """One grid cell with reports: its bounds, the mean point of its reports, how many."""

    south: float
    west: float
    north: float
    east: float
    latitude: float
    longitude: float
    count: int


@dataclass(frozen=True)
class FeedGrid:
    cells: tuple[FeedCell, ...]
    total: int
    cell_degrees: float


@dataclass(frozen=True)
class FeedAnswer:
    """What the map asks for: the reports themselves when the box holds at most one page,
    else counts per grid cell (`grid` set, `page` None)."""

    page: FeedPage | None
    grid: FeedGrid | None


def _cell_degrees(bbox: BoundingBox, cells_per_side: int) -> float:
    """A power-of-two fraction of a degree, so that cells line up on one grid over the whole
    country and do not shift when the map pans by a little."""
    side = max(bbox.north - bbox.south, bbox.east - bbox.west) / cells_per_side
    return float(2.0 ** math.ceil(math.log2(max(side, 2.0**-12))))


@public_scoped
def reports_feed_grid(
    *,
    bbox: BoundingBox,
    since: datetime | None = None,
    statuses: Collection[str] | None = None,
    categories: Collection[str] | None = None,
    cells_per_side: int = FEED_GRID_CELLS_PER_SIDE,
) -> FeedGrid:
    """Open (or `statuses`) public reports in the box counted per grid cell, densest first.

    Same filters and checks as `reports_feed`. The cells lie on a grid aligned on whole
    multiples of the cell size, about `cells_per_side` across the box's longer side. The
    counts come from the precomputed map cells (`MapCell`, kept by the database in the same
    transaction as the index) at the coarsest level no coarser than the grid, so the cost
    depends on the box's size, not on how many reports are in it; a cell of that level on the
    box's edge counts whole. Only a grid finer than the finest level (a box of a few hundred
    metres) or a `since` filter reads the index rows themselves. `rahasia` reports are never
    counted (no location in the index, and the cells skip them too).
    """
    rows = _feed_rows(bbox=bbox, since=since, statuses=statuses, categories=categories)
    size = _cell_degrees(bbox, cells_per_side)
    levels = [level for level in MAP_CELL_LEVELS if 2.0**-level <= size]
    if since is not None or not levels:
        return _grid_from_rows(rows, size)
    level = min(levels)
    scale = 2**level
    per_cell = float(size * scale)  # stored cells per grid cell side (a power of two)
    cells = MapCell.objects.filter(
        level=level,
        cell_row__range=(math.floor(bbox.south * scale), math.floor(bbox.north * scale)),
        cell_col__range=(math.floor(bbox.west * scale), math.floor(bbox.east * scale)),
        # Withdrawn reports are their reporter's alone, as in _feed_rows.
        status__in=sorted(set(OPEN_STATUSES if statuses is None else statuses) - {Status.WITHDRAWN}),
        reports__gt=0,
    )
    if categories is not None:
        cells = cells.filter(category_code__in=sorted(set(categories)))
    counted = (
        cells.annotate(
            grid_row=Floor(Cast("cell_row", FloatField()) / Value(per_cell)),
            grid_col=Floor(Cast("cell_col", FloatField()) / Value(per_cell)),
        )
        .values("grid_row", "grid_col")
        .annotate(count=Sum("reports"), latitude_total=Sum("latitude_sum"), longitude_total=Sum("longitude_sum"))
        .order_by("-count", "grid_row", "grid_col")
    )
    return _grid(
        [
            (int(row["grid_row"]), int(row["grid_col"]), row["count"], row["latitude_total"], row["longitude_total"])
            for row in counted
        ],
        size,
    )


def _grid_from_rows(rows: QuerySet[ReportIndex], size: float) -> FeedGrid:
    counted = (
        rows.annotate(
            cell_row=Floor(F("latitude") / Value(size)),
            cell_col=Floor(F("longitude") / Value(size)),
        )
        .values("cell_row", "cell_col")
        .annotate(count=Count("*"), latitude_total=Sum("latitude"), longitude_total=Sum("longitude"))
        .order_by("-count", "cell_row", "cell_col")
    )
    return _grid(
        [
            (int(row["cell_row"]), int(row["cell_col"]), row["count"], row["latitude_total"], row["longitude_total"])
            for row in counted
        ],
        size,
    )


def _grid(counted: list[tuple[int, int, int, float, float]], size: float) -> FeedGrid:
    cells = tuple(
        FeedCell(
            south=cell_row * size,
            west=cell_col * size,
            north=(cell_row + 1) * size,
            east=(cell_col + 1) * size,
            latitude=round(latitude_total / count, 6),
            longitude=round(longitude_total / count, 6),
            count=count,
        )
        for cell_row, cell_col, count, latitude_total, longitude_total in counted
    )
    return FeedGrid(cells=cells, total=sum(cell.count for cell in cells), cell_degrees=size)


@public_scoped
def reports_feed_or_grid(
    *,
    bbox: BoundingBox,
    since: datetime | None = None,
    statuses: Collection[str] | None = None,
    categories: Collection[str] | None = None,
    limit: int = 50,
) -> FeedAnswer:
    """The first page of `reports_feed` when the box holds at most `limit` reports, else
    `reports_feed_grid`'s counts: what a map view asks, so that no view reads more than a
    page of rows in date order. Raises ReportInvalid like `reports_feed`."""
    limit = max(1, min(limit, FEED_PAGE_MAX))
    rows = _feed_rows(bbox=bbox, since=since, statuses=statuses, categories=categories)
    # Unordered, it stops at the (limit + 1)th row it meets in the index.
    if len(rows.values_list("latitude", flat=True)[: limit + 1]) > limit:
        grid = reports_feed_grid(bbox=bbox, since=since, statuses=statuses, categories=categories)
        return FeedAnswer(page=None, grid=grid)
    page = reports_feed(bbox=bbox, since=since, statuses=statuses, categories=categories, limit=limit)
    return FeedAnswer(page=page, grid=None)
