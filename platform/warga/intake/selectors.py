"""Cross-tenant reads for the shared citizen app, always through the public report index.

Each read goes from the index to the one schema that owns a report; nothing here walks
every schema. What leaves these functions for the public never names a reporter.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, FloatField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Floor
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government, Level
from warga.accounts.models import User
from warga.intake.models import MAP_CELL_LEVELS, MapCell, ReportIndex
from warga.intake.reporters import index_entry_is_reporters, index_rows_of
from warga.organization.selectors import unit_name
from warga.regions.models import Village
from warga.regions.selectors import VillageMatch, village_search, villages_by_codes
from warga.reports.errors import ReportInvalid
from warga.reports.lifecycle import OPEN_STATUSES, Status, is_allowed
from warga.reports.models import Privacy, Report, ReportPhoto
from warga.reports.selectors import (
    NearbyReport,
    report_comments,
    report_events,
    report_handling_unit_id,
    report_photos,
    report_supported_by,
    reports_by_ids,
    reports_open_nearby,
)
from warga.reports.services import DISPUTE_WINDOW, WITHDRAW_WINDOW
from warga.routing.selectors import report_running_deadline


def owner_for_village(*, regency_code: str, province_code: str) -> Government | None:
    """The government that owns reports from a village: its regency/city when ready, else its
    province when ready, else the national triage desk (None when even that is not ready)."""
    candidates = {
        government.code: government
        for government in Government.objects.filter(code__in=[regency_code, province_code], is_ready=True)
    }
    owner = candidates.get(regency_code) or candidates.get(province_code)
    if owner is not None:
        return owner
    return Government.objects.filter(level=Level.NATIONAL, is_ready=True).first()


NEAR_POINT_DEGREES = 0.01  # about 1.1 km of latitude


def village_codes_near_point(*, latitude: float, longitude: float, limit: int = 3) -> list[str]:
    """The villages of earlier reports around a point, most reported first: what a citizen
    dropping a pin there most likely means. Only non-rahasia reports (the index keeps no point
    for rahasia ones); one query on the index, then one per owning schema (usually one)."""
    box = ReportIndex.objects.filter(
        latitude__range=(latitude - NEAR_POINT_DEGREES, latitude + NEAR_POINT_DEGREES),
        longitude__range=(longitude - NEAR_POINT_DEGREES, longitude + NEAR_POINT_DEGREES),
    ).order_by("-created_at")
    by_government: dict[int, list[int]] = {}
    governments: dict[int, Government] = {}
    for entry in box.select_related("government")[:50]:
        governments[entry.government_id] = entry.government
        by_government.setdefault(entry.government_id, []).append(entry.report_id)
    tally: dict[str, int] = {}
    for government_id, report_ids in by_government.items():
        with government_context(governments[government_id]):
            for code in reports_by_ids(report_ids=report_ids).values_list("village_code", flat=True):
                tally[code] = tally.get(code, 0) + 1
    return [code for code, _ in sorted(tally.items(), key=lambda item: (-item[1], item[0]))[:limit]]


def villages_offered(
    *, query: str, limit: int, within: str | None = None, point: tuple[float, float] | None = None
) -> list[tuple[VillageMatch, bool]]:
    """Villages matching `query` (the `village_search` selector), those of earlier reports near
    `point` first; each with whether it is one of those near ones."""
    matches = village_search(query=query, limit=limit, within_code=within)
    if point is None:
        return [(match, False) for match in matches]
    text = query.strip().lower()
    near = [
        match
        for match in villages_by_codes(codes=village_codes_near_point(latitude=point[0], longitude=point[1]))
        if text in match.name.lower() and (not within or match.code.startswith(within))
    ]
    near_codes = {match.code for match in near}
    rest = [match for match in matches if match.code not in near_codes][: max(0, limit - len(near))]
    return [(match, True) for match in near] + [(match, False) for match in rest]


def index_for_idempotency_key(*, reporter: User, idempotency_key: str) -> ReportIndex | None:
    return (
        ReportIndex.objects.select_related("government")
        .filter(index_rows_of(reporter.pk), idempotency_key=idempotency_key)
        .first()
    )


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    at: datetime


@dataclass(frozen=True)
class PublicComment:
    role: str
    body: str
    at: datetime


@dataclass(frozen=True)
class PublicPhoto:
    id: int
    # processing: shown as "foto sedang diproses" until the task has made it clean.
    state: str


@dataclass(frozen=True)
class PublicReport:
    """A report as the public may see it: never the reporter's identity."""

    tracking_number: str
    government_code: str | None
    government_name: str
    type: str
    category_code: str
    description: str
    latitude: float
    longitude: float
    province_code: str
    regency_code: str
    district_code: str
    village_code: str
    privacy: str
    status: str
    support_count: int
    created_at: datetime
    timeline: tuple[TimelineEntry, ...]
    photo_ids: tuple[int, ...]
    comments: tuple[PublicComment, ...]
    is_mine: bool
    photos: tuple[PublicPhoto, ...] = ()
    # The report this one was merged into, when officials found it a duplicate.
    merged_into: str = ""
    # The unit answerable for it ("" for the government as a whole) and the running deadline.
    unit_name: str = ""
    due_at: datetime | None = None
    # For the reporter only (None/False for everyone else): the rating given and what they may
    # still do, each within its window (the services decide again when asked).
    rating: int | None = None
    may_withdraw: bool = False
    withdraw_until: datetime | None = None
    may_rate: bool = False
    may_dispute: bool = False
    dispute_until: datetime | None = None
    # Whether the signed-in viewer already said "saya juga" to it (False when signed out).
    supported_by_viewer: bool = False


