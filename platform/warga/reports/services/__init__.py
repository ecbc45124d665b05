"""Writes to reports in the current government's schema, one module per use case.

Every service here runs inside one government's schema (the caller enters it with
`tenants.context.government_context`) and says so with a `tenants.scope` decorator, which
refuses it anywhere else; the few that touch no table, or switch schemas themselves (the move
between governments), are `@any_scope`. Every change to a report
takes the acting user (`acting_user=`), runs in one transaction with the row locked, and
leaves an audit event (`audit.report_audit_write`) and an outbox event for the national read
model (`_outbox`).

| module | what it does |
|---|---|
| creation | a submitted report written into its owner's schema, its tracking number |
| photo_storage | photo files before the transaction, and the photo task after it |
| transitions | an official moves a report through its lifecycle, or changes its priority |
| resolution | resolving with proof photos |
| merge | merging a duplicate into the report it repeats |
| assignment | a field officer of the handling unit, or another unit of the government |
| conversation | the public thread and officials' internal notes |
| forwarding | forwarding to an external organisation, and its answer |
| response_templates | the government's ready-made replies |
| citizen_actions | "saya juga", rating, the reporter's dispute and withdrawal, in the owner's schema |
| transfer_between_governments | a report's halves of its move to another government's schema (the move: `warga.intake.services.report_move`) |
| audit | the one writer of a report's trail |
"""

from warga.reports.services._common import NATIONAL_OWNER_CODE, NOTE_MAX_LENGTH
from warga.reports.services.assignment import (
    ASSIGNABLE_STATUSES,
    UNIT_TRANSFERABLE_STATUSES,
    report_assign,
    report_unit_transfer,
)
from warga.reports.services.audit import report_audit_write
from warga.reports.services.citizen_actions import (
    DISPUTE_WINDOW,
    WITHDRAW_WINDOW,
    report_rate,
    report_reporter_action,
    report_support_add,
)
from warga.reports.services.conversation import (
    COMMENT_MAX_LENGTH,
    INTERNAL_NOTE_MAX_LENGTH,
    report_comment_add,
    report_note_add,
)
from warga.reports.services.creation import (
    NewReport,
    index_map_fields,
    owner_code,
    report_create,
    tracking_number_next,
)
from warga.reports.services.forwarding import report_forward_answer, report_forward_external
from warga.reports.services.merge import MergeOutcome, report_merge
from warga.reports.services.photo_storage import (
    QUARANTINE_PREFIX,
    StoredPhoto,
    photo_files_discard,
    photo_files_store,
    report_photo_finish,
    report_photos_queue,
    report_photos_resend_waiting,
)
from warga.reports.services.resolution import ProofInput, report_resolve
from warga.reports.services.response_templates import (
    TEMPLATE_BODY_MAX,
    TEMPLATE_PLACEHOLDERS,
    TEMPLATE_TITLE_MAX,
    response_template_archive,
    response_template_save,
)
from warga.reports.services.transfer_between_governments import (
    ReportSnapshot,
    report_export_for_transfer,
    report_import_from_transfer,
    report_remove_after_transfer,
)
from warga.reports.services.transitions import report_priority_set, report_transition

__all__ = [
    "ASSIGNABLE_STATUSES",
    "COMMENT_MAX_LENGTH",
    "DISPUTE_WINDOW",
    "INTERNAL_NOTE_MAX_LENGTH",
    "NATIONAL_OWNER_CODE",
    "NOTE_MAX_LENGTH",
    "QUARANTINE_PREFIX",
    "TEMPLATE_BODY_MAX",
    "TEMPLATE_PLACEHOLDERS",
    "TEMPLATE_TITLE_MAX",
    "UNIT_TRANSFERABLE_STATUSES",
    "WITHDRAW_WINDOW",
    "MergeOutcome",
    "NewReport",
    "ProofInput",
    "ReportSnapshot",
    "StoredPhoto",
    "index_map_fields",
    "owner_code",
    "photo_files_discard",
    "photo_files_store",
    "report_assign",
    "report_audit_write",
    "report_comment_add",
    "report_create",
    "report_export_for_transfer",
    "report_forward_answer",
    "report_forward_external",
    "report_import_from_transfer",
    "report_merge",
    "report_note_add",
    "report_photo_finish",
    "report_photos_queue",
    "report_photos_resend_waiting",
    "report_priority_set",
    "report_rate",
    "report_remove_after_transfer",
    "report_reporter_action",
    "report_resolve",
    "report_support_add",
    "report_transition",
    "report_unit_transfer",
    "response_template_archive",
    "response_template_save",
    "tracking_number_next",
]
