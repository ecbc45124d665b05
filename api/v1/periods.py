"""A period of days asked for in a query string, and how it is answered: the national
dashboard's and open data's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from api.v1.bounds import BoundedSerializer

DEFAULT_DAYS = 30
# One query answers a period of at most this many days: longer ones go through the export.
MAX_DAYS = 366


class PeriodSerializer(BoundedSerializer):
    start = serializers.DateField(required=False, help_text="Hari pertama (YYYY-MM-DD), WIB.")
    end = serializers.DateField(required=False, help_text="Hari terakhir (YYYY-MM-DD), WIB; termasuk.")

    max_days = MAX_DAYS

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        end = attrs.get("end") or timezone.localdate()
        start = attrs.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise serializers.ValidationError({"start": "Tanggal awal harus sebelum atau sama dengan tanggal akhir."})
        if (end - start).days + 1 > self.max_days:
            raise serializers.ValidationError(
                {"end": f"Periode paling panjang {self.max_days} hari; persempit tanggalnya atau gunakan ekspor."}
            )
        return attrs | {"start": start, "end": end}


class PeriodOutput(BoundedSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