def hidden_from_public(*, privacy: str, status: str) -> bool:
    """A `rahasia` report, and a report its reporter withdrew, are for their reporter's eyes
    only: to anyone else their number answers exactly like a number never used."""
    return privacy == Privacy.RAHASIA or status == Status.WITHDRAWN


def _public_entry(*, tracking_number: str, viewer: User | AnonymousUser) -> tuple[ReportIndex, bool] | None:
    """The index row of a number the viewer may see, and whether it is theirs. Decided from
    the index alone, before the owner's schema is entered: a hidden number costs the same one
    query as an unknown one."""
    entry = ReportIndex.objects.select_related("government").filter(tracking_number=tracking_number).first()
    if entry is None:
        return None
    is_mine = index_entry_is_reporters(entry=entry, user=viewer)
    if hidden_from_public(privacy=entry.privacy, status=entry.status) and not is_mine:
        return None
    return entry, is_mine


def report_lookup_public(*, tracking_number: str, viewer: User | AnonymousUser) -> PublicReport | None:
    """The report with this tracking number for the public lookup, or None.

    A `rahasia` or withdrawn report is hidden from everyone but its reporter, exactly as if
    it did not exist (the answer must not confirm that the number is in use).
    """
    found = _public_entry(tracking_number=tracking_number, viewer=viewer)
    if found is None:
        return None
    entry, is_mine = found
    with government_context(entry.government):
        report = reports_by_ids(report_ids=[entry.report_id]).first()
        if report is None:
            return None
        if hidden_from_public(privacy=report.privacy, status=report.status) and not is_mine:
            return None
        timeline = tuple(
            TimelineEntry(status=event.to_status, at=event.at)
            for event in report_events(report=report).only("to_status", "at")
        )
        photos = tuple(
            PublicPhoto(id=photo_id, state=state)
            for photo_id, state in report_photos(report=report).values_list("id", "state")
        )
        photo_ids = tuple(photo.id for photo in photos)
        comments = tuple(
            PublicComment(role=comment.role, body=comment.body, at=comment.created_at)
            for comment in report_comments(report=report)
        )
        handling_unit_id = report_handling_unit_id(report=report)
        handling_unit = unit_name(unit_id=handling_unit_id) if handling_unit_id is not None else ""
        due_at = report_running_deadline(report_id=report.pk) if report.status in OPEN_STATUSES else None
        supported = viewer.is_authenticated and not is_mine and report_supported_by(report=report, user_id=viewer.pk)
    reporter_moves = _reporter_moves(report, timeline) if is_mine else {}
    return PublicReport(
        tracking_number=report.tracking_number,
        government_code=entry.government.code,
        government_name=entry.government.name,
        type=report.type,
        category_code=report.category_code,
        description=report.description,
        latitude=report.latitude,
        longitude=report.longitude,
        province_code=report.province_code,
        regency_code=report.regency_code,
        district_code=report.district_code,
        village_code=report.village_code,
        privacy=report.privacy,
        status=report.status,
        support_count=report.support_count,
        created_at=report.created_at,
        timeline=timeline,
        photo_ids=photo_ids,
        comments=comments,
        is_mine=is_mine,
        photos=photos,
        merged_into=report.merged_into,
        unit_name=handling_unit,
        due_at=due_at,
        rating=report.rating if is_mine else None,
        supported_by_viewer=supported,
        **reporter_moves,
    )


