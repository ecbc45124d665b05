"""National oversight over HTTP: the dashboard and the overseers' export.

They answer on the national government's host (the whole country) and on a province
government's host (that province only), for its officials (an active membership there, with
two-step verification: warga.access); their routes are not mounted on any other host. Every
answer comes from the national read model, never from a government's schema. Open data, on
the public host, is api.v1.public.open_data.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date
from typing import Any

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView
from api.v1.bounds import BoundedSerializer
from api.v1.periods import PeriodOutput, PeriodSerializer
from tenants.host_kinds import OVERSIGHT
from warga.access.guards import IsOfficialWithMFA, government_of
from warga.access.policy import Action, permission_for
from warga.national.models import RegionLevel
from warga.national.selectors import (
    EXPORT_COLUMNS,
    RANKING_MIN_VOLUME,
    NationalScope,
    Normalisation,
    dashboard_breakdown,
    dashboard_by_category,
    dashboard_kpis,
    dashboard_rankings,
    dashboard_series,
    dashboard_surges,
    facts_for_export,
    relay_freshness,
    scope_for,
    surge_flags_open,
)


class DashboardQuerySerializer(PeriodSerializer):
    level = serializers.ChoiceField(
        choices=RegionLevel.choices, required=False, help_text="Tingkat rincian wilayah (drill-down)."
    )
    # Not "parent": serializer fields already have an attribute of that name.
    region = serializers.RegexField(
        r"^\d{2}(\.\d{2}(\.\d{2})?)?$", required=False, help_text="Wilayah yang dirinci: 32 atau 32.73."
    )
    min_volume = serializers.IntegerField(required=False, min_value=1, max_value=100_000)


# --- What the dashboard and open data answer -----------------------------------------------------
# The views serialize their payloads through these, so the published schema is what is sent:
# a key a selector adds without a field here is not sent (and the schema test notices).


class ScopeOutput(BoundedSerializer):
    province_code = serializers.CharField(allow_null=True, help_text="Provinsi yang dilihat; null: seluruh negeri.")


class KpiOutput(BoundedSerializer):
    volume = serializers.IntegerField()
    open = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_percent = serializers.FloatField(allow_null=True, help_text="null when the period has no reports.")
    sla_compliance_percent = serializers.FloatField(allow_null=True, help_text="null when no SLA step is known yet.")
    sla_steps_known = serializers.IntegerField()
    median_hours_to_first_response = serializers.FloatField(allow_null=True)
    median_hours_to_resolution = serializers.FloatField(allow_null=True)
    rating_mean = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    disputes = serializers.IntegerField(help_text="Resolutions the reporters disputed (each reopens its report).")
    disputed_reports = serializers.IntegerField(help_text="Reports disputed at least once.")


class BreakdownRegionOutput(BoundedSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    volume = serializers.IntegerField()
    open = serializers.IntegerField()
    resolved = serializers.IntegerField()


# Built from a mapping: "parent" (and "source" below) name attributes every serializer field
# already has, so they cannot be declared as class attributes.
BreakdownOutput = inline_serializer(
    "BreakdownOutput",
    {
        "level": serializers.ChoiceField(choices=RegionLevel.choices),
        "parent": serializers.CharField(allow_null=True, help_text="The region drilled into; null: the whole scope."),
        "regions": BreakdownRegionOutput(many=True),
    },
).__class__


class CategoryVolumeOutput(BoundedSerializer):
    category_code = serializers.CharField()
    type = serializers.CharField()
    volume = serializers.IntegerField()


class DayVolumeOutput(BoundedSerializer):
    day = serializers.DateField()
    volume = serializers.IntegerField()


PopulationOutput = inline_serializer(
    "PopulationOutput",
    {"inhabitants": serializers.IntegerField(), "year": serializers.IntegerField(), "source": serializers.CharField()},
).__class__


class RankingEntryOutput(BoundedSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    volume = serializers.IntegerField()
    resolved_percent = serializers.FloatField(allow_null=True)
    sla_compliance_percent = serializers.FloatField(allow_null=True)
    rating_mean = serializers.FloatField(allow_null=True)
    normalisation = serializers.ChoiceField(
        choices=Normalisation.choices, help_text="Which ranking the row belongs to; the two do not compare."
    )
    population = PopulationOutput(allow_null=True, help_text="null when the region's population is not loaded.")
    reports_per_100k = serializers.FloatField(allow_null=True)
    resolved_per_100k = serializers.FloatField(allow_null=True)


class RankedEntryOutput(RankingEntryOutput):
    rank = serializers.IntegerField(help_text="1 is best, within the row's normalisation.")


class RankedCountsOutput(BoundedSerializer):
    per_100k_inhabitants = serializers.IntegerField()
    per_report = serializers.IntegerField()


class RankingsOutput(BoundedSerializer):
    min_volume = serializers.IntegerField()
    per_inhabitants = serializers.IntegerField(help_text="The population unit of the *_per_100k figures.")
    ranked = RankedEntryOutput(many=True, help_text="Per-inhabitant ranking first, then the per-report one.")
    ranked_counts = RankedCountsOutput()
    below_min_volume = RankingEntryOutput(many=True, help_text="Too few reports to rank; by code.")


class SurgeOutput(BoundedSerializer):
    district_code = serializers.CharField()
    name = serializers.CharField()
    category_code = serializers.CharField()
    recent = serializers.IntegerField()
    expected = serializers.FloatField()


class SurgeFlagOutput(BoundedSerializer):
    id = serializers.IntegerField()
    level = serializers.CharField()
    region_code = serializers.CharField()
    name = serializers.CharField()
    category_code = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    recent = serializers.IntegerField()
    expected = serializers.FloatField()
    # In UTC, as this answer has always given it.
    first_seen = serializers.DateTimeField(default_timezone=UTC)


class StalledRelayOutput(BoundedSerializer):
    government_code = serializers.CharField()
    government_name = serializers.CharField()
    event_id = serializers.IntegerField()
    error = serializers.CharField()
    failing_since = serializers.DateTimeField(allow_null=True)
    failures = serializers.IntegerField()
    last_event_id = serializers.IntegerField()


class FreshnessOutput(BoundedSerializer):
    window_seconds = serializers.IntegerField()
    batches = serializers.IntegerField()
    events = serializers.IntegerField()
    lag_p95_seconds = serializers.FloatField(allow_null=True)
    lag_max_seconds = serializers.FloatField(allow_null=True)
    last_batch_at = serializers.DateTimeField(allow_null=True)
    stalled = StalledRelayOutput(many=True)


class DashboardOutput(BoundedSerializer):
    scope = ScopeOutput()
    period = PeriodOutput()
    kpis = KpiOutput()
    breakdown = BreakdownOutput()
    categories = CategoryVolumeOutput(many=True)
    series = DayVolumeOutput(many=True, help_text="Every day of the period, zero days included.")
    rankings = RankingsOutput()
    surges = SurgeOutput(many=True, help_text="Computed for the period's end.")
    surge_flags = SurgeFlagOutput(many=True, help_text="Surges flagged by the periodic check and not yet over.")
    freshness = FreshnessOutput()


def _oversight_scope(request: Request) -> NationalScope:
    government = government_of(request)
    scope = None if government is None else scope_for(government=government)
    assert scope is not None  # the national host or a province's only (host_kinds)
    return scope


def _child_level(scope: NationalScope, parent: str | None) -> str:
    """One level below what is being looked at: the country shows provinces, a province its
    regencies/cities, a regency its kecamatan (the roll-ups stop there)."""
    depth = len(parent.split(".")) if parent else (1 if scope.province_code else 0)
    return [RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.DISTRICT, RegionLevel.DISTRICT][depth]


class NationalDashboardView(ApiView):
    """KPIs, drill-down by region, categories, the daily series, rankings, surges (computed
    for the period's end, and the open flags) and freshness (with any stalled relay)."""

    host_kinds = OVERSIGHT

    permission_classes = [permissions.IsAuthenticated, IsOfficialWithMFA]

    @extend_schema(
        description=openapi.describe(
            (
                "The oversight dashboard for a period (default: the last 30 days): KPIs, a drill-down by "
                "region (`region`, `level`), categories, the daily series, rankings (`min_volume`), "
                "surges and open surge flags, and how fresh the figures are (with any stalled relay). "
                "From the national read model, never a government's schema."
            ),
            who=(
                "An official of the national government (any region) or of a province (its province), "
                "with two-step verification (TOTP) passed in this session."
            ),
            host=openapi.OVERSIGHT_HOST,
            errors={
                "400 invalid": "A bad period (end before start, longer than allowed) or level.",
                "404 not_found": "A region outside this province.",
            },
        ),
        parameters=[DashboardQuerySerializer],
        responses={200: DashboardOutput},
        summary="Dasbor nasional / pengawasan provinsi",
    )
    def get(self, request: Request) -> Response:
        scope = _oversight_scope(request)
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start: date = query.validated_data["start"]
        end: date = query.validated_data["end"]
        parent: str | None = query.validated_data.get("region")
        if parent and scope.province_code and not parent.startswith(scope.province_code):
            raise Http404("Wilayah itu di luar provinsi ini. (That region is outside this province.)")
        level: str = query.validated_data.get("level") or _child_level(scope, parent)
        min_volume: int = query.validated_data.get("min_volume", RANKING_MIN_VOLUME)
        payload = DashboardOutput(
            {
                "scope": {"province_code": scope.province_code},
                "period": {"start": start, "end": end},
                "kpis": dashboard_kpis(scope=scope, start=start, end=end),
                "breakdown": {
                    "level": level,
                    "parent": parent,
                    "regions": dashboard_breakdown(scope=scope, start=start, end=end, level=level, parent_code=parent),
                },
                "categories": dashboard_by_category(scope=scope, start=start, end=end),
                "series": dashboard_series(scope=scope, start=start, end=end),
                "rankings": dashboard_rankings(
                    scope=scope,
                    start=start,
                    end=end,
                    level=RegionLevel.REGENCY if level == RegionLevel.PROVINCE else level,
                    parent_code=parent,
                    min_volume=min_volume,
                ),
                "surges": dashboard_surges(scope=scope, end=end),
                # Surges the periodic task flagged and told the overseers about, still going on.
                "surge_flags": surge_flags_open(scope=scope),
                "freshness": relay_freshness(province_code=scope.province_code),
            }
        )
        return Response(payload.data)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer feeds a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(header: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(
            ["" if value is None else value.isoformat() if hasattr(value, "isoformat") else value for value in row]
        )


class NationalExportView(ApiView):
    """Every fact of the period (and of the province on a province host) as CSV, streamed."""

    host_kinds = OVERSIGHT

    permission_classes = [permissions.IsAuthenticated, permission_for(Action.NATIONAL_EXPORT)]

    @extend_schema(
        description=openapi.describe(
            (
                "Every report fact of the period as CSV (streamed; the province's only on a province "
                "host): one row per report with its region, category, status and times."
            ),
            who=(
                "The leadership (pimpinan), national overseers and the admin koordinator of the national "
                "government or of a province, with two-step verification (TOTP) passed."
            ),
            host=openapi.OVERSIGHT_HOST,
            errors={"400 invalid": "A bad period."},
        ),
        parameters=[PeriodSerializer],
        responses={(200, "text/csv"): str},
        summary="Ekspor fakta laporan",
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        scope = _oversight_scope(request)
        query = PeriodSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        response = StreamingHttpResponse(
            _csv_lines(EXPORT_COLUMNS, facts_for_export(scope=scope, start=start, end=end)),
            content_type="text/csv; charset=utf-8",
        )
        name = f"laporan-{scope.province_code or 'nasional'}-{start}-{end}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
