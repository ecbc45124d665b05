"""The public map/feed over HTTP: open and recent reports in a bounding box, no sign-in.

Only on the public host (the shared citizen app); it reads the public index alone and
shows nothing personal (docs/decisions/0010-public-map-feed.md).
"""

from __future__ import annotations

import math
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView
from api.v1.bounds import BoundedSerializer
from tenants.host_kinds import PUBLIC
from warga.intake.selectors import FEED_PAGE_MAX, BoundingBox, reports_feed, reports_feed_or_grid
from warga.reports.errors import ReportInvalid

BBOX_FORMAT = "bbox berisi empat angka dipisah koma: selatan,barat,utara,timur (misalnya -6.95,107.55,-6.85,107.65)."


BBOX_MAX_LENGTH = 100


@extend_schema_field({"type": "string", "maxLength": BBOX_MAX_LENGTH, "example": "-6.95,107.55,-6.85,107.65"})
class BboxField(serializers.Field[BoundingBox, str, str, Any]):
    def to_internal_value(self, data: Any) -> BoundingBox:
        parts = str(data)[: BBOX_MAX_LENGTH + 1].split(",")
        try:
            south, west, north, east = (float(part) for part in parts)
        except ValueError as error:
            raise serializers.ValidationError(BBOX_FORMAT, code="invalid_bbox") from error
        if len(str(data)) > BBOX_MAX_LENGTH or not all(math.isfinite(v) for v in (south, west, north, east)):
            raise serializers.ValidationError(BBOX_FORMAT, code="invalid_bbox")
        return BoundingBox(south=south, west=west, north=north, east=east)

    def to_representation(self, value: BoundingBox) -> str:
        return f"{value.south},{value.west},{value.north},{value.east}"


class FeedInput(BoundedSerializer):
    bbox = BboxField(help_text="south,west,north,east in degrees (WGS84); at most 2 degrees a side by default.")
    since = serializers.DateTimeField(required=False, default=None, help_text="Only reports sent from then on.")
    status = serializers.CharField(
        required=False, default="", help_text="Comma-separated statuses; the open ones when absent."
    )
    category = serializers.CharField(
        required=False, default="", help_text="Comma-separated category codes; every category when absent."
    )
    cursor = serializers.CharField(required=False, default="", help_text="`next_cursor` of the previous page.")
    limit = serializers.IntegerField(min_value=1, max_value=FEED_PAGE_MAX, default=50)
    grid = serializers.BooleanField(
        required=False,
        default=False,
        help_text="For maps: when the box holds more than `limit` reports, answer counts per grid cell "
        "(`kind` grid) instead of reports. Not with `cursor`.",
    )


class FeedItemOutput(BoundedSerializer):
    """Never the reporter, never the description."""

    tracking_number = serializers.CharField()
    government_code = serializers.CharField(allow_null=True)
    type = serializers.CharField()
    category_code = serializers.CharField()
    privacy = serializers.CharField(help_text="publik or anonim; rahasia reports are never in the feed.")
    status = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    created_at = serializers.DateTimeField()


class FeedCellOutput(BoundedSerializer):
    south = serializers.FloatField()
    west = serializers.FloatField()
    north = serializers.FloatField()
    east = serializers.FloatField()
    latitude = serializers.FloatField(help_text="Mean point of the cell's reports.")
    longitude = serializers.FloatField()
    count = serializers.IntegerField()


def _comma_list(value: str) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] or None


class FeedView(ApiView):
    host_kinds = PUBLIC
    permission_classes = [permissions.AllowAny]
    # Public and read-only: no session is needed, so none is looked at.
    authentication_classes: list[Any] = []

    @extend_schema(
        description=openapi.describe(
            (
                "The public map: open and recently closed reports in a bounding box "
                "(`bbox=west,south,east,north`), newest first, paged by `cursor`; filters by `status`, "
                "`category` and `since`. With `grid=true` and too many reports to draw, counts per grid "
                "cell instead (`kind: grid`). Never who reported."
            ),
            who=openapi.ANYONE,
            host=openapi.PUBLIC_HOST,
            errors={"400 invalid": "A bad bounding box, status or category list, or `grid` with a `cursor`."},
        ),
        parameters=[FeedInput],
        responses={
            200: inline_serializer(
                "FeedPage",
                {
                    "kind": serializers.ChoiceField(choices=["reports", "grid"]),
                    "results": FeedItemOutput(many=True),
                    "next_cursor": serializers.CharField(allow_null=True),
                    "cells": FeedCellOutput(many=True, required=False),
                    "total": serializers.IntegerField(required=False),
                    "cell_degrees": serializers.FloatField(required=False),
                },
            )
        },
        summary="Public map: open and recent reports in a bounding box, newest first (public host; no sign-in)",
    )
    def get(self, request: Request) -> Response:
        given = FeedInput(data=request.query_params)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        statuses = _comma_list(data["status"])
        if data["status"] and statuses is None:
            raise ReportInvalid.single("status", "unknown_status", "Isi status dengan nama status, dipisah koma.")
        categories = _comma_list(data["category"])
        if data["category"] and categories is None:
            raise ReportInvalid.single("category", "unknown_category", "Isi kategori dengan kodenya, dipisah koma.")
        if data["grid"] and data["cursor"]:
            raise ReportInvalid.single("grid", "grid_with_cursor", "grid hanya untuk halaman pertama: hapus cursor.")
        filters: dict[str, Any] = {"bbox": data["bbox"], "since": data["since"], "statuses": statuses}
        filters["categories"] = categories
        if data["grid"]:
            answer = reports_feed_or_grid(**filters, limit=data["limit"])
            if answer.grid is not None:
                grid = answer.grid
                return Response(
                    {
                        "kind": "grid",
                        "results": [],
                        "next_cursor": None,
                        "cells": FeedCellOutput(grid.cells, many=True).data,
                        "total": grid.total,
                        "cell_degrees": grid.cell_degrees,
                    }
                )
            assert answer.page is not None
            page = answer.page
        else:
            page = reports_feed(**filters, cursor=data["cursor"] or None, limit=data["limit"])
        return Response(
            {"kind": "reports", "results": FeedItemOutput(page.items, many=True).data, "next_cursor": page.next_cursor}
        )
