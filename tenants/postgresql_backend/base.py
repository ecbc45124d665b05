"""django-tenants' PostgreSQL backend, with the current schema's table list read by index and
the search path set only when it changes.

- **Table list.** Django's migration recorder asks for the table list to know whether
  `django_migrations` exists, four times for every schema a migration run visits; Django's query
  tests every table of every schema for visibility, 45 to 65 ms at 547 governments
  (tenants/catalog.py). It was 60 % of a fleet migration's time at that size.
- **Search path** (decision 0185). django-tenants forgets the path it set whenever a schema is
  chosen, so every request (the middleware chooses one) and every government context sends a
  `SET search_path`, even when the server is already there. This wrapper remembers what the
  server uses, at session level and inside the open transaction, and sends the `SET` only when
  the schema wanted differs. Inside a transaction it sends `SET LOCAL`: the `COMMIT` or
  `ROLLBACK` that ends the transaction also ends the switch, so a submission that writes in its
  government's schema leaves the connection on public for the next request at no cost. What the
  wrapper remembers is forgotten wherever the server may have moved without it knowing: a new
  connection, a rollback (of the transaction or to a savepoint), a failed `SET`, a failed
  `COMMIT`, a closed connection.
"""

from __future__ import annotations

from typing import Any

import django.db.utils
import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql.introspection import TableInfo
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.postgresql_backend.introspection import DatabaseSchemaIntrospection
from django_tenants.utils import quote_schema_name

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
        # The server's search path now (None: not known), and the one it returns to when the
        # open transaction ends (the last one set outside a transaction).
        self.server_search_path: list[str] | None = None
        self.session_search_path: list[str] | None = None
        super().__init__(*args, **kwargs)
        self.introspection = SchemaIntrospection(self)

    def _handle_search_path(self, cursor: Any = None) -> None:
        """Send the `SET` for the chosen schema if the server is not already on it; on the
        given cursor, or on one opened and closed here (a named cursor runs one statement)."""
        if self._setting_search_path:  # the cursor opened below re-enters _cursor()
            return
        if not self.schema_name:
            raise ImproperlyConfigured("Database schema not set. Did you forget to call set_schema() or set_tenant()?")
        wanted = self._get_cursor_search_paths()
        if wanted != self.server_search_path:
            self._search_path_send(wanted, cursor)
        self.search_path_set_schemas = self.server_search_path

    def _search_path_send(self, wanted: list[str], cursor: Any) -> None:
        # Django's autocommit is off exactly while a transaction is open (atomic or manual);
        # psycopg begins it before this statement if nothing has run in it yet.
        in_transaction = not self.autocommit
        statement = "SET LOCAL search_path = " if in_transaction else "SET search_path = "
        self._setting_search_path = True
        runner = self.connection.cursor() if cursor is None else cursor
        try:
            runner.execute(statement + ",".join(quote_schema_name(schema) for schema in wanted))
        except (django.db.utils.DatabaseError, psycopg.InternalError):
            # A transaction that has already failed refuses every statement; its rollback
            # comes next, and so does a SET on the next cursor.
            self.server_search_path = None
        else:
            self.server_search_path = wanted
            if not in_transaction:
                self.session_search_path = wanted
        finally:
            self._setting_search_path = False
            if cursor is None:
                runner.close()

    def init_connection_state(self) -> None:
        self._search_path_forget()
        super().init_connection_state()

    def _commit(self) -> None:
        try:
            super()._commit()
        except BaseException:
            self._search_path_forget()
            raise
        # The transaction's SET LOCAL ended with it.
        self.server_search_path = self.session_search_path

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._search_path_forget()

    def savepoint_rollback(self, sid: str) -> None:
        try:
            super().savepoint_rollback(sid)
        finally:
            # A SET LOCAL sent after the savepoint is undone with it; the session's path is not
            # (it is only ever set outside a transaction).
            self.server_search_path = None

    def close(self) -> None:
        self._search_path_forget()
        super().close()

    def _search_path_forget(self) -> None:
        self.server_search_path = None
        self.session_search_path = None
        self.search_path_set_schemas = None
