"""Reads of the national read model, by use case: who sees what (`scope`), the dashboard,
rankings, surges, the relay's freshness and open data.

Every dashboard read takes a `NationalScope`: the whole country for the national government,
one province's code for a province government's oversight (its own kabupaten/kota). The
same functions serve both, so a province can never see more than its prefix. Nothing here
walks a government's schema and no dashboard read touches a fact: counts and rates come from
the roll-ups folded per region and day, median times from the duration histograms folded the
same way (docs/decisions/0042, 0066, 0080). The triage desk's reads are warga.triage's.
"""

from warga.national.selectors.dashboard import (
    dashboard_breakdown,
    dashboard_by_category,
    dashboard_kpis,
    dashboard_series,
)
from warga.national.selectors.open_data import (
    EXPORT_COLUMNS,
    OPEN_DATA_MIN_CELL,
    facts_for_export,
    open_data_cells,
)
from warga.national.selectors.rankings import (
    PER_INHABITANTS,
    RANKING_MIN_VOLUME,
    Normalisation,
    dashboard_rankings,
    rankings_by_sla,
)
from warga.national.selectors.relay import (
    FRESHNESS_LAG_LIMIT_SECONDS,
    FRESHNESS_WINDOW,
    RELAY_STALL_AFTER_FAILURES,
    relay_freshness,
    relays_stalled,
)
from warga.national.selectors.scope import (
    NationalScope,
    region_names,
    scope_for,
)
from warga.national.selectors.surges import (
    SURGE_BASELINE_DAYS,
    SURGE_FACTOR,
    SURGE_MIN_REPORTS,
    SURGE_RECENT_DAYS,
    dashboard_surges,
    surge_flags_history,
    surge_flags_open,
)

__all__ = [
    "EXPORT_COLUMNS",
    "FRESHNESS_LAG_LIMIT_SECONDS",
    "FRESHNESS_WINDOW",
    "OPEN_DATA_MIN_CELL",
    "PER_INHABITANTS",
    "RANKING_MIN_VOLUME",
    "RELAY_STALL_AFTER_FAILURES",
    "SURGE_BASELINE_DAYS",
    "SURGE_FACTOR",
    "SURGE_MIN_REPORTS",
    "SURGE_RECENT_DAYS",
    "NationalScope",
    "Normalisation",
    "dashboard_breakdown",
    "dashboard_by_category",
    "dashboard_kpis",
    "dashboard_rankings",
    "dashboard_series",
    "dashboard_surges",
    "facts_for_export",
    "open_data_cells",
    "rankings_by_sla",
    "region_names",
    "relay_freshness",
    "relays_stalled",
    "scope_for",
    "surge_flags_history",
    "surge_flags_open",
]
