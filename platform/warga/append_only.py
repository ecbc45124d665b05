"""Append-only rows: audit trails are written once and never changed or deleted by the
application (the retention and erasure services rewrite personal fields with queryset
updates, which are deliberate and logged by their own requests)."""

from __future__ import annotations

from typing import Any

from django.db import models


class ImmutableRowError(RuntimeError):
    """An append-only row was about to be changed or deleted."""


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRowError(f"{self._meta.label} rows are written once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRowError(f"{self._meta.label} rows are never deleted.")
