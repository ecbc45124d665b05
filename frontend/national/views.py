"""The national oversight pages. Thin: the host and the policy decide who sees them, the
selectors of warga.national supply every number, and the same `Table` feeds the page and
its CSV download.

- `/pantauan/`: KPI tiles, the tile-grid map (country view), regions (drill-down by map or
  row: province -> kabupaten/kota -> kecamatan), categories and the daily series.
- `/pantauan/peringkat/`: kabupaten/kota ranked per 100,000 inhabitants (or per report) and
  by resolution within SLA, inside the region drilled into.
- `/pantauan/lonjakan/`: surge flags, open and past, each linked to its place on the map.
- `/pantauan/data-terbuka/`: what open data publishes, its small-cell rule, its links.

They answer on the national government's host and on a province government's host (that
province only, the same `NationalScope` as the API); anywhere else they do not exist (404).
Who may see them is `policy_official` for the host's government, as for the API's dashboard
and export; the CSV of every table goes through the same check as its page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from frontend.national.tables import Column, Row, Table, as_context, csv_response, table_named
from frontend.national.tiles import TILES, shade_bounds, shade_of
from tenants.host_kinds import OVERSIGHT, answers_on
from tenants.models import Government
from warga.access.guards import page_refusal
from warga.access.policy import policy_official
from warga.national.models import RegionLevel
from warga.national.selectors import (
    OPEN_DATA_MIN_CELL,
    PER_INHABITANTS,
    RANKING_MIN_VOLUME,
    SURGE_FACTOR,
    SURGE_MIN_REPORTS,
    NationalScope,
    dashboard_breakdown,
    dashboard_by_category,
    dashboard_kpis,
    dashboard_rankings,
    dashboard_series,
    rankings_by_sla,
    region_names,
    scope_for,
    surge_flags_history,
    surge_flags_open,
)
from warga.regions.selectors import boundary_paths, regency_outlines
from warga.taxonomy.selectors import category_names
from warga.web.hosts import central_origin, government_of

OUTSIDE = "Wilayah itu di luar provinsi ini. (That region is outside this province.)"
DEFAULT_DAYS = 30
# One page answers a period of at most this many days, as the API does.
MAX_DAYS = 366
PRESET_DAYS = (7, 30, 90)
DASHBOARD_PATH = "/pantauan/"

View = Callable[..., HttpResponse]


# --- Who may see the pages ----------------------------------------------------------------------


def _scope_of_host(request: HttpRequest) -> tuple[Government, NationalScope]:
    # Mounted on the national host and provinces' only (OVERSIGHT): both are always there.
    government = government_of(request)
    assert government is not None
    scope = scope_for(government=government)
    assert scope is not None
    return government, scope


def oversight_page(view: View) -> View:
    """On the national host and a province's only (the route is not mounted elsewhere), for
    any official of this government (`policy_official`); a refusal is answered by
    `page_refusal` (sign-in, TOTP, or a 403 saying why, with nothing of the page)."""

    @answers_on(OVERSIGHT)
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        government, scope = _scope_of_host(request)
        refusal = page_refusal(request, policy_official(actor=request.user, government=government))
        return refusal or view(request, government, scope, *args, **kwargs)

    return wrapped


# --- The period, the region drilled into, the map's measure ------------------------------------


class Metric:
    VOLUME = "laporan"
    OPEN = "terbuka"
    RESOLVED = "selesai"
    CHOICES = (
        (VOLUME, _("Reports")),
        (OPEN, _("Open reports")),
        (RESOLVED, _("Resolved (%)")),
    )


class ViewForm(forms.Form):
    mulai = forms.DateField(
        required=False,
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2026-11-01.")},
    )
    sampai = forms.DateField(
        required=False,
        label=_("To (inclusive)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2026-11-30.")},
    )
    wilayah = forms.RegexField(
        regex=r"^\d{2}(\.\d{2})?$",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("A region code looks like 32 or 32.73.")},
    )
    ukuran = forms.ChoiceField(choices=Metric.CHOICES, required=False, label=_("Colour the map by"))
    unduh = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "mulai" in self.errors or "sampai" in self.errors:
            return data
        end = data.get("sampai") or timezone.localdate()
        start = data.get("mulai") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            self.add_error("mulai", _("The first day must be on or before the last day."))
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("sampai", _("A period is at most %(days)s days: shorten it.") % {"days": MAX_DAYS})
        return data | {"mulai": start, "sampai": end}


def _child_level(scope: NationalScope, region: str | None) -> str:
    """One level below what is looked at: the country shows provinces, a province its
    kabupaten/kota, a kabupaten/kota its kecamatan (the roll-ups stop there)."""
    depth = len(region.split(".")) if region else (1 if scope.province_code else 0)
    return [RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.DISTRICT][depth]


def _read_view(request: HttpRequest, scope: NationalScope) -> tuple[ViewForm, dict[str, Any]]:
    """The query, validated; a region outside the reader's province does not exist (404).
    Dates not given are filled in (the last 30 days) so the form shows the period it answers."""
    given = request.GET.copy()
    end = timezone.localdate()
    for name, default in (("sampai", end), ("mulai", end - timedelta(days=DEFAULT_DAYS - 1))):
        if not given.get(name):
            given[name] = default.isoformat()
    form = ViewForm(given)
    if not form.is_valid():
        return form, {}
    data = form.cleaned_data
    region = data.get("wilayah") or None
    if region and scope.province_code and not region.startswith(scope.province_code):
        raise Http404(OUTSIDE)
    if region == scope.province_code:
        region = None
    return form, data | {"wilayah": region}


def _query(data: dict[str, Any], **changes: Any) -> str:
    """The query string of the current view with `changes` (None drops a key)."""
    values = {
        "mulai": data.get("mulai"),
        "sampai": data.get("sampai"),
        "wilayah": data.get("wilayah"),
        "ukuran": data.get("ukuran") or None,
    } | changes
    return "?" + urlencode({key: str(value) for key, value in values.items() if value})


def _trail(scope: NationalScope, region: str | None, data: dict[str, Any], path: str) -> list[dict[str, str]]:
    """Breadcrumbs: Indonesia (on the national host) > province > kabupaten/kota."""
    codes = []
    if scope.province_code:
        codes.append(scope.province_code)
    elif region:
        codes.append(region[:2])
    if region and len(region) > 2:
        codes.append(region)
    names = region_names(level=RegionLevel.PROVINCE, codes=codes[:1]) | region_names(
        level=RegionLevel.REGENCY, codes=codes[1:]
    )
    trail = [] if scope.province_code else [{"name": "Indonesia", "href": path + _query(data, wilayah=None)}]
    for code in codes:
        trail.append({"name": names.get(code, code), "href": path + _query(data, wilayah=code)})
    return trail


def _presets(data: dict[str, Any], path: str) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "days": days,
            "href": path + _query(data, mulai=today - timedelta(days=days - 1), sampai=today),
            "current": data.get("sampai") == today and data.get("mulai") == today - timedelta(days=days - 1),
        }
        for days in PRESET_DAYS
    ]


def _page(
    request: HttpRequest, template: str, tables: list[Table], context: dict[str, Any], *, filename: str
) -> HttpResponse:
    """The page, or with `?unduh=<table>` that table's CSV (same check, same numbers)."""
    wanted = request.GET.get("unduh")
    if wanted:
        table = table_named(tables, wanted)
        if table is None:
            raise Http404("Tabel itu tidak ada di halaman ini. (No such table on this page.)")
        return csv_response(table, filename=f"{filename}-{table.key}.csv")
    return render(request, template, context | as_context(tables) | {"tables": tables})


