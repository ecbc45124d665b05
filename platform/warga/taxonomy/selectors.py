"""Reads of the national category taxonomy."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from tenants.scope import any_scope
from warga.taxonomy.models import Category


@any_scope
def category_get(*, code: str) -> Category | None:
    return Category.objects.filter(code=code).first()


@any_scope
def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


@any_scope
def category_names(*, codes: Iterable[str], language: str = "id") -> dict[str, str]:
    """Each code's name in `language` (Bahasa Indonesia unless "en"): one query."""
    column = "name_en" if language == "en" else "name_id"
    return dict(Category.objects.filter(code__in=list(codes)).values_list("code", column))
