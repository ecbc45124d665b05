"""The PostgreSQL server settings a fleet of schemas needs, checked wherever the server may be
one Warga did not configure itself (an external `DATABASE_URL`): by `migrate_fleet` before a
release migrates anything, and by `/healthz` (docs/decisions/0052-lock-slots-for-the-fleet.md).

`pg_dump` of the whole database takes a lock on every table in one transaction. PostgreSQL's
lock table is shared and holds `max_locks_per_transaction x (max_connections +
max_prepared_transactions)` locks; a dump of more tables than that fails with "out of shared
memory" (django-tenants#943). Each government has ~30 tables, so ~550 governments need ~16,500
locks for the dump alone, more than the default 64 x 100 = 6,400 slots. The check asks for
twice the tables, leaving the other half to the requests, workers and migrations running
beside a dump.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import connection

# What deploy/ sets (compose, Kubernetes, the embedded development server): enough for the
# whole country (~550 governments) with 100 connections, and what the messages recommend.
RECOMMENDED_MAX_LOCKS_PER_TRANSACTION = 1024
# Lock slots per table: one for the dump, one left for everything running beside it.
HEADROOM = 2


@dataclass(frozen=True)
class LockCapacity:
    max_locks_per_transaction: int
    max_connections: int
    max_prepared_transactions: int
    tables: int

    @property
    def slots(self) -> int:
        return self.max_locks_per_transaction * (self.max_connections + self.max_prepared_transactions)

    @property
    def needed(self) -> int:
        return self.tables * HEADROOM

    @property
    def ok(self) -> bool:
        return self.slots >= self.needed

    @property
    def suggested(self) -> int:
        """The smallest power of two that fits, and never less than the recommended value."""
        fits = math.ceil(self.needed / (self.max_connections + self.max_prepared_transactions))
        return max(RECOMMENDED_MAX_LOCKS_PER_TRANSACTION, 1 << max(fits - 1, 1).bit_length())

    @property
    def problem(self) -> str:
        if self.ok:
            return ""
        return (
            f"max_locks_per_transaction = {self.max_locks_per_transaction} terlalu kecil untuk {self.tables} tabel: "
            f"pg_dump seluruh basis data mengunci setiap tabel sekaligus dan migrasi armada berjalan di sampingnya, "
            f"perlu {self.needed} slot kunci, server hanya punya {self.slots} (max_locks_per_transaction "
            f"{self.max_locks_per_transaction} x (max_connections {self.max_connections} + "
            f"max_prepared_transactions {self.max_prepared_transactions})). Setel max_locks_per_transaction = "
            f"{self.suggested} di postgresql.conf (atau ALTER SYSTEM) lalu mulai ulang PostgreSQL (deploy/README.md)."
        )

    def as_health(self) -> dict[str, object]:
        """The /healthz entry. Too few slots is a warning, not a failure: /healthz is the web
        processes' readiness probe, and taking every web process out of service would stop
        citizens' reports for a problem of the database's backups and releases."""
        result: dict[str, object] = {
            "ok": True,
            "max_locks_per_transaction": self.max_locks_per_transaction,
            "lock_slots": self.slots,
            "tables": self.tables,
        }
        if not self.ok:
            result["warning"] = self.problem
        return result


def lock_capacity() -> LockCapacity:
    """The server's lock table against the tables of every schema, read in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT current_setting('max_locks_per_transaction')::int, current_setting('max_connections')::int,
                      current_setting('max_prepared_transactions')::int,
                      (SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'p')
                        AND relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace))"""
        )
        locks, connections, prepared, tables = cursor.fetchone()
    return LockCapacity(locks, connections, prepared, tables)
