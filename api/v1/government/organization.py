"""The organisation admin over HTTP (government hosts only): units, positions, memberships and
invitations of the host's government.

Reading the organisation is open to its officials (`organization.view`); every change is the
admin koordinator's (`organization.edit`, `membership.edit`, `membership.invite`), decided by
warga.access.policy both here and again in the service. Each write is one service call in
warga.organization.services: one transaction and one OrganizationEvent.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, host_government, signed_in_user
from api.v1.bounds import BoundedSerializer
from tenants.host_kinds import GOVERNMENT
from warga.access.policy import Action, permission_for
from warga.accounts.models import User
from warga.organization.models import Invitation, Membership
from warga.organization.selectors import (
    InvitationState,
    invitation_state,
    invitations_list,
    memberships_list,
    positions_list,
    units_list,
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
    unit_rename,
)

INVITATION_STATES = [
    InvitationState.PENDING,
    InvitationState.EXPIRED,
    InvitationState.REVOKED,
    InvitationState.ACCEPTED,
]


class OrganizationView(ApiView):
    """A government's host only, then the policy: `read_action` for GET, `write_action` for
    everything else."""

    host_kinds = GOVERNMENT
    read_action: Action = Action.ORGANIZATION_VIEW
    write_action: Action = Action.ORGANIZATION_EDIT

    def get_permissions(self) -> list[BasePermission]:
        action = self.read_action if self.request.method in ("GET", "HEAD", "OPTIONS") else self.write_action
        return [permission_for(action)()]


def _origin(request: Request) -> str:
    """This government host as the browser reaches it: the invitation link points back here."""
    return f"{request.scheme}://{request.get_host()}"


# --- units ---------------------------------------------------------------------------------------


class UnitOutput(BoundedSerializer):
    id = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    name = serializers.CharField()
    region_code = serializers.CharField()


class UnitNodeOutput(UnitOutput):
    children = serializers.ListField(child=serializers.DictField(), help_text="Units below, in the same shape.")


class UnitQuery(BoundedSerializer):
    parent_id = serializers.IntegerField(required=False)
    kind = serializers.CharField(required=False)


class UnitCreateInput(BoundedSerializer):
    name = serializers.CharField(max_length=400, allow_blank=True)
    kind = serializers.CharField(help_text="agency (perangkat daerah) or external (PLN, PDAM, ...).")
    parent_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class UnitRenameInput(BoundedSerializer):
    name = serializers.CharField(max_length=400, allow_blank=True)


class UnitListView(OrganizationView):
    @extend_schema(
        description=openapi.describe(
            "The government's units as a flat list; `kind` and `parent_id` filter.",
            who=openapi.OFFICIAL + " Any position that may see the organisation.",
            host=openapi.GOVERNMENT_HOST,
        ),
        parameters=[UnitQuery],
        responses={200: UnitOutput(many=True)},
        summary="Units (flat list)",
    )
    def get(self, request: Request) -> Response:
        query = UnitQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        units = units_list()
        if "parent_id" in query.validated_data:
            units = [unit for unit in units if unit.parent_id == query.validated_data["parent_id"]]
        if "kind" in query.validated_data:
            units = [unit for unit in units if unit.kind == query.validated_data["kind"]]
        return Response(UnitOutput(units, many=True).data)

    @extend_schema(
        description=openapi.describe(
            (
                "Adds a unit under `parent_id`: an agency (dinas, kecamatan, kelurahan) or an external "
                "organisation (PLN, PDAM) reports can be forwarded to."
            ),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "A bad name, kind or parent."},
        ),
        request=UnitCreateInput,
        responses={201: UnitOutput},
        summary="Add an agency or external organisation unit (admin koordinator)",
    )
    def post(self, request: Request) -> Response:
        given = UnitCreateInput(data=request.data)
        given.is_valid(raise_exception=True)
        unit = unit_create(acting_user=signed_in_user(request).pk, **given.validated_data)
        return Response(UnitOutput(unit).data, status=status.HTTP_201_CREATED)


class UnitTreeView(OrganizationView):
    @extend_schema(
        description=openapi.describe(
            "The government's units as a tree from the government down.",
            who=openapi.OFFICIAL + " Any position that may see the organisation.",
            host=openapi.GOVERNMENT_HOST,
        ),
        responses={200: UnitNodeOutput(many=True)},
        summary="Units as a tree from the government down",
    )
    def get(self, request: Request) -> Response:
        return Response(units_tree())


class UnitDetailView(OrganizationView):
    @extend_schema(
        description=openapi.describe(
            "Renames a unit.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "An empty or duplicate name.", "404 not_found": "No such unit here."},
        ),
        request=UnitRenameInput,
        responses={200: UnitOutput},
        summary="Rename a unit (admin koordinator)",
    )
    def patch(self, request: Request, unit_id: int) -> Response:
        given = UnitRenameInput(data=request.data)
        given.is_valid(raise_exception=True)
        unit = unit_rename(acting_user=signed_in_user(request).pk, unit_id=unit_id, name=given.validated_data["name"])
        return Response(UnitOutput(unit).data)


# --- positions -----------------------------------------------------------------------------------


class PositionOutput(BoundedSerializer):
    id = serializers.IntegerField()
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField(source="unit.name")
    kind = serializers.CharField()
    title = serializers.CharField()


class PositionQuery(BoundedSerializer):
    unit_id = serializers.IntegerField(required=False)


class PositionCreateInput(BoundedSerializer):
    unit_id = serializers.IntegerField()
    kind = serializers.CharField(help_text="A position kind, e.g. kepala_dinas, petugas_lapangan, admin_penghubung.")
    title = serializers.CharField(max_length=400, allow_blank=True)


class PositionRenameInput(BoundedSerializer):
    title = serializers.CharField(max_length=400, allow_blank=True)


class PositionListView(OrganizationView):
    @extend_schema(
        description=openapi.describe(
            "The positions (seats) of the government, or of one unit with `unit_id`.",
            who=openapi.OFFICIAL + " Any position that may see the organisation.",
            host=openapi.GOVERNMENT_HOST,
        ),
        parameters=[PositionQuery],
        responses={200: PositionOutput(many=True)},
        summary="Positions",
    )
    def get(self, request: Request) -> Response:
        query = PositionQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(PositionOutput(positions_list(unit_id=query.validated_data.get("unit_id")), many=True).data)

    @extend_schema(
        description=openapi.describe(
            "Adds a position of a kind (camat, lurah, kepala dinas, petugas lapangan, ...) to a unit.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "A kind the unit cannot hold, or a bad title."},
        ),
        request=PositionCreateInput,
        responses={201: PositionOutput},
        summary="Add a position to a unit (admin koordinator)",
    )
    def post(self, request: Request) -> Response:
        given = PositionCreateInput(data=request.data)
        given.is_valid(raise_exception=True)
        position = position_create(acting_user=signed_in_user(request).pk, **given.validated_data)
        return Response(PositionOutput(position).data, status=status.HTTP_201_CREATED)


class PositionDetailView(OrganizationView):
    @extend_schema(
        description=openapi.describe(
            "Renames a position.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "An empty title.", "404 not_found": "No such position here."},
        ),
        request=PositionRenameInput,
        responses={200: PositionOutput},
        summary="Rename a position (admin koordinator)",
    )
    def patch(self, request: Request, position_id: int) -> Response:
        given = PositionRenameInput(data=request.data)
        given.is_valid(raise_exception=True)
        position = position_rename(
            acting_user=signed_in_user(request).pk, position_id=position_id, title=given.validated_data["title"]
        )
        return Response(PositionOutput(position).data)


# --- memberships ---------------------------------------------------------------------------------


class MembershipOutput(BoundedSerializer):
    id = serializers.IntegerField()
    position_id = serializers.IntegerField()
    position_title = serializers.CharField(source="position.title")
    unit_id = serializers.IntegerField(source="position.unit_id")
    unit_name = serializers.CharField(source="position.unit.name")
    user_id = serializers.UUIDField()
    email = serializers.SerializerMethodField()
    full_name = serializers.SerializerMethodField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    is_acting = serializers.BooleanField()

    def _person(self, membership: Membership) -> User | None:
        people: dict[Any, User] = self.context.get("people", {})
        return people.get(membership.user_id)

    def get_email(self, membership: Membership) -> str:
        person = self._person(membership)
        return person.email if person else ""

    def get_full_name(self, membership: Membership) -> str:
        person = self._person(membership)
        return person.full_name if person else ""


class MembershipQuery(BoundedSerializer):
    unit_id = serializers.IntegerField(required=False)
    active = serializers.BooleanField(required=False, default=False, help_text="Only seats held today.")


class MembershipEndInput(BoundedSerializer):
    ends_on = serializers.DateField(help_text="The last day the seat is held (inclusive).")


class MembershipActingInput(BoundedSerializer):
    is_acting = serializers.BooleanField(help_text="Pelaksana Tugas (Plt.)")


def _memberships_body(memberships: list[Membership]) -> Any:
    # The accounts live in the public schema: one query for all of them, not one per row.
    people = {person.pk: person for person in User.objects.filter(pk__in={m.user_id for m in memberships})}
    return MembershipOutput(memberships, many=True, context={"people": people}).data


class MembershipView(OrganizationView):
    read_action = Action.MEMBERSHIP_EDIT

    @extend_schema(
        description=openapi.describe(
            "Who holds which position, newest first; `active` and `position_id` filter.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
        ),
        parameters=[MembershipQuery],
        responses={200: MembershipOutput(many=True)},
        summary="Who holds which seat, newest first (admin koordinator)",
    )
    def get(self, request: Request) -> Response:
        query = MembershipQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        memberships = list(
            memberships_list(
                government=host_government(request),
                unit_id=query.validated_data.get("unit_id"),
                active_only=query.validated_data["active"],
            )
        )
        return Response(_memberships_body(memberships))


class MembershipEndView(OrganizationView):
    write_action = Action.MEMBERSHIP_EDIT

    @extend_schema(
        description=openapi.describe(
            (
                "Ends a membership (on a date, with a reason): the person loses the position's rights at "
                "once; reports stay with the position."
            ),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "Already ended, or the government's last admin koordinator.",
                "404 not_found": "No such membership here.",
            },
        ),
        request=MembershipEndInput,
        responses={200: MembershipOutput},
        summary="End a membership (admin koordinator)",
    )
    def post(self, request: Request, membership_id: int) -> Response:
        given = MembershipEndInput(data=request.data)
        given.is_valid(raise_exception=True)
        membership = membership_end(
            acting_user=signed_in_user(request).pk, membership_id=membership_id, ends_on=given.validated_data["ends_on"]
        )
        return Response(_memberships_body([membership])[0])


class MembershipActingView(OrganizationView):
    write_action = Action.MEMBERSHIP_EDIT

    @extend_schema(
        description=openapi.describe(
            "Marks a membership as acting (Plt., pelaksana tugas) or not.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"404 not_found": "No such membership here."},
        ),
        request=MembershipActingInput,
        responses={200: MembershipOutput},
        summary="Mark a membership as Plt. or not (admin koordinator)",
    )
    def post(self, request: Request, membership_id: int) -> Response:
        given = MembershipActingInput(data=request.data)
        given.is_valid(raise_exception=True)
        membership = membership_set_acting(
            acting_user=signed_in_user(request).pk,
            membership_id=membership_id,
            is_acting=given.validated_data["is_acting"],
        )
        return Response(_memberships_body([membership])[0])


# --- invitations ---------------------------------------------------------------------------------


class InvitationOutput(BoundedSerializer):
    """Never the token: it exists only in the email."""

    id = serializers.IntegerField()
    email = serializers.EmailField()
    position_id = serializers.IntegerField()
    position_title = serializers.CharField(source="position.title")
    unit_name = serializers.CharField(source="position.unit.name")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    is_acting = serializers.BooleanField()
    state = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()
    invited_by_id = serializers.UUIDField(allow_null=True, help_text="Null when the operator sent it.")
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField()
    send_count = serializers.IntegerField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    accepted_by_id = serializers.UUIDField(allow_null=True)
    membership_id = serializers.IntegerField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)

    def get_state(self, invitation: Invitation) -> str:
        return invitation_state(invitation)


class InvitationQuery(BoundedSerializer):
    state = serializers.ChoiceField(choices=INVITATION_STATES, required=False)


class InvitationCreateInput(BoundedSerializer):
    email = serializers.CharField(max_length=254)
    position_id = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    is_acting = serializers.BooleanField(required=False, default=False, help_text="Pelaksana Tugas (Plt.)")


class InvitationListView(OrganizationView):
    read_action = Action.MEMBERSHIP_INVITE
    write_action = Action.MEMBERSHIP_INVITE

    @extend_schema(
        description=openapi.describe(
            "Invitations to positions, newest first; `state` filters.", who=openapi.ADMIN, host=openapi.GOVERNMENT_HOST
        ),
        parameters=[InvitationQuery],
        responses={200: InvitationOutput(many=True)},
        summary="Invitations, newest first (admin koordinator)",
    )
    def get(self, request: Request) -> Response:
        query = InvitationQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(InvitationOutput(invitations_list(state=query.validated_data.get("state")), many=True).data)

    @extend_schema(
        description=openapi.describe(
            (
                "Invites an email address to a position: a link valid seven days is emailed, leading back"
                " to this host. Limited per admin and per day."
            ),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": "A bad address, or the position is held.",
                "429 rate_limited": "Too many invitations today.",
            },
        ),
        request=InvitationCreateInput,
        responses={201: InvitationOutput},
        summary="Invite an email address to a position; the link is emailed (admin koordinator; rate-limited)",
    )
    def post(self, request: Request) -> Response:
        given = InvitationCreateInput(data=request.data)
        given.is_valid(raise_exception=True)
        invitation = invitation_create(
            acting_user=signed_in_user(request).pk, link_origin=_origin(request), **given.validated_data
        )
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class InvitationResendView(OrganizationView):
    write_action = Action.MEMBERSHIP_INVITE

    @extend_schema(
        description=openapi.describe(
            ("Sends an open invitation again with a new link, valid seven days; the old link stops working."),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "Already accepted or revoked.", "404 not_found": "No such invitation here."},
        ),
        request=None,
        responses={200: InvitationOutput},
        summary="Send an open invitation again with a new link, valid seven days (admin koordinator)",
    )
    def post(self, request: Request, invitation_id: int) -> Response:
        invitation = invitation_resend(
            acting_user=signed_in_user(request).pk, invitation_id=invitation_id, link_origin=_origin(request)
        )
        return Response(InvitationOutput(invitation).data)


class InvitationRevokeView(OrganizationView):
    write_action = Action.MEMBERSHIP_INVITE

    @extend_schema(
        description=openapi.describe(
            "Revokes an invitation not yet accepted: its link stops working.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "Already accepted.", "404 not_found": "No such invitation here."},
        ),
        request=None,
        responses={200: InvitationOutput},
        summary="Revoke an invitation not yet accepted (admin koordinator)",
    )
    def post(self, request: Request, invitation_id: int) -> Response:
        invitation = invitation_revoke(acting_user=signed_in_user(request).pk, invitation_id=invitation_id)
        return Response(InvitationOutput(invitation).data)