def _invalid(request: HttpRequest, template: str, form: ViewForm, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context | {"form": form, "invalid": True}, status=400)


def _base_context(
    request: HttpRequest, government: Government, scope: NationalScope, form: ViewForm, data: dict[str, Any]
) -> dict[str, Any]:
    path = request.path
    region = data.get("wilayah")
    return {
        "government": government,
        "scope": scope,
        "form": form,
        "data": data,
        "region": region,
        "trail": _trail(scope, region, data, path),
        "presets": _presets(data, path),
        "query": _query(data),
        "query_without_region": _query(data, wilayah=None),
        "province_host": scope.province_code is not None,
    }


def _filename(scope: NationalScope, data: dict[str, Any], page: str) -> str:
    where = data.get("wilayah") or scope.province_code or "nasional"
    return f"{page}-{where}-{data['mulai']}-{data['sampai']}"


# --- The dashboard ------------------------------------------------------------------------------


def _kpi_table(kpis: dict[str, Any]) -> Table:
    rows = [
        ("reports", _("Reports"), kpis["volume"]),
        ("open", _("Open"), kpis["open"]),
        ("resolved", _("Resolved"), kpis["resolved"]),
        ("sla", _("Steps within SLA (%)"), kpis["sla_compliance_percent"]),
        ("first-response", _("Median hours to first response"), kpis["median_hours_to_first_response"]),
        ("resolution", _("Median hours to resolution"), kpis["median_hours_to_resolution"]),
        ("rating", _("Satisfaction (1-5)"), kpis["rating_mean"]),
        ("ratings", _("Ratings given"), kpis["ratings"]),
        ("disputes", _("Resolutions disputed by the reporter"), kpis["disputes"]),
    ]
    return Table(
        key="ringkasan",
        caption=str(_("Summary")),
        columns=[Column(str(_("Measure"))), Column(str(_("Value")), numeric=True)],
        rows=[Row(cells=[str(label), value], anchor=f"kpi-{key}") for key, label, value in rows],
    )


