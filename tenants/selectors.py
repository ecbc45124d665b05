"""Reads of the tenant registry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from tenants.models import Government, Level


def governments_ready() -> QuerySet[Government]:
    """Governments that may be served and sent tasks (never the template)."""
    return Government.objects.filter(is_ready=True).exclude(level=Level.TEMPLATE)


def governments_serving() -> QuerySet[Government]:
    """Every government except the hidden template, ready or not."""
    return Government.objects.exclude(level=Level.TEMPLATE)


def government_by_code(code: str) -> Government | None:
    return Government.objects.filter(code=code).first()


def government_national() -> Government | None:
    return Government.objects.filter(level=Level.NATIONAL).first()


# Schemas probed per statement by `governments_holding`: one index probe each.
PROBE_CHUNK = 200


def governments_holding(governments: Iterable[Government], rows: QuerySet[Any]) -> list[Government]:
    """Those of `governments` whose schema holds at least one of `rows`.

    Public scope. `rows` is a tenant model's queryset on one table (no join, no subquery: the
    table is qualified with each schema, anything else would be read from the search path);
    it is asked of every schema in one statement per 200, `SELECT n WHERE EXISTS (...)` joined
    by UNION ALL, each an index probe when the filter matches a partial index. Beat's
    dispatcher uses it to send a per-government job only where it has work (docs/decisions/0125).
    """
    query = rows.order_by().values("pk")[:1].query
    sql, params = query.get_compiler(using=rows.db).as_sql()
    table = rows.model._meta.db_table
    quote = connection.ops.quote_name
    if len(query.alias_map) != 1 or sql.count(" FROM ") != 1 or sql.count(quote(table)) < 1:
        raise ValueError(f"governments_holding probes one table with no join or subquery, not: {sql}")
    candidates = list(governments)
    holding: list[Government] = []
    with connection.cursor() as cursor:
        for start in range(0, len(candidates), PROBE_CHUNK):
            chunk = candidates[start : start + PROBE_CHUNK]
            probes = " UNION ALL ".join(
                f"SELECT {index} WHERE EXISTS ("
                + sql.replace(quote(table), f"{quote(government.schema_name)}.{quote(table)}")
                + ")"
                for index, government in enumerate(chunk)
            )
            cursor.execute(probes, tuple(params) * len(chunk))
            holding.extend(chunk[index] for (index,) in cursor.fetchall())
    return holding
