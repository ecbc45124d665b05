"""Writes to the current government's organisation, one module per use case: the territory
seed, units, positions and memberships, invitations, branding, and the audit trail they all
write through (`organization_event_record`).

Every admin write takes the acting user's account id (`acting_user`), checks it against
warga.access.policy, validates everything before writing, runs in one transaction and leaves
one OrganizationEvent.
"""

from warga.organization.services._common import NAME_MAX
from warga.organization.services.branding import (
    COLOUR_PATTERN,
    LOGO_MAX_BYTES,
    LOGO_MAX_DIMENSION,
    MIN_CONTRAST_WITH_WHITE,
    branding_update,
    colour_contrast_with_white,
)
from warga.organization.services.events import organization_event_record
from warga.organization.services.invitations import (
    INVITATION_NOT_FOUND,
    INVITATION_VALID_FOR,
    INVITATIONS_PER_HOUR,
    UNAVAILABLE_MESSAGES,
    admin_koordinator_invite,
    invitation_accept,
    invitation_create,
    invitation_email_mismatch_message,
    invitation_resend,
    invitation_revoke,
)
from warga.organization.services.positions import (
    membership_end,
    membership_set_acting,
    position_create,
    position_rename,
)
from warga.organization.services.territory import territory_seed
from warga.organization.services.units import unit_create, unit_end, unit_move, unit_rename

__all__ = [
    "COLOUR_PATTERN",
    "INVITATIONS_PER_HOUR",
    "INVITATION_NOT_FOUND",
    "INVITATION_VALID_FOR",
    "LOGO_MAX_BYTES",
    "LOGO_MAX_DIMENSION",
    "MIN_CONTRAST_WITH_WHITE",
    "NAME_MAX",
    "UNAVAILABLE_MESSAGES",
    "admin_koordinator_invite",
    "branding_update",
    "colour_contrast_with_white",
    "invitation_accept",
    "invitation_create",
    "invitation_email_mismatch_message",
    "invitation_resend",
    "invitation_revoke",
    "membership_end",
    "membership_set_acting",
    "organization_event_record",
    "position_create",
    "position_rename",
    "territory_seed",
    "unit_create",
    "unit_end",
    "unit_move",
    "unit_rename",
]