def _metric_value(region: dict[str, Any], metric: str) -> float | None:
    if metric == Metric.OPEN:
        return float(region["open"])
    if metric == Metric.RESOLVED:
        return round(100.0 * region["resolved"] / region["volume"], 1) if region["volume"] else None
    return float(region["volume"])


def _shades(values: dict[str, float | None], metric: str) -> tuple[list[float], list[dict[str, Any]]]:
    """The shade classes of the map's values and the legend that explains them."""
    whole = metric != Metric.RESOLVED
    bounds = shade_bounds([value for value in values.values() if value is not None], whole=whole)
    # Counts: classes of whole numbers (1-4, 5-8, ...); percentages: 0-20, 20-40, ...
    step = 1 if whole else 0
    lows = [float(step), *(bound + step for bound in bounds[:-1])] if bounds else []
    legend = [{"shade": 0, "low": None, "high": None}] + [
        {"shade": shade_of(bound, bounds), "low": low, "high": bound} for low, bound in zip(lows, bounds, strict=True)
    ]
    return bounds, legend


def _tile_map(regions: list[dict[str, Any]], metric: str, data: dict[str, Any], path: str) -> dict[str, Any]:
    """The 38 cells with their value and shade, and the legend's classes."""
    by_code = {region["code"]: region for region in regions}
    values = {code: _metric_value(region, metric) for code, region in by_code.items()}
    bounds, legend = _shades(values, metric)
    names = region_names(level=RegionLevel.PROVINCE, codes=[tile.code for tile in TILES])
    # Loaded outlines replace the grid only when every province has one (docs/decisions/0043).
    paths = boundary_paths(level=RegionLevel.PROVINCE)
    outlines = all(tile.code in paths for tile in TILES)
    cells = [
        {
            "code": tile.code,
            "path": paths.get(tile.code, "") if outlines else "",
            "tile": tile,
            "name": names.get(tile.code, tile.code),
            "value": values.get(tile.code),
            "shade": shade_of(values.get(tile.code), bounds),
            "href": path + _query(data, wilayah=tile.code),
        }
        for tile in TILES
    ]
    return {
        "cells": cells,
        "legend": legend,
        "metric_label": dict(Metric.CHOICES)[metric],
        "outlines": outlines,
        "view_box": "0 0 480 190",
        "province": None,
    }


