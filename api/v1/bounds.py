"""Every v1 serializer bounds its integers and strings (docs/decisions/0050).

An integer without a bound reached PostgreSQL as a value too large for its column and came
back as a 500; a string without one let a client make the server hold megabytes. A field that
states its own bounds keeps them; any other gets the defaults below, so a new field cannot
forget. `tests/api/test_input_bounds.py` walks every v1 serializer and query parameter.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from rest_framework import serializers

# PostgreSQL's `integer`: the narrowest column an API integer is stored in or compared with.
INTEGER_MIN = -2_147_483_648
INTEGER_MAX = 2_147_483_647
# Longer than any free text Warga keeps (a report's description, a note, a rule's label).
STRING_MAX_LENGTH = 10_000

INTEGER_MESSAGE = "Angka harus antara {min} dan {max}. (The number must be between {min} and {max}.)"
STRING_MESSAGE = "Paling banyak {max} karakter. (At most {max} characters.)"


def bound_field(field: serializers.Field[Any, Any, Any, Any]) -> None:
    """Give `field` (and a list's or dict's items) the default bounds it does not state."""
    if isinstance(field, serializers.IntegerField):
        if field.max_value is None:
            field.max_value = INTEGER_MAX
            field.validators.append(MaxValueValidator(INTEGER_MAX, message=_integer_message(field)))
        if field.min_value is None:
            field.min_value = INTEGER_MIN
            field.validators.append(MinValueValidator(INTEGER_MIN, message=_integer_message(field)))
    elif isinstance(field, serializers.CharField) and not isinstance(field, serializers.ChoiceField):
        if field.max_length is None:
            field.max_length = STRING_MAX_LENGTH
            field.validators.append(
                MaxLengthValidator(STRING_MAX_LENGTH, message=STRING_MESSAGE.format(max=STRING_MAX_LENGTH))
            )
    elif isinstance(field, serializers.ListField | serializers.DictField):
        bound_field(field.child)


def _integer_message(field: serializers.IntegerField) -> str:
    return INTEGER_MESSAGE.format(min=field.min_value, max=field.max_value)


class BoundedSerializer(serializers.Serializer[Any]):
    """Base of every v1 serializer: its fields carry bounds (the OpenAPI schema shows them)."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for field in fields.values():
            bound_field(field)
        return fields


# A page of a list: `limit` items from `offset`.
class PagingQuery(BoundedSerializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, max_value=10_000, default=0)
