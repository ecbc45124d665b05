"""Writes that start from the shared citizen app, in the public schema, one module per use case.

| module | what it does |
|---|---|
| submission | a citizen's report lands, exactly once, in the schema of the government that owns its place |
| submission_limits | how many new reports one reporter, and one address, may send |
| citizen_actions | what a citizen can do to a report: "saya juga", comment, dispute, withdraw, rate |
| map_cells | the public map's cells counted again from the index |
| transfer | a report moved to another government, and the index pointed to it (`report_transfer`, `report_move`) |
"""

from warga.intake.services.citizen_actions import (
    SupportOutcome,
    report_comment_public,
    report_dispute,
    report_rate_resolution,
    report_support,
    report_withdraw,
)
from warga.intake.services.map_cells import map_cells_recount
from warga.intake.services.submission import (
    DEFAULT_MAX_DISTANCE_FROM_DISTRICT_KM,
    DESCRIPTION_MAX_LENGTH,
    IDEMPOTENCY_KEY,
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    IdempotencyKeyReused,
    IntakeUnavailable,
    PhotoStorageUnavailable,
    Submission,
    report_submit,
)
from warga.intake.services.submission_limits import DEFAULT_RATE_LIMITS, RateLimited, submission_ip_budget_spend
from warga.intake.services.transfer import TransferOutcome, report_move, report_transfer

__all__ = [
    "DEFAULT_MAX_DISTANCE_FROM_DISTRICT_KM",
    "DEFAULT_RATE_LIMITS",
    "DESCRIPTION_MAX_LENGTH",
    "IDEMPOTENCY_KEY",
    "LATITUDE_RANGE",
    "LONGITUDE_RANGE",
    "IdempotencyKeyReused",
    "IntakeUnavailable",
    "PhotoStorageUnavailable",
    "RateLimited",
    "Submission",
    "SupportOutcome",
    "TransferOutcome",
    "map_cells_recount",
    "report_comment_public",
    "report_dispute",
    "report_move",
    "report_rate_resolution",
    "report_submit",
    "report_support",
    "report_transfer",
    "report_withdraw",
    "submission_ip_budget_spend",
]
