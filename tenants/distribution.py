"""How Warga's tables would be placed on a distributed PostgreSQL (docs/scaling.md).

With Citus schema-based sharding each government's schema becomes a distributed schema: all its
tables live together on one worker node and move together. Tables in `public` stay on the
coordinator, except the small reference tables below, which Citus copies to every node so a
government's queries can join them there.

Three rules keep that move possible, and `tests/tenants/test_distribution.py` checks each of
them on a real database:

1. No foreign key crosses from a government's schema to another schema (a tenant row names a
   user or a region by its key, without a database constraint).
2. Every sequence a government's table draws from lives in the government's own schema.
3. A statement on a request path that reads a government's tables joins, besides them, only
   the reference tables listed here.
"""

from __future__ import annotations

# Public tables a government's queries may join. Each is small, changes rarely, and is the same
# for every government: Citus would make it a reference table (copied to every node).
REFERENCE_TABLES = frozenset(
    {
        "regions_province",
        "regions_regency",
        "regions_district",
        "regions_village",
        "regions_population",
        "regions_dataset",
        "regions_boundary",
        "taxonomy_category",
        "tenants_government",
        "tenants_domain",
    }
)
