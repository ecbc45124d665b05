"""Helpers to run code inside one government's schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from tenants.models import Government

__all__ = ["current_schema", "government_context", "in_public_schema", "public_context", "tenant_connection"]


def tenant_connection() -> Any:
    """The default connection, typed as django-tenants' wrapper (schema_name, set_tenant ...)."""
    return cast(Any, connection)


def current_schema() -> str:
    return str(tenant_connection().schema_name)


def in_public_schema() -> bool:
    return current_schema() == get_public_schema_name()


@contextmanager
def government_context(government: Government) -> Iterator[Government]:
    with tenant_context(government):
        yield government


@contextmanager
def public_context() -> Iterator[None]:
    with schema_context(get_public_schema_name()):
        yield