def _province_map(
    province: str, regions: list[dict[str, Any]], metric: str, data: dict[str, Any], path: str
) -> dict[str, Any] | None:
    """A province's kabupaten/kota drawn from their loaded outlines, coloured like the country
    map; None unless every one of them has an outline (the tables answer then)."""
    outlines = regency_outlines(province_code=province)
    if outlines is None:
        return None
    view_box, paths = outlines
    by_code = {region["code"]: region for region in regions}
    values = {code: _metric_value(by_code[code], metric) if code in by_code else None for code in paths}
    bounds, legend = _shades(values, metric)
    names = region_names(level=RegionLevel.REGENCY, codes=list(paths)) | region_names(
        level=RegionLevel.PROVINCE, codes=[province]
    )
    cells = [
        {
            "code": code,
            "path": paths[code],
            "name": names.get(code, code),
            "value": values[code],
            "shade": shade_of(values[code], bounds),
            "href": path + _query(data, wilayah=code),
        }
        for code in sorted(paths)
    ]
    return {
        "cells": cells,
        "legend": legend,
        "metric_label": dict(Metric.CHOICES)[metric],
        "outlines": True,
        "view_box": view_box,
        "province": names.get(province, province),
    }


@require_GET
@oversight_page
def dashboard_page(request: HttpRequest, government: Government, scope: NationalScope) -> HttpResponse:
    form, data = _read_view(request, scope)
    context = {"government": government, "scope": scope, "province_host": scope.province_code is not None}
    if not data:
        return _invalid(request, "frontend/national/dashboard.html", form, context)
    start, end, region = data["mulai"], data["sampai"], data["wilayah"]
    metric = data.get("ukuran") or Metric.VOLUME
    narrowed = NationalScope(province_code=scope.province_code, region_code=region)
    level = _child_level(scope, region)
    kpis = dashboard_kpis(scope=narrowed, start=start, end=end)
    regions = dashboard_breakdown(scope=scope, start=start, end=end, level=level, parent_code=region)
    categories = dashboard_by_category(scope=narrowed, start=start, end=end)
    series = dashboard_series(scope=narrowed, start=start, end=end)
    labels = category_names(codes={row["category_code"] for row in categories}, language=translation.get_language())
    drillable = level != RegionLevel.DISTRICT
    level_label = dict(RegionLevel.choices)[level]
    # The map: the country's provinces, or a province's kabupaten/kota once their outlines are loaded.
    region_map: dict[str, Any] | None = None
    surging: set[str] = set()
    if level == RegionLevel.PROVINCE:
        region_map = _tile_map(regions, metric, data, request.path)
        surging = {flag["region_code"][:2] for flag in surge_flags_open(scope=scope)}
    elif level == RegionLevel.REGENCY:
        province = region or scope.province_code or ""
        region_map = _province_map(province, regions, metric, data, request.path)
        surging = {flag["region_code"][:5] for flag in surge_flags_open(scope=scope)}
    tables = [
        _kpi_table(kpis),
        Table(
            key="wilayah",
            caption=str(_("Reports by %(level)s") % {"level": str(level_label).lower()}),
            columns=[
                Column(str(_("Region"))),
                Column(str(_("Code"))),
                Column(str(_("Reports")), numeric=True),
                Column(str(_("Open")), numeric=True),
                Column(str(_("Resolved")), numeric=True),
                Column(str(_("Resolved (%)")), numeric=True),
            ],
            rows=[
                Row(
                    cells=[
                        r["name"],
                        r["code"],
                        r["volume"],
                        r["open"],
                        r["resolved"],
                        _metric_value(r, Metric.RESOLVED),
                    ],
                    href=request.path + _query(data, wilayah=r["code"]) if drillable else "",
                    anchor=f"wilayah-{r['code']}",
                )
                for r in regions
            ],
            empty=str(_("No reports in this period.")),
        ),
        Table(
            key="kategori",
            caption=str(_("Reports by category")),
            columns=[
                Column(str(_("Category"))),
                Column(str(_("Code"))),
                Column(str(_("Type"))),
                Column(str(_("Reports")), numeric=True),
            ],
            rows=[
                Row(
                    cells=[
                        labels.get(c["category_code"], c["category_code"]),
                        c["category_code"],
                        c["type"],
                        c["volume"],
                    ]
                )
                for c in categories
            ],
            empty=str(_("No reports in this period.")),
        ),
        Table(
            key="harian",
            caption=str(_("Reports per day")),
            columns=[Column(str(_("Day"))), Column(str(_("Reports")), numeric=True)],
            rows=[Row(cells=[day["day"], day["volume"]]) for day in series],
        ),
    ]
    context = _base_context(request, government, scope, form, data) | {
        "kpis": kpis,
        "level": level,
        "level_label": level_label,
        "metric": metric,
        "tile_map": region_map,
        "surging": surging,
    }
    return _page(
        request, "frontend/national/dashboard.html", tables, context, filename=_filename(scope, data, "pantauan")
    )


