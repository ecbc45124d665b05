"""Tables the national pages show, and the CSV of each: one structure feeds both, so the
download holds exactly the values on the page (in machine form: 1234.5, 2026-11-20; the
page shows the same values in the reader's language)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse

Value = str | int | float | date | None


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    cells: Sequence[Value]
    # Where the first cell links (the drill-down), if anywhere.
    href: str = ""
    # An element id, for links that point at one row (a surge from its notification).
    anchor: str = ""


@dataclass
class Table:
    key: str
    caption: str
    columns: Sequence[Column]
    rows: list[Row] = field(default_factory=list)
    empty: str = ""


def csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def csv_response(table: Table, *, filename: str) -> HttpResponse:
    """The table as CSV: a header of its column labels, then its rows' values."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(value) for value in row.cells])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_named(tables: Sequence[Table], key: str) -> Table | None:
    return next((table for table in tables if table.key == key), None)


def as_context(tables: Sequence[Table]) -> dict[str, Any]:
    return {table.key.replace("-", "_"): table for table in tables}
