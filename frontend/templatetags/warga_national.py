"""Display of the national pages' table values: numbers grouped and with the decimal sign of
the reader's language, dates as ISO days, nothing as a dash."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def cell(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=None if value != int(value) else 0, force_grouping=True)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@register.filter(name="csv_value")
def csv_value_filter(value: object) -> str:
    """The value as the table's CSV writes it (for charts reading the table)."""
    from frontend.national.tables import csv_value

    return csv_value(value)  # type: ignore[arg-type]


@register.filter
def index(sequence: Sequence[object], position: int) -> object:
    return sequence[position]
