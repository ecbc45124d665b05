"""The public map's cells counted again from the index (decision 0035)."""

from __future__ import annotations

from django.db import connection, transaction

from tenants.scope import public_scoped

# The map cells counted again from the index in one statement (decision 0035): for a bulk load
# of the index written with the cells' trigger disabled (the trigger costs about a millisecond a
# row), or a check that the counts have not drifted. Writers wait for the share lock, so no row
# is counted twice or missed while the cells are replaced.
_MAP_CELLS_RECOUNT_SQL = """
LOCK TABLE intake_report_index IN SHARE MODE;
DELETE FROM intake_map_cell;
INSERT INTO intake_map_cell (level, cell_row, cell_col, status, category_code, reports, latitude_sum, longitude_sum)
SELECT level, floor(latitude * 2 ^ level)::integer, floor(longitude * 2 ^ level)::integer, status, category_code,
       count(*), sum(latitude), sum(longitude)
FROM intake_report_index CROSS JOIN (VALUES (5), (8)) AS levels (level)
WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND privacy <> 'rahasia'
GROUP BY 1, 2, 3, 4, 5;
"""


@public_scoped
def map_cells_recount() -> int:
    """Replace every map cell by the counts of the index as it is now, in one transaction
    (index writers wait until it commits); returns how many cells were written."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in filter(str.strip, _MAP_CELLS_RECOUNT_SQL.split(";")):
            cursor.execute(statement)
        written = cursor.rowcount
        cursor.execute("ANALYZE intake_map_cell")
    return written
