"""Reads of the national category taxonomy."""

from __future__ import annotations

from django.db.models import QuerySet

from warga.taxonomy.models import Category


def category_get(*, code: str) -> Category | None:
    return Category.objects.filter(code=code).first()


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)
