"""Units as a tree, one unit's seats and who holds them today, and invitations."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from frontend.console.base import CONSOLE_PATH, acting_user, console_page, page, refusal_into
from tenants.models import Government
from warga.access.policy import Action
from warga.organization.errors import OrganizationError, OrganizationInvalid
from warga.organization.models import PositionKind, UnitKind
from warga.organization.selectors import (
    InvitationState,
    holders_today,
    invitation_state,
    invitations_list,
    positions_list,
    today_in,
    unit_children,
    unit_get,
    units_for_choice,
    units_tree,
)
from warga.organization.services import (
    invitation_create,
    invitation_resend,
    invitation_revoke,
    membership_end,
    membership_set_acting,
    position_create,
    position_rename,
    unit_create,
    unit_end,
    unit_move,
    unit_rename,
)
from warga.routing.selectors import rule_set_active, rules_of

UNITS_PATH = f"{CONSOLE_PATH}unit/"
INVITATIONS_PATH = f"{CONSOLE_PATH}undangan/"
NEW_UNIT_KINDS = [(UnitKind.AGENCY.value, UnitKind.AGENCY.label), (UnitKind.EXTERNAL.value, UnitKind.EXTERNAL.label)]
# Seeded with the government, never added here (warga.organization.services).
ADDABLE_POSITION_KINDS = [
    (kind.value, kind.label)
    for kind in PositionKind
    if kind not in (PositionKind.GUBERNUR, PositionKind.BUPATI, PositionKind.WALIKOTA, PositionKind.PENGAWAS_NASIONAL)
]
# The seat a new position of each kind of unit most often is, offered first.
LIKELY_POSITION: dict[str, PositionKind] = {
    UnitKind.GOVERNMENT: PositionKind.ADMIN_KOORDINATOR,
    UnitKind.KECAMATAN: PositionKind.PETUGAS_LAPANGAN,
    UnitKind.KELURAHAN: PositionKind.PETUGAS_LAPANGAN,
    UnitKind.DESA: PositionKind.PETUGAS_LAPANGAN,
    UnitKind.AGENCY: PositionKind.KEPALA_DINAS,
    UnitKind.EXTERNAL: PositionKind.ADMIN_PENGHUBUNG,
}
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _unit_choices(*, parents_only: bool) -> list[tuple[str, str]]:
    return [(str(unit.pk), unit.name) for unit in units_for_choice(parents_only=parents_only)]


class UnitCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the unit"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=NEW_UNIT_KINDS)
    parent = forms.TypedChoiceField(label=gettext_lazy("Under"), coerce=int)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["parent"].choices = _unit_choices(parents_only=True)  # type: ignore[attr-defined]


class UnitRenameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("New name"), max_length=200)


class UnitMoveForm(forms.Form):
    parent = forms.TypedChoiceField(label=gettext_lazy("Move under"), coerce=int)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["parent"].choices = _unit_choices(parents_only=True)  # type: ignore[attr-defined]


class UnitEndForm(forms.Form):
    ends_on = forms.DateField(label=gettext_lazy("Last day of the unit"), widget=DATE_INPUT)


class PositionCreateForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title of the position"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of position"), choices=ADDABLE_POSITION_KINDS)


class PositionRenameForm(forms.Form):
    position = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("New title of the position"), max_length=200)


class MembershipEndForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    ends_on = forms.DateField(label=gettext_lazy("Last day in the position"), widget=DATE_INPUT)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"))
    position = forms.TypedChoiceField(label=gettext_lazy("Position"), coerce=int)
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=gettext_lazy("Until (optional)"), widget=DATE_INPUT, required=False)
    is_acting = forms.BooleanField(label=gettext_lazy("Acting holder (Plt.)"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["position"].choices = [  # type: ignore[attr-defined]
            (str(p.pk), f"{p.title} · {p.unit.name}") for p in positions_list().filter(unit__ended_on__isnull=True)
        ]


def _apply(form: forms.Form, call: object, *, fields: dict[str, str]) -> bool:
    """Run the service call; its refusal lands on the form. True when it succeeded."""
    try:
        call()  # type: ignore[operator]
    except OrganizationInvalid as error:
        refusal_into(form, error.field, error.message, fields)
        return False
    except OrganizationError as error:
        form.add_error(None, error.message)
        return False
    return True


@require_http_methods(["GET", "POST"])
@console_page(Action.ORGANIZATION_EDIT)
def units_page(request: HttpRequest, government: Government) -> HttpResponse:
    create = UnitCreateForm(request.POST or None, initial={"kind": UnitKind.AGENCY})
    if request.method == "POST" and create.is_valid():
        data = create.cleaned_data
        created: list[int] = []

        def call() -> None:
            unit = unit_create(
                acting_user=acting_user(request).pk, name=data["name"], kind=data["kind"], parent_id=data["parent"]
            )
            created.append(unit.pk)

        if _apply(create, call, fields={"parent_id": "parent"}):
            messages.success(request, _("Unit %(name)s added.") % {"name": data["name"]})
            return HttpResponseRedirect(f"{UNITS_PATH}{created[0]}/")
    return page(request, government, "units.html", {"tree": units_tree(), "create": create}, section="units")


@require_http_methods(["GET", "POST"])
@console_page(Action.ORGANIZATION_EDIT)
def unit_page(request: HttpRequest, government: Government, unit_id: int) -> HttpResponse:
    unit = unit_get(unit_id=unit_id)
    if unit is None:
        raise Http404(_("There is no such unit in this government."))
    action = request.POST.get("aksi", "") if request.method == "POST" else ""
    bound = request.POST if action else None
    actor = acting_user(request).pk
    forms_by_action: dict[str, forms.Form] = {
        "rename": UnitRenameForm(bound if action == "rename" else None, initial={"name": unit.name}, prefix="rename"),
        "move": UnitMoveForm(bound if action == "move" else None, initial={"parent": unit.parent_id}, prefix="move"),
        "end": UnitEndForm(
            bound if action == "end" else None, initial={"ends_on": today_in(government=government)}, prefix="end"
        ),
        "position": PositionCreateForm(
            bound if action == "position" else None,
            initial={"kind": LIKELY_POSITION.get(unit.kind, PositionKind.PETUGAS_LAPANGAN)},
            prefix="position",
        ),
        "end_membership": MembershipEndForm(bound if action == "end_membership" else None, prefix="membership"),
        "rename_position": PositionRenameForm(bound if action == "rename_position" else None, prefix="jabatan"),
    }
    if action == "acting":
        membership_id = int(request.POST.get("membership", "0") or 0)
        membership_set_acting(
            acting_user=actor, membership_id=membership_id, is_acting=request.POST.get("is_acting") == "1"
        )
        messages.success(request, _("Acting status changed."))
        return HttpResponseRedirect(f"{UNITS_PATH}{unit.pk}/")
    form = forms_by_action.get(action)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        calls = {
            "rename": lambda: unit_rename(acting_user=actor, unit_id=unit.pk, name=data["name"]),
            "move": lambda: unit_move(acting_user=actor, unit_id=unit.pk, parent_id=data["parent"]),
            "end": lambda: unit_end(
                acting_user=actor, unit_id=unit.pk, ends_on=data["ends_on"], handling_unit_ids=_routed_unit_ids()
            ),
            "position": lambda: position_create(
                acting_user=actor, unit_id=unit.pk, kind=data["kind"], title=data["title"]
            ),
            "end_membership": lambda: membership_end(
                acting_user=actor, membership_id=data["membership"], ends_on=data["ends_on"]
            ),
            "rename_position": lambda: position_rename(
                acting_user=actor, position_id=data["position"], title=data["title"]
            ),
        }
        if _apply(
            form, calls[action], fields={"name": "name", "parent_id": "parent", "title": "title", "kind": "kind"}
        ):
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(f"{UNITS_PATH}{unit.pk}/")
    positions = list(positions_list(unit_id=unit.pk))
    holders = holders_today(government=government, position_ids=[p.pk for p in positions])
    seats = [(position, holders.get(position.pk, [])) for position in positions]
    return page(
        request,
        government,
        "unit.html",
        {
            "unit": unit,
            "children": unit_children(unit_id=unit.pk),
            "seats": seats,
            "changeable": unit.kind in (UnitKind.AGENCY, UnitKind.EXTERNAL) and unit.ended_on is None,
            "today": today_in(government=government),
            **{f"{name}_form": form for name, form in forms_by_action.items()},
        },
        section="units",
    )


def _routed_unit_ids() -> list[int]:
    active = rule_set_active()
    return [rule.handling_unit_id for rule in rules_of(rule_set=active) if rule.handling_unit_id] if active else []


@require_http_methods(["GET", "POST"])
@console_page(Action.MEMBERSHIP_INVITE)
def invitations_page(request: HttpRequest, government: Government) -> HttpResponse:
    action = request.POST.get("aksi", "") if request.method == "POST" else ""
    actor = acting_user(request).pk
    origin = f"{request.scheme}://{request.get_host()}"
    today = today_in(government=government)
    invite = InvitationForm(
        request.POST if action == "invite" else None,
        initial={"starts_on": today, "position": request.GET.get("jabatan", "")},
    )
    if action == "invite" and invite.is_valid():
        data = invite.cleaned_data
        if _apply(
            invite,
            lambda: invitation_create(
                acting_user=actor,
                email=data["email"],
                position_id=data["position"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                is_acting=data["is_acting"],
                link_origin=origin,
            ),
            fields={"position_id": "position", "email": "email", "starts_on": "starts_on", "ends_on": "ends_on"},
        ):
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
            return HttpResponseRedirect(INVITATIONS_PATH)
    elif action in ("resend", "revoke"):
        invitation_id = int(request.POST.get("undangan", "0") or 0)
        try:
            if action == "resend":
                invitation_resend(acting_user=actor, invitation_id=invitation_id, link_origin=origin)
                messages.success(request, _("Invitation sent again."))
            else:
                invitation_revoke(acting_user=actor, invitation_id=invitation_id)
                messages.success(request, _("Invitation revoked."))
        except OrganizationError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(INVITATIONS_PATH)
    now = datetime.datetime.now(tz=datetime.UTC)
    rows = [(invitation, invitation_state(invitation, now=now)) for invitation in invitations_list()]
    return page(
        request,
        government,
        "invitations.html",
        {"invite": invite, "rows": rows, "states": InvitationState},
        section="invitations",
    )