def _reporter_moves(report: Report, timeline: tuple[TimelineEntry, ...]) -> dict[str, Any]:
    """What the reporter may still do on their report now, and until when."""
    now = timezone.now()
    withdraw_until = report.created_at + WITHDRAW_WINDOW
    resolved_at = max((entry.at for entry in timeline if entry.status == Status.RESOLVED), default=None)
    dispute_until = resolved_at + DISPUTE_WINDOW if resolved_at is not None else None
    return {
        "may_withdraw": is_allowed(report.status, Status.WITHDRAWN, by_reporter=True) and now <= withdraw_until,
        "withdraw_until": withdraw_until,
        "may_rate": report.status in (Status.RESOLVED, Status.CLOSED) and report.rating is None,
        "may_dispute": is_allowed(report.status, Status.REOPENED, by_reporter=True)
        and dispute_until is not None
        and now <= dispute_until,
        "dispute_until": dispute_until,
    }


def report_photo_public(*, tracking_number: str, photo_id: int, viewer: User | AnonymousUser) -> ReportPhoto | None:
    """A photo of a report the viewer may see in the public lookup (same rule), else None."""
    found = _public_entry(tracking_number=tracking_number, viewer=viewer)
    if found is None:
        return None
    entry, is_mine = found
    with government_context(entry.government):
        report = reports_by_ids(report_ids=[entry.report_id]).first()
        if report is None or (hidden_from_public(privacy=report.privacy, status=report.status) and not is_mine):
            return None
        return report_photos(report=report).filter(pk=photo_id).first()


@dataclass(frozen=True)
class MyReport:
    tracking_number: str
    government_code: str | None
    government_name: str
    type: str
    category_code: str
    description: str
    privacy: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class MyReportsPage:
    items: tuple[MyReport, ...]
    next_offset: int | None


def reports_of_reporter(*, reporter: User, limit: int = 20, offset: int = 0) -> MyReportsPage:
    """The reporter's own reports across every government, newest first.

    One query on the index, then one per government owning a report on this page.
    """
    rows = list(
        ReportIndex.objects.select_related("government")
        .filter(index_rows_of(reporter.pk))
        .order_by("-created_at", "-id")[offset : offset + limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    by_government: dict[int, list[ReportIndex]] = {}
    for row in rows:
        by_government.setdefault(row.government_id, []).append(row)
    found: dict[tuple[int, int], MyReport] = {}
    for entries in by_government.values():
        government = entries[0].government
        with government_context(government):
            reports = reports_by_ids(report_ids=[entry.report_id for entry in entries]).filter(reporter_id=reporter.pk)
            for report in reports:
                found[(government.pk, report.pk)] = MyReport(
                    tracking_number=report.tracking_number,
                    government_code=government.code,
                    government_name=government.name,
                    type=report.type,
                    category_code=report.category_code,
                    description=report.description,
                    privacy=report.privacy,
                    status=report.status,
                    created_at=report.created_at,
                )
    items = tuple(found[key] for row in rows if (key := (row.government_id, row.report_id)) in found)
    return MyReportsPage(items=items, next_offset=offset + limit if has_more else None)


def reports_similar_before_submit(
    *, village_code: str, category_code: str, latitude: float, longitude: float, description: str
) -> list[NearbyReport]:
    """What the citizen could support instead of submitting: similar open reports nearby,
    looked up in the one schema the new report would land in. Empty when the village is
    unknown or nothing resembles it."""
    village = Village.objects.select_related("district").filter(code=village_code).first()
    if village is None or not description.strip():
        return []
    owner = owner_for_village(regency_code=village.district.regency_id, province_code=village.district.regency_id[:2])
    if owner is None:
        return []
    with government_context(owner):
        return reports_open_nearby(
            category_code=category_code, latitude=latitude, longitude=longitude, text=description.strip()
        )


# --- The public map/feed ----------------------------------------------------------------------
# Read from the public index alone (docs/decisions/0010-public-map-feed.md): one query per page
# whatever the page size or the number of governments in the box, and nothing personal in it.

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
