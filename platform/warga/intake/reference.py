"""What intake reads from public reference data, held per process.

Every submission looks up its category, the category's questions, its village (with district
and regency) and the government that owns the village: five statements for answers that change
when an operator edits the taxonomy, imports regions or a government becomes ready, a few times
a year. `intake_reference()` reads one row instead, `intake_reference_version`, and rereads
the rest only when that version changed (docs/decisions/0085).

The version works like routing's (docs/decisions/0061): a statement-level trigger on every
table in `REFERENCE_MODELS` gives it a new random value in the writer's own transaction
(the admin, the region import, provisioning marking a government ready, migrations, raw SQL),
and the version is read before the rows, so an entry is never older than its key. Villages
(83,000 of them) are read one by one as reports name them and kept up to a bound; the other
tables are small and read whole.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Model

from tenants.models import Government, Level
from warga.intake.models import ReferenceVersion
from warga.regions.models import District, Regency, Village
from warga.taxonomy.models import Category, CategoryQuestion, CategoryQuestionValue
from warga.taxonomy.questions import Question, questions_by_category

# What the cache is read from. Each table has the version trigger (migration intake 0007);
# tests/warga/intake/test_reference_cache.py fails on a table read here without it.
REFERENCE_MODELS: tuple[type[Model], ...] = (
    Category,
    CategoryQuestion,
    CategoryQuestionValue,
    Village,
    District,
    Regency,
    Government,
)

# Villages kept per process: enough for every village with reports in a busy week; past it the
# cache starts again (a miss costs the one query every submission used to make).
VILLAGES_KEPT = 20_000


@dataclass
class IntakeReference:
    """The reference data at one version. Shared by every request of the process: read it,
    never change it (the model instances in it included)."""

    key: tuple[int, uuid.UUID | None]
    categories: Mapping[str, Category]
    # Active questions by category code, in the order they are asked.
    questions: Mapping[str, list[Question]]
    # Ready governments by code, and the national one (the triage desk), if ready.
    ready: Mapping[str, Government]
    national: Government | None
    _villages: dict[str, Village | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def category(self, code: str) -> Category | None:
        return self.categories.get(code)

    def questions_of(self, category_code: str) -> list[Question]:
        return self.questions.get(category_code, [])

    def village(self, code: str) -> Village | None:
        """The village with its district and regency loaded; None for an unknown code."""
        if code in self._villages:
            return self._villages[code]
        found = Village.objects.select_related("district__regency").filter(code=code).first()
        with self._lock:
            if len(self._villages) >= VILLAGES_KEPT:
                self._villages.clear()
            self._villages[code] = found
        return found

    def owner(self, *, regency_code: str, province_code: str) -> Government | None:
        """The government that owns reports from a village: its regency/city when ready, else
        its province when ready, else the national triage desk (None when even that is not)."""
        return self.ready.get(regency_code) or self.ready.get(province_code) or self.national


_cached: IntakeReference | None = None
_lock = threading.Lock()


def reference_version() -> tuple[int, uuid.UUID | None]:
    """(oid of the version table, version): one statement, in whatever schema is current (the
    table is public, and every government's search path reaches public)."""
    table = ReferenceVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::bigint, version FROM public.{table}")
        row = cursor.fetchone()
        if row is None:
            cursor.execute("SELECT %s::regclass::oid::bigint", [f"public.{table}"])
            return int(cursor.fetchone()[0]), None
    return int(row[0]), row[1]


def intake_reference(*, key: tuple[int, uuid.UUID | None] | None = None) -> IntakeReference:
    """The reference data, from this process's cache while its version has not changed: one
    statement then; four more (and one per village named) when it has. `key` is the version
    when the caller has just read it (`reference_version()`'s answer, read by the submission
    with the reporter's index rows): then none."""
    global _cached
    key = key if key is not None else reference_version()
    cached = _cached
    if cached is not None and cached.key == key:
        return cached
    ready = {g.code: g for g in Government.objects.filter(is_ready=True)}
    found = IntakeReference(
        key=key,
        categories={c.code: c for c in Category.objects.all()},
        questions=questions_by_category(),
        ready={code: g for code, g in ready.items() if g.level != Level.NATIONAL},
        national=next((g for g in ready.values() if g.level == Level.NATIONAL), None),
    )
    if key[1] is not None:
        with _lock:
            _cached = found
    return found


def intake_reference_forget() -> None:
    """Empty this process's cache (for tests and benchmarks that measure a cold read)."""
    global _cached
    with _lock:
        _cached = None
