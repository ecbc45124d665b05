"""django-tenants' PostgreSQL backend, with the current schema's table list read by index.

Django's migration recorder asks for the table list to know whether `django_migrations`
exists, four times for every schema a migration run visits; Django's query tests every table of
every schema for visibility, 45 to 65 ms at 547 governments (tenants/catalog.py). It was 60 % of a
fleet migration's time at that size.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.introspection import TableInfo
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.postgresql_backend.introspection import DatabaseSchemaIntrospection

from tenants.catalog import table_list


class SchemaIntrospection(DatabaseSchemaIntrospection):
    def get_table_list(self, cursor: Any) -> list[TableInfo]:
        # django-tenants narrows the search path to the current schema and asks Django's
        # query: the same tables as this, found by scanning the whole catalog.
        return [
            TableInfo(*row)
            for row in table_list(cursor, self.connection.schema_name)
            if row[0] not in self.ignored_tables
        ]


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.introspection = SchemaIntrospection(self)
