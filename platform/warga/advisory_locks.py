"""Session-level PostgreSQL advisory locks that a process tries once and holds for a block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection


@contextmanager
def advisory_lock_tried(*key: int) -> Iterator[bool]:
    """Try the advisory lock `key` (one 64-bit or two 32-bit integers) for as long as the block
    runs: True when this session holds it, False when another session does.

    Session-level, not a row lock: it lasts across calls outside any transaction (no snapshot
    kept, nothing idle in transaction), and it goes away with the database session if the
    process dies while holding it."""
    arguments = ", ".join(["%s"] * len(key))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_try_advisory_lock({arguments})", list(key))
        row = cursor.fetchone()
    held = bool(row and row[0])
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT pg_advisory_unlock({arguments})", list(key))
            except DatabaseError:
                pass  # the session is gone, and its locks with it
