"""Search every schema's every text-like column for a value: where does a person still appear?"""

from __future__ import annotations

from django.db import connection

from tenants.models import Government

SEARCHED_TYPES = ("text", "character varying", "character", "uuid", "json", "jsonb")


def _schemas() -> list[str]:
    return ["public", *Government.objects.values_list("schema_name", flat=True).order_by("schema_name")]


def occurrences(needle: str) -> list[str]:
    """Every `schema.table.column` (text-like, uuid or json) whose value contains `needle`."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.table_schema, c.table_name, c.column_name
               FROM information_schema.columns c
               JOIN information_schema.tables t USING (table_schema, table_name)
               WHERE c.table_schema = ANY(%s) AND c.data_type = ANY(%s) AND t.table_type = 'BASE TABLE'
                 AND c.table_name NOT LIKE 'regions\\_%%'
               ORDER BY 1, 2, 3""",
            [_schemas(), list(SEARCHED_TYPES)],
        )
        columns = cursor.fetchall()
        for schema, table, column in columns:
            cursor.execute(
                f'SELECT EXISTS (SELECT 1 FROM "{schema}"."{table}" WHERE "{column}"::text ILIKE %s)',
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                found.append(f"{schema}.{table}.{column}")
    return found
