"""Reads of the reference data: lookups by code and typo-tolerant village search."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import QuerySet

from tenants.scope import any_scope
from warga.errors import Defect
from warga.regions.boundaries import fitted_paths, svg_path
from warga.regions.models import (
    Boundary,
    Dataset,
    District,
    Population,
    PopulationLevel,
    Province,
    Regency,
    Village,
)


@dataclass(frozen=True)
class VillageMatch:
    code: str
    name: str
    kind: str
    district_code: str
    district_name: str
    regency_code: str
    regency_name: str
    province_code: str
    province_name: str
    similarity: float

    @property
    def full_path(self) -> str:
        return f"{self.name}, {self.district_name}, {self.regency_name}, {self.province_name}"


@any_scope
def village_search(*, query: str, limit: int = 10, within_code: str | None = None) -> list[VillageMatch]:
    """Villages whose name resembles `query` (pg_trgm), best first, with their full path.

    `within_code` narrows to a province, regency or district code prefix.
    """
    text = query.strip()
    if len(text) < 3:
        return []
    villages: QuerySet[Village] = Village.objects.select_related("district__regency__province")
    if within_code:
        villages = villages.filter(code__startswith=within_code)
    villages = (
        villages.filter(name__trigram_word_similar=text)
        .annotate(similarity=TrigramWordSimilarity(text, "name"))
        .order_by("-similarity", "name", "code")[:limit]
    )
    return [_match(village, float(village.similarity)) for village in villages]


def _match(village: Village, similarity: float) -> VillageMatch:
    return VillageMatch(
        code=village.code,
        name=village.name,
        kind=village.kind,
        district_code=village.district.code,
        district_name=village.district.name,
        regency_code=village.district.regency.code,
        regency_name=village.district.regency.name,
        province_code=village.district.regency.province.code,
        province_name=village.district.regency.province.name,
        similarity=similarity,
    )


@any_scope
def villages_by_codes(*, codes: Iterable[str]) -> list[VillageMatch]:
    """The villages of `codes` with their full path, in the order given; unknown codes are skipped."""
    wanted = [code for code in dict.fromkeys(codes) if code]
    found = {
        village.code: village
        for village in Village.objects.select_related("district__regency__province").filter(code__in=wanted)
    }
    return [_match(found[code], 1.0) for code in wanted if code in found]


@any_scope
def province_get(*, code: str) -> Province | None:
    return Province.objects.filter(code=code).first()


@any_scope
def regency_get(*, code: str) -> Regency | None:
    return Regency.objects.select_related("province").filter(code=code).first()


@any_scope
def districts_of(*, regency_code: str) -> QuerySet[District]:
    return District.objects.filter(regency_id=regency_code)


@any_scope
def dataset_current() -> Dataset | None:
    return Dataset.objects.order_by("-imported_at").first()


@dataclass(frozen=True)
class PopulationFigure:
    population: int
    year: int
    source: str


@any_scope
def population_figures(*, codes: Iterable[str]) -> dict[str, PopulationFigure]:
    """The loaded population of each of `codes` that has one (one query)."""
    return {
        code: PopulationFigure(population=population, year=year, source=source)
        for code, population, year, source in Population.objects.filter(code__in=list(codes)).values_list(
            "code", "population", "year", "source"
        )
    }


@any_scope
def boundary_paths(*, level: str) -> dict[str, str]:
    """SVG paths of the loaded outlines of one level, by code (viewBox 0 0 480 190): one query."""
    return {code: svg_path(rings) for code, rings in Boundary.objects.filter(level=level).values_list("code", "rings")}


@any_scope
def regency_outlines(*, province_code: str) -> tuple[str, dict[str, str]] | None:
    """The kabupaten/kota of a province as SVG paths fitted to one viewBox, (viewBox, paths
    by code), when every one of them has a loaded outline; None otherwise, and the page keeps
    its tables (a map with holes would hide regions). Two queries."""
    codes = set(Regency.objects.filter(province_id=province_code).values_list("code", flat=True))
    shapes = dict(Boundary.objects.filter(level=PopulationLevel.REGENCY, code__in=codes).values_list("code", "rings"))
    if not codes or set(shapes) != codes:
        return None
    return fitted_paths(shapes)


# Region names change only when a new Kemendagri release is imported (a few times a decade for
# a province or kabupaten/kota, yearly for some kecamatan). Each process keeps a level's names
# for at most REGION_NAMES_TTL_SECONDS; a write in this process (the import, the admin, a
# factory) forgets them at once (`region_names_forget`, wired in RegionsConfig.ready()), and
# another process sees the new names within the TTL. Public reference data: no tenant's rows.
REGION_NAMES_TTL_SECONDS = 300.0
_NAMED_LEVELS: dict[str, type[Province] | type[Regency] | type[District]] = {
    "province": Province,
    "regency": Regency,
    "district": District,
}
_names_lock = threading.Lock()
_names_by_level: dict[str, tuple[float, dict[str, str]]] = {}


def _level_names(level: str) -> dict[str, str]:
    if level not in _NAMED_LEVELS:
        raise Defect(f"region names are kept for {', '.join(_NAMED_LEVELS)}, not {level!r}")
    cached = _names_by_level.get(level)
    if cached is None or time.monotonic() - cached[0] > REGION_NAMES_TTL_SECONDS:
        names = dict(_NAMED_LEVELS[level].objects.values_list("code", "name"))
        with _names_lock:
            _names_by_level[level] = cached = (time.monotonic(), names)
    return cached[1]


@any_scope
def region_names(*, level: str, codes: Iterable[str]) -> dict[str, str]:
    """Names of provinces, kabupaten/kota or kecamatan (`level`) by code, from this process's
    copy of the level's names (read in one query when missing or older than the TTL). Codes
    not in the reference data are left out."""
    names = _level_names(level)
    return {code: names[code] for code in codes if code in names}


@any_scope
def region_codes_inside(*, level: str, parent_code: str) -> list[str]:
    """Codes of the regions of `level` inside `parent_code` (codes nest: the kecamatan of
    32.73 are 32.73.xx), sorted, from the same per-process copy. Codes a newer release dropped
    stay in the reference data, so a report's region is always among them."""
    prefix = parent_code + "."
    return sorted(code for code in _level_names(level) if code.startswith(prefix))


@any_scope
def region_names_forget(**_: object) -> None:
    """Drop this process's region names (after a write to the regions)."""
    with _names_lock:
        _names_by_level.clear()
