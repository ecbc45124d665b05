"""What every organisation admin service shares: the government in context, the policy check
of the acting user, and the checks of names and units."""

from __future__ import annotations

import uuid

from django.db.models import Model

from tenants.context import tenant_connection
from tenants.models import Government
from tenants.scope import any_scope, tenant_scoped
from warga.access.policy import Action, policy_require
from warga.organization.errors import OrganizationInvalid, OrganizationNotFound
from warga.organization.models import OrganizationAction, Unit, UnitKind
from warga.organization.services.events import organization_event_record

NAME_MAX = 200
# The only kinds of unit an admin adds, moves or ends: territorial units follow the reference data.
NEW_UNIT_KINDS = {UnitKind.AGENCY, UnitKind.EXTERNAL}


@tenant_scoped
def government_in_context() -> Government:
    """The government whose schema is active."""
    government = tenant_connection().tenant
    assert isinstance(government, Government)
    return government


@tenant_scoped
def require_allowed(*, acting_user: uuid.UUID, action: Action) -> Government:
    """The government in context, once warga.access.policy allows `acting_user` to do
    `action` there (else ActionForbidden)."""
    government = government_in_context()
    policy_require(actor=acting_user, government=government, action=action)
    return government


@any_scope
def clean_text(value: str, *, field: str, what: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise OrganizationInvalid(field, "required", f"{what} wajib diisi. ({what} is required.)")
    if len(text) > NAME_MAX:
        raise OrganizationInvalid(
            field, "too_long", f"{what} paling panjang {NAME_MAX} karakter. ({what} is too long.)"
        )
    return text


@tenant_scoped
def unit_or_not_found(unit_id: int, *, field: str = "unit_id") -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise OrganizationNotFound(f"Unit {unit_id} tidak ada di pemerintah daerah ini. (No such unit here.)")
    return unit


@tenant_scoped
def sibling_named(*, parent_id: int | None, name: str, excluding: int | None = None) -> bool:
    siblings = Unit.objects.filter(parent_id=parent_id, name__iexact=name)
    if excluding is not None:
        siblings = siblings.exclude(pk=excluding)
    return siblings.exists()


@tenant_scoped
def field_change(row: Model, *, field: str, value: object, acting_user: uuid.UUID, action: OrganizationAction) -> None:
    """Set `field` of a row the caller has locked to `value`, and record the change as
    [before, after]; nothing is written when it already holds that value."""
    before = getattr(row, field)
    if before != value:
        setattr(row, field, value)
        row.save(update_fields=[field])
        organization_event_record(
            acting_user=acting_user, action=action, object_id=row.pk, data={field: [before, value]}
        )