# --- Rankings -----------------------------------------------------------------------------------


def _ranking_columns(*, per_inhabitant: bool) -> list[Column]:
    columns = [Column(str(_("Rank")), numeric=True), Column(str(_("Code"))), Column(str(_("Region")))]
    if per_inhabitant:
        columns += [
            Column(str(_("Resolved per 100,000 inhabitants")), numeric=True),
            Column(str(_("Reports per 100,000 inhabitants")), numeric=True),
            Column(str(_("Inhabitants")), numeric=True),
            Column(str(_("Population year and source"))),
        ]
    else:
        columns += [Column(str(_("Resolved (%)")), numeric=True)]
    return [*columns, Column(str(_("Steps within SLA (%)")), numeric=True), Column(str(_("Reports")), numeric=True)]


def _ranking_row(entry: dict[str, Any], *, per_inhabitant: bool) -> Row:
    cells: list[Any] = [entry.get("rank"), entry["code"], entry["name"]]
    if per_inhabitant:
        population = entry["population"]
        cells += [
            entry["resolved_per_100k"],
            entry["reports_per_100k"],
            population["inhabitants"],
            f"{population['year']}, {population['source']}",
        ]
    else:
        cells += [entry["resolved_percent"]]
    return Row(cells=[*cells, entry["sla_compliance_percent"], entry["volume"]])


@require_GET
@oversight_page
def rankings_page(request: HttpRequest, government: Government, scope: NationalScope) -> HttpResponse:
    form, data = _read_view(request, scope)
    context = {"government": government, "scope": scope, "province_host": scope.province_code is not None}
    if not data:
        return _invalid(request, "frontend/national/rankings.html", form, context)
    start, end, region = data["mulai"], data["sampai"], data["wilayah"]
    # Kabupaten/kota are ranked; inside a kabupaten/kota, its kecamatan.
    level = RegionLevel.DISTRICT if region and len(region) > 2 else RegionLevel.REGENCY
    rankings = dashboard_rankings(scope=scope, start=start, end=end, level=level, parent_code=region)
    per_inhabitant = [e for e in rankings["ranked"] if e["normalisation"] == "per_100k_inhabitants"]
    per_report = [e for e in rankings["ranked"] if e["normalisation"] == "per_report"]
    by_sla = rankings_by_sla(rankings=rankings)
    empty = str(_("No region has enough reports in this period to be ranked."))
    tables = [
        Table(
            key="per-penduduk",
            caption=str(_("Ranked per 100,000 inhabitants")),
            columns=_ranking_columns(per_inhabitant=True),
            rows=[_ranking_row(e, per_inhabitant=True) for e in per_inhabitant],
            empty=empty,
        ),
        Table(
            key="per-laporan",
            caption=str(_("Ranked by share resolved (no population figure loaded)")),
            columns=_ranking_columns(per_inhabitant=False),
            rows=[_ranking_row(e, per_inhabitant=False) for e in per_report],
            empty=empty,
        ),
        Table(
            key="tepat-waktu",
            caption=str(_("Ranked by resolution within SLA")),
            columns=[
                Column(str(_("Rank")), numeric=True),
                Column(str(_("Code"))),
                Column(str(_("Region"))),
                Column(str(_("Steps within SLA (%)")), numeric=True),
                Column(str(_("Reports")), numeric=True),
            ],
            rows=[
                Row(cells=[e["sla_rank"], e["code"], e["name"], e["sla_compliance_percent"], e["volume"]])
                for e in by_sla
            ],
            empty=str(_("No ranked region has an SLA step known yet.")),
        ),
        Table(
            key="belum-diperingkat",
            caption=str(_("Too few reports to rank")),
            columns=[Column(str(_("Code"))), Column(str(_("Region"))), Column(str(_("Reports")), numeric=True)],
            rows=[Row(cells=[e["code"], e["name"], e["volume"]]) for e in rankings["below_min_volume"]],
            empty=str(_("Every region with reports is ranked.")),
        ),
    ]
    context = _base_context(request, government, scope, form, data) | {
        "min_volume": rankings["min_volume"],
        "per_inhabitants": PER_INHABITANTS,
        "level_label": dict(RegionLevel.choices)[level],
    }
    return _page(
        request, "frontend/national/rankings.html", tables, context, filename=_filename(scope, data, "peringkat")
    )


