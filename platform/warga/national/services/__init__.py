"""Writes of the national read model, by use case: the relay from each government's outbox
(`relay`), the roll-ups it rebuilds (`rollups`) and the surge flags (`surges`). The triage
desk and its offers are warga.triage's; the outbox is warga.outbox's."""

from warga.national.services.relay import (
    BATCH_SIZE,
    DrainResult,
    RelayEventInvalid,
    relay_drain,
    relay_failure_record,
)
from warga.national.services.rollups import (
    COUNTRY_CATEGORY_SQL,
    COUNTRY_DURATION_SQL,
    HISTOGRAM_GROUP_SQL,
    HISTOGRAM_INSERT_SQL,
    NATIONAL_DAY_ZONE,
    REGION_CATEGORY_GROUP_SQL,
    REGION_CATEGORY_INSERT_SQL,
    REGION_DAY_GROUP_SQL,
    REGION_DAY_INSERT_SQL,
    REGION_DURATION_GROUP_SQL,
    REGION_DURATION_INSERT_SQL,
    ROLLUP_GROUP_SQL,
    ROLLUP_INSERT_SQL,
    national_day,
    rollup_recompute,
)
from warga.national.services.surges import (
    SURGES_PAGE_PATH,
    SurgeRun,
    seat_holders,
    surge_link,
    surges_flag,
)

__all__ = [
    "BATCH_SIZE",
    "COUNTRY_CATEGORY_SQL",
    "COUNTRY_DURATION_SQL",
    "HISTOGRAM_GROUP_SQL",
    "HISTOGRAM_INSERT_SQL",
    "NATIONAL_DAY_ZONE",
    "REGION_CATEGORY_GROUP_SQL",
    "REGION_CATEGORY_INSERT_SQL",
    "REGION_DAY_GROUP_SQL",
    "REGION_DAY_INSERT_SQL",
    "REGION_DURATION_GROUP_SQL",
    "REGION_DURATION_INSERT_SQL",
    "ROLLUP_GROUP_SQL",
    "ROLLUP_INSERT_SQL",
    "SURGES_PAGE_PATH",
    "DrainResult",
    "RelayEventInvalid",
    "SurgeRun",
    "national_day",
    "relay_drain",
    "relay_failure_record",
    "rollup_recompute",
    "seat_holders",
    "surge_link",
    "surges_flag",
]
