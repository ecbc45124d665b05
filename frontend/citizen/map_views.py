"""The public map (`/peta/`): reports in the visible box, filtered by category and status.

Without JavaScript it is a list: the newest reports in the box, or, when the box holds more
than a page, its densest grid cells as links that narrow the box (decision 0035). map.js draws
the same answers on a Leaflet map from the feed API.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from frontend.citizen.words import STATUS_BADGES, category_choices, category_name, status_badge
from warga.intake.selectors import BoundingBox, reports_feed_or_grid
from warga.reports.errors import ReportInvalid
from warga.reports.lifecycle import OPEN_STATUSES, Status

PAGE_SIZE = 50
DENSEST_CELLS = 12
# Kota Bandung's centre: the first view when no box is given.
DEFAULT_BBOX = BoundingBox(south=-6.97, west=107.55, north=-6.84, east=107.74)
# The status filter's choices -> the statuses the feed is asked for.
STATUS_GROUPS = {
    "terbuka": sorted(status.value for status in OPEN_STATUSES),
    "selesai": [Status.RESOLVED.value, Status.CLOSED.value],
}


def _bbox(raw: str) -> BoundingBox | None:
    try:
        south, west, north, east = (float(part) for part in raw.split(","))
    except ValueError:
        return None
    return BoundingBox(south=south, west=west, north=north, east=east)


def _bbox_text(bbox: BoundingBox) -> str:
    return f"{bbox.south:.5f},{bbox.west:.5f},{bbox.north:.5f},{bbox.east:.5f}"


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    raw_bbox = request.GET.get("bbox", "")
    bbox = _bbox(raw_bbox) if raw_bbox else DEFAULT_BBOX
    if bbox is None:
        errors.append(_("The map area was not understood; the first area (Kota Bandung) is shown instead."))
        bbox = DEFAULT_BBOX
    categories = category_choices()
    category = request.GET.get("kategori", "")
    if category and category not in dict(categories):
        errors.append(_("That category does not exist; every category is shown instead."))
        category = ""
    status_group = request.GET.get("status", "terbuka")
    if status_group not in STATUS_GROUPS:
        status_group = "terbuka"
    try:
        answer = reports_feed_or_grid(
            bbox=bbox,
            statuses=STATUS_GROUPS[status_group],
            categories=[category] if category else None,
            limit=PAGE_SIZE,
        )
    except ReportInvalid as error:
        errors.extend(item.message for items in error.errors.values() for item in items)
        bbox = DEFAULT_BBOX
        answer = reports_feed_or_grid(
            bbox=bbox, statuses=STATUS_GROUPS[status_group], categories=[category] if category else None
        )
    items = [
        {"item": item, "category": category_name(item.category_code), "badge": status_badge(item.status)}
        for item in (answer.page.items if answer.page else ())
    ]
    cells = []
    if answer.grid is not None:
        for cell in answer.grid.cells[:DENSEST_CELLS]:
            box = BoundingBox(south=cell.south, west=cell.west, north=cell.north, east=cell.east)
            cells.append({"cell": cell, "bbox": _bbox_text(box)})
    labels = {
        "categories": dict(categories),
        "statuses": {status: [str(text), tone] for status, (text, tone) in STATUS_BADGES.items()},
        "open": STATUS_GROUPS["terbuka"],
        "reports": _("reports"),
        "empty": _("No reports in this area with these filters."),
        "tooMany": _("%s reports in this area: zoom in to see them one by one."),
        "failed": _("The reports could not be loaded. Check your connection and move the map to try again."),
    }
    return render(
        request,
        "frontend/citizen/map.html",
        {
            "bbox": _bbox_text(bbox),
            "categories": categories,
            "category": category,
            "status_group": status_group,
            "status_groups": STATUS_GROUPS,
            "items": items,
            "grid": answer.grid,
            "cells": cells,
            "errors": errors,
            "labels": labels,
        },
    )
