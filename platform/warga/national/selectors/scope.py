"""Who sees which regions (`NationalScope`), and the helpers every read of the read model uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from tenants.models import Government, Level
from tenants.scope import any_scope
from warga.national.models import (
    COUNTRY_CODE,
    COUNTRY_LEVEL,
    RegionLevel,
)
from warga.regions.selectors import region_names


@dataclass(frozen=True)
class NationalScope:
    """Which regions a reader may see: all (province_code None) or one province; and, for a
    drill-down, the one province or kabupaten/kota (`region_code`, inside province_code) the
    KPIs, series and categories are narrowed to. Callers check that region_code lies inside
    the reader's province before building a scope with it."""

    province_code: str | None = None
    region_code: str | None = None

    def where(self, alias: str = "") -> tuple[str, list[Any]]:
        column = f"{alias}province_code"
        if self.province_code is None:
            return "TRUE", []
        return f"{column} = %s", [self.province_code]

    def fact_where(self) -> tuple[str, list[Any]]:
        """`where` plus the drill-down region, over national_report_fact."""
        where, params = self.where()
        if self.region_code:
            column = "province_code" if len(self.region_code) == 2 else "regency_code"
            where, params = f"{where} AND {column} = %s", [*params, self.region_code]
        return where, params

    def rollup_where(self, alias: str = "") -> tuple[str, list[Any]]:
        """`where` plus the roll-up level to read: the province rows, or the regency's own
        rows when drilled into a kabupaten/kota."""
        where, params = self.where(alias)
        if self.region_code and len(self.region_code) > 2:
            return f"{alias}level = 'regency' AND {alias}region_code = %s AND {where}", [self.region_code, *params]
        if self.region_code:
            return f"{alias}level = 'province' AND {alias}region_code = %s AND {where}", [self.region_code, *params]
        return f"{alias}level = 'province' AND {where}", params

    def region_fold_where(self) -> tuple[str, list[Any]]:
        """The rows of exactly the region looked at in the folds that keep a country row
        (`national_region_duration`, `national_region_category`): the kabupaten/kota or
        province drilled into, the reader's province, or the country."""
        region = self.region_code or self.province_code
        if region is None:
            return f"level = '{COUNTRY_LEVEL}' AND region_code = '{COUNTRY_CODE}'", []
        level = RegionLevel.REGENCY if len(region) > 2 else RegionLevel.PROVINCE
        return "level = %s AND region_code = %s", [level, region]


@any_scope
def scope_for(*, government: Government) -> NationalScope | None:
    """The national government sees the country, a province government its own province;
    a kabupaten/kota has its own reports and no oversight view (None)."""
    if government.level == Level.NATIONAL:
        return NationalScope()
    if government.level == Level.PROVINCE and government.code:
        return NationalScope(province_code=government.code)
    return None


def _rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600.0, 2)


def _names(level: str, codes: list[str]) -> dict[str, str]:
    return region_names(level=RegionLevel(level).value, codes=codes)