# --- Surges -------------------------------------------------------------------------------------


def _surge_rows(flags: list[dict[str, Any]], labels: dict[str, str], path: str, data: dict[str, Any]) -> list[Row]:
    return [
        Row(
            cells=[
                flag["name"],
                flag["region_code"],
                labels.get(flag["category_code"], flag["category_code"]),
                flag["first_day"],
                flag["last_day"],
                flag["window_days"],
                flag["recent"],
                flag["baseline_days"],
                round(flag["expected"], 2),
            ],
            # Its kabupaten/kota on the dashboard, at the kecamatan's row.
            href=path + _query(data, wilayah=flag["region_code"][:5]) + f"#wilayah-{flag['region_code']}",
            anchor=f"lonjakan-{flag['id']}",
        )
        for flag in flags
    ]


@require_GET
@oversight_page
def surges_page(request: HttpRequest, government: Government, scope: NationalScope) -> HttpResponse:
    form, data = _read_view(request, scope)
    context = {"government": government, "scope": scope, "province_host": scope.province_code is not None}
    if not data:
        return _invalid(request, "frontend/national/surges.html", form, context)
    flags = surge_flags_history(scope=scope, start=data["mulai"], end=data["sampai"])
    labels = category_names(
        codes={flag["category_code"] for flag in flags["open"] + flags["ended"]}, language=translation.get_language()
    )
    columns = [
        Column(str(_("Kecamatan"))),
        Column(str(_("Code"))),
        Column(str(_("Category"))),
        Column(str(_("First surging day"))),
        Column(str(_("Last surging day"))),
        Column(str(_("Window (days)")), numeric=True),
        Column(str(_("Reports in the window")), numeric=True),
        Column(str(_("Baseline (days)")), numeric=True),
        Column(str(_("Expected from the baseline")), numeric=True),
    ]
    map_data = {"mulai": data["mulai"], "sampai": data["sampai"]}
    tables = [
        Table(
            key="berlangsung",
            caption=str(_("Surges going on")),
            columns=columns,
            rows=_surge_rows(flags["open"], labels, DASHBOARD_PATH, map_data),
            empty=str(_("No surge is going on.")),
        ),
        Table(
            key="berakhir",
            caption=str(_("Surges over, last seen in the period")),
            columns=columns,
            rows=_surge_rows(flags["ended"], labels, DASHBOARD_PATH, map_data),
            empty=str(_("No surge ended in this period.")),
        ),
    ]
    context = _base_context(request, government, scope, form, data) | {
        "factor": SURGE_FACTOR,
        "min_reports": SURGE_MIN_REPORTS,
    }
    return _page(request, "frontend/national/surges.html", tables, context, filename=_filename(scope, data, "lonjakan"))


# --- Open data ----------------------------------------------------------------------------------


@answers_on(OVERSIGHT)
@require_GET
def open_data_page(request: HttpRequest) -> HttpResponse:
    """What anyone may download, and how it is protected: the page itself shows no data, so it
    is open to everyone on the oversight hosts (the data is served on the public host)."""
    government, scope = _scope_of_host(request)
    start, end = last_full_month(timezone.localdate())
    base = central_origin(request) + "/api/v1/open-data/reports/"
    period = urlencode({"start": start.isoformat(), "end": end.isoformat()})
    return render(
        request,
        "frontend/national/open_data.html",
        {
            "government": government,
            "scope": scope,
            "province_host": scope.province_code is not None,
            "min_cell": OPEN_DATA_MIN_CELL,
            "json_url": f"{base}?{period}",
            "csv_url": f"{base}?{period}&output=csv",
            "period_start": start,
            "period_end": end,
            "min_volume": RANKING_MIN_VOLUME,
        },
    )


def last_full_month(today: date) -> tuple[date, date]:
    """The first and last day of the month before `today`'s."""
    first = today.replace(day=1)
    end = first - timedelta(days=1)
    return end.replace(day=1), end
