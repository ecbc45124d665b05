"""Session advisory locks that claim one piece of work for as long as a block runs, across a
network call, with no transaction open (docs/decisions/0048): notification and webhook delivery,
and a government's provisioning from a join request.

A session lock, not a row lock: it keeps no snapshot and locks no row, and it goes away with the
database session if the process holding it dies. Needs session pooling (deploy/README.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection


def advisory_key(*parts: object) -> int:
    """A 64-bit key for `parts` joined by ":", e.g. ("notification", schema, id). Ids repeat
    across governments' schemas, so callers name the schema; the two-integer keys other
    services lock (warga.national) live in a separate key space."""
    digest = hashlib.blake2b(":".join(str(part) for part in parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def session_lock_tried(*key: int) -> Iterator[bool]:
    """Try the lock `key` (one 64-bit or two 32-bit integers) for the block: True when this
    session holds it, False when another session does (then nothing is held). Released when
    the block ends."""
    arguments = ", ".join(["%s"] * len(key))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_try_advisory_lock({arguments})", list(key))
        row = cursor.fetchone()
    claimed = bool(row and row[0])
    try:
        yield claimed
    finally:
        if claimed:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT pg_advisory_unlock({arguments})", list(key))
            except DatabaseError:
                pass  # the session is gone, and its locks with it
