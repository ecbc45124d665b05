"""Open data over HTTP, on the public host to anyone: reports per regency/city, category and
month, from the national read model; cells under the threshold are suppressed."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView
from api.v1.bounds import BoundedSerializer
from api.v1.periods import PeriodOutput, PeriodSerializer
from tenants.host_kinds import PUBLIC
from warga.national.selectors import OPEN_DATA_MIN_CELL, open_data_cells

OPEN_DATA_MAX_DAYS = 3 * 366


class OpenDataQuerySerializer(PeriodSerializer):
    max_days = OPEN_DATA_MAX_DAYS
    output = serializers.ChoiceField(choices=["json", "csv"], required=False, help_text="json (bawaan) atau csv.")


class OpenDataCellOutput(BoundedSerializer):
    month = serializers.CharField(help_text="YYYY-MM")
    region_code = serializers.CharField()
    category_code = serializers.CharField()
    reports = serializers.IntegerField(allow_null=True, help_text="null when suppressed.")
    suppressed = serializers.BooleanField()


class OpenDataOutput(BoundedSerializer):
    period = PeriodOutput()
    suppressed_below = serializers.IntegerField()
    cells = OpenDataCellOutput(many=True)


class OpenDataView(ApiView):
    """Reports per kabupaten/kota x category x month for anyone; cells under 5 suppressed."""

    host_kinds = PUBLIC

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        description=openapi.describe(
            (
                "Open data: reports per regency/city, category and month for a period; cells under the "
                "threshold (`suppressed_below`) are suppressed. `output=csv` for a CSV file."
            ),
            who=openapi.ANYONE,
            host=openapi.PUBLIC_HOST,
            errors={"400 invalid": "A bad period."},
        ),
        parameters=[OpenDataQuerySerializer, OpenApiParameter("output", str, enum=["json", "csv"])],
        responses={200: OpenDataOutput, (200, "text/csv"): str},
        summary="Data terbuka: jumlah laporan per wilayah, kategori dan bulan",
    )
    def get(self, request: Request) -> Response | HttpResponse:
        query = OpenDataQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        cells = open_data_cells(start=start, end=end)
        if query.validated_data.get("output") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            writer = csv.writer(response)
            writer.writerow(["month", "region_code", "category_code", "reports"])
            for cell in cells:
                reports = "<5" if cell["suppressed"] else cell["reports"]
                writer.writerow([cell["month"], cell["region_code"], cell["category_code"], reports])
            response["Content-Disposition"] = f'attachment; filename="laporan-warga-{start}-{end}.csv"'
            return response
        return Response(
            OpenDataOutput(
                {"period": {"start": start, "end": end}, "suppressed_below": OPEN_DATA_MIN_CELL, "cells": cells}
            ).data
        )
