"""Importing the reference data: the Kemendagri regions from the `idn-area-data` package files,
and the population figures and boundaries the operator loads, one module per kind.

| module | what it does |
|---|---|
| reference_data | the Kemendagri provinces, regencies, districts and villages from the package files |
| population | BPS population figures, the rankings' denominator |
| boundaries | the regions' boundaries from a GeoJSON file |
| _common | the progress callback, and the population codes and levels both of the others read |
"""

from warga.regions.services._common import Progress
from warga.regions.services.boundaries import BoundaryDataError, BoundaryImportResult, boundaries_import
from warga.regions.services.population import (
    POPULATION_FIRST_YEAR,
    POPULATION_HEADER,
    POPULATION_MAX,
    PopulationDataError,
    PopulationImportResult,
    population_import,
)
from warga.regions.services.reference_data import FILES, ImportResult, RegionDataError, file_row_counts, regions_import

__all__ = [
    "FILES",
    "POPULATION_FIRST_YEAR",
    "POPULATION_HEADER",
    "POPULATION_MAX",
    "BoundaryDataError",
    "BoundaryImportResult",
    "ImportResult",
    "PopulationDataError",
    "PopulationImportResult",
    "Progress",
    "RegionDataError",
    "boundaries_import",
    "file_row_counts",
    "population_import",
    "regions_import",
]
