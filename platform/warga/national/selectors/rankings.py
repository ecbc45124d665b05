"""Regions ranked per 100,000 inhabitants where a population figure is loaded, per report
elsewhere, and by resolution within SLA (docs/decisions/0018)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models

from tenants.scope import any_scope
from warga.national.models import (
    RegionLevel,
)
from warga.national.selectors.scope import NationalScope, _names, _rate, _rows
from warga.regions.selectors import population_figures

# A region with fewer reports in the period is listed but not ranked: a rate over three
# reports says nothing, and ranking it invites gaming (the Qlue quota lesson).
RANKING_MIN_VOLUME = 20


class Normalisation(models.TextChoices):
    PER_100K_INHABITANTS = "per_100k_inhabitants", "Per 100.000 penduduk"
    PER_REPORT = "per_report", "Per laporan"


PER_INHABITANTS = 100_000


def _per_100k(count: int, population: int) -> float:
    return round(count * PER_INHABITANTS / population, 2)


@any_scope
def dashboard_rankings(
    *,
    scope: NationalScope,
    start: date,
    end: date,
    level: str = RegionLevel.REGENCY,
    parent_code: str | None = None,
    min_volume: int = RANKING_MIN_VOLUME,
) -> dict[str, Any]:
    """Regions with at least `min_volume` reports in the period, ranked; the others listed
    apart, unranked. With `parent_code` (a drill-down into 32 or 32.73) only the regions
    inside it are ranked: a kecamatan of Kota Bandung competes with its neighbours, not with
    the whole country's.

    A region whose population is loaded (warga.regions, `import_population`) is ranked per
    100,000 inhabitants: resolved reports per 100,000, then SLA compliance. One without is
    ranked per report, as before figures existed: resolved share, then SLA compliance. The
    two measures do not compare, so each is its own ranking (rank 1 in each), listed
    per-inhabitant first; every row names its normalisation and the figure's year and source."""
    where, params = scope.where()
    if parent_code:
        # Codes nest (32 > 32.73 > 32.73.01); the province narrows the rows read to its own.
        where = f"{where} AND region_code LIKE %s AND province_code = %s"
        params = [*params, parent_code + ".%", parent_code[:2]]
    # From the per-region roll-up (docs/decisions/0080): 514 x 30 rows for a month's kab/kota.
    rows = _rows(
        f"""
        SELECT region_code AS code, sum(reports)::int AS volume, sum(resolved)::int AS resolved,
               sum(sla_met)::int AS sla_met, sum(sla_known)::int AS sla_known,
               (sum(rating_sum)::float / nullif(sum(ratings), 0)) AS rating_mean
        FROM national_region_day
        WHERE level = %s AND day BETWEEN %s AND %s AND {where}
        GROUP BY region_code
        """,
        [level, start, end, *params],
    )
    codes = [row["code"] for row in rows]
    names = _names(level, codes)
    figures = population_figures(codes=codes)
    entries = []
    for row in rows:
        figure = figures.get(row["code"])
        entry: dict[str, Any] = {
            "code": row["code"],
            "name": names.get(row["code"], ""),
            "volume": row["volume"],
            "resolved_percent": _rate(row["resolved"], row["volume"]),
            "sla_compliance_percent": _rate(row["sla_met"], row["sla_known"]),
            "rating_mean": None if row["rating_mean"] is None else round(row["rating_mean"], 2),
            "normalisation": Normalisation.PER_REPORT if figure is None else Normalisation.PER_100K_INHABITANTS,
            "population": None,
            "reports_per_100k": None,
            "resolved_per_100k": None,
        }
        if figure is not None:
            entry |= {
                "population": {"inhabitants": figure.population, "year": figure.year, "source": figure.source},
                "reports_per_100k": _per_100k(row["volume"], figure.population),
                "resolved_per_100k": _per_100k(row["resolved"], figure.population),
            }
        entries.append(entry)
    eligible = [entry for entry in entries if entry["volume"] >= min_volume]
    per_inhabitant = sorted(
        (e for e in eligible if e["normalisation"] == Normalisation.PER_100K_INHABITANTS),
        key=lambda e: (-e["resolved_per_100k"], -(e["sla_compliance_percent"] or 0), e["code"]),
    )
    per_report = sorted(
        (e for e in eligible if e["normalisation"] == Normalisation.PER_REPORT),
        key=lambda e: (-(e["resolved_percent"] or 0), -(e["sla_compliance_percent"] or 0), e["code"]),
    )
    for ranking in (per_inhabitant, per_report):
        for position, entry in enumerate(ranking, start=1):
            entry["rank"] = position
    unranked = sorted((e for e in entries if e["volume"] < min_volume), key=lambda e: e["code"])
    return {
        "min_volume": min_volume,
        "per_inhabitants": PER_INHABITANTS,
        "ranked": per_inhabitant + per_report,
        "ranked_counts": {
            Normalisation.PER_100K_INHABITANTS.value: len(per_inhabitant),
            Normalisation.PER_REPORT.value: len(per_report),
        },
        "below_min_volume": unranked,
    }


@any_scope
def rankings_by_sla(*, rankings: dict[str, Any]) -> list[dict[str, Any]]:
    """The regions `dashboard_rankings` ranked (at least its minimum volume), ranked again by
    resolution within SLA: share of SLA steps met, then volume. Regions where no SLA step is
    known yet are left out: no figure is not a bad figure. Each row gets `sla_rank`."""
    known = [entry for entry in rankings["ranked"] if entry["sla_compliance_percent"] is not None]
    ordered = sorted(known, key=lambda e: (-e["sla_compliance_percent"], -e["volume"], e["code"]))
    return [entry | {"sla_rank": position} for position, entry in enumerate(ordered, start=1)]
