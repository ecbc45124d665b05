"""Routing rules, the simulator, the officials' inbox and notifications (government hosts).

Everything here reads and writes the schema of the host's government. Officials' endpoints
require an official of that government with TOTP (warga.access's IsOfficialWithMFA); changing
the rules also requires an admin koordinator seat (checked here until the position-based
permissions land). Notifications are per person and per government: any signed-in person
sees their own on the government's host.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1.base import ApiView
from api.v1.errors import body
from tenants.context import in_public_schema
from warga.access.guards import IsOfficialWithMFA
from warga.accounts.models import User
from warga.notifications.models import ChannelPreference
from warga.notifications.selectors import channel_preference_for, notifications_for_user, notifications_unread_count
from warga.notifications.services import (
    NotificationNotFound,
    channel_preference_set,
    notification_mark_read,
    notifications_mark_all_read,
)
from warga.organization.models import PositionKind
from warga.reports.lifecycle import Status
from warga.reports.models import ReportType
from warga.routing.models import Rule, RuleSet, Target
from warga.routing.selectors import (
    INBOX_ORDERINGS,
    RoutingNotConfigured,
    RoutingPlan,
    SlaState,
    inbox_for_official,
    routing_simulate,
    rule_as_data,
    rule_set_active,
    rule_sets_list,
    rules_of,
    user_holds_position_kind,
)
from warga.routing.services import RoutingInvalid, rule_set_restore, rule_set_save

GOVERNMENT_HOST_ONLY = "Tersedia di alamat pemerintah daerah."
RULE_EDITORS = (PositionKind.ADMIN_KOORDINATOR,)


def _government_host() -> None:
    if in_public_schema():
        raise Http404(GOVERNMENT_HOST_ONLY)


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _refused(error: RoutingInvalid) -> Response:
    return Response(
        body(
            code="invalid",
            message=error.message,
            fields={error.field: [{"code": "invalid", "message": error.message}]},
        ),
        status=status.HTTP_400_BAD_REQUEST,
    )


def _not_configured(error: RoutingNotConfigured) -> Response:
    return Response(body(code="not_configured", message=str(error)), status=status.HTTP_409_CONFLICT)


# --- rules -------------------------------------------------------------------------------------


class EscalationStepSerializer(serializers.Serializer[dict[str, Any]]):
    target = serializers.ChoiceField(choices=Target.choices)
    working_days = serializers.IntegerField(min_value=1, required=False)
    working_minutes = serializers.IntegerField(min_value=1, required=False)


class RuleSerializer(serializers.Serializer[dict[str, Any]]):
    order = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    category_codes = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    area_prefix = serializers.CharField(max_length=13, required=False, allow_blank=True)
    area_unit_id = serializers.IntegerField(required=False, allow_null=True)
    # Plain strings here (the service names any unknown value); one enum per choice set keeps
    # the OpenAPI schema free of duplicate enum names.
    report_types = serializers.ListField(child=serializers.CharField(max_length=24), required=False)
    priorities = serializers.ListField(child=serializers.CharField(max_length=16), required=False)
    handling_unit_id = serializers.IntegerField(required=False, allow_null=True)
    notify = serializers.ListField(child=serializers.CharField(max_length=24), required=False)
    escalation = EscalationStepSerializer(many=True, required=False)


class RuleSetOutput(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    is_active = serializers.BooleanField()
    note = serializers.CharField()
    restored_from = serializers.IntegerField(allow_null=True)
    created_by_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()


class RuleSetInput(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    rules = RuleSerializer(many=True)


class RuleSetWithRules(RuleSetOutput):
    rules = RuleSerializer(many=True)


def _rule_set_body(rule_set: RuleSet) -> dict[str, Any]:
    rules: list[Rule] = rules_of(rule_set=rule_set)
    return {**RuleSetOutput(rule_set).data, "rules": [rule_as_data(rule) for rule in rules]}


def _require_rule_editor(request: Request) -> None:
    if not user_holds_position_kind(user_id=_user(request).pk, kinds=RULE_EDITORS):
        raise PermissionDenied("Hanya admin koordinator pemerintah daerah ini yang dapat mengubah aturan penerusan.")


class RuleSetListView(ApiView):
    permission_classes = [permissions.IsAuthenticated, IsOfficialWithMFA]

    @extend_schema(responses={200: RuleSetOutput(many=True)}, summary="Routing rule versions, newest first")
    def get(self, request: Request) -> Response:
        _government_host()
        return Response(RuleSetOutput(rule_sets_list(), many=True).data)


class RulesView(ApiView):
    permission_classes = [permissions.IsAuthenticated, IsOfficialWithMFA]

    @extend_schema(
        responses={200: RuleSetWithRules},
        summary="The active routing rules",
    )
    def get(self, request: Request) -> Response:
        _government_host()
        active = rule_set_active()
        if active is None:
            return _not_configured(RoutingNotConfigured("Belum ada aturan penerusan aktif."))
        return Response(_rule_set_body(active))

    @extend_schema(
        request=RuleSetInput,
        responses={201: RuleSetWithRules},
        summary="Save the rules as a new version (admin koordinator)",
    )
    def post(self, request: Request) -> Response:
        _government_host()
        _require_rule_editor(request)
        given = RuleSetInput(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            rule_set = rule_set_save(
                actor_id=_user(request).pk, rules=given.validated_data["rules"], note=given.validated_data["note"]
            )
        except RoutingInvalid as error:
            return _refused(error)
        return Response(_rule_set_body(rule_set), status=status.HTTP_201_CREATED)


class RuleSetRestoreView(ApiView):
    permission_classes = [permissions.IsAuthenticated, IsOfficialWithMFA]

    @extend_schema(
        request=None,
        responses={201: RuleSetWithRules},
        summary="Restore an earlier version as a new version (admin koordinator)",
    )
    def post(self, request: Request, version: int) -> Response:
        _government_host()
        _require_rule_editor(request)
        try:
            rule_set = rule_set_restore(actor_id=_user(request).pk, version=version)
        except RoutingInvalid as error:
            return _refused(error)
        return Response(_rule_set_body(rule_set), status=status.HTTP_201_CREATED)


# --- simulator ---------------------------------------------------------------------------------


class SimulateInput(serializers.Serializer[dict[str, Any]]):
    category_code = serializers.CharField(max_length=40)
    village_code = serializers.RegexField(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", max_length=13)
    type = serializers.ChoiceField(choices=ReportType.choices)
    priority = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")


def _holders(holders: Any) -> list[dict[str, Any]]:
    return [{"user_id": str(h.user_id), "is_acting": h.is_acting} for h in holders]


def plan_body(plan: RoutingPlan) -> dict[str, Any]:
    return {
        "rule_set_version": plan.rule_set_version,
        "rule": rule_as_data(plan.rule),
        "reason": plan.reason,
        "skipped": list(plan.skipped),
        "handling_unit": (
            {"id": plan.handling_unit.pk, "name": plan.handling_unit.name} if plan.handling_unit is not None else None
        ),
        "notified": [
            {
                "target": n.target,
                "position_id": n.position_id,
                "kind": n.kind,
                "title": n.title,
                "holders": _holders(n.holders),
            }
            for n in plan.notified
        ],
        "escalation": [
            {
                "step": number,
                "target": s.target,
                "position_ids": list(s.position_ids),
                "titles": list(s.titles),
                "holders": _holders(s.holders),
                "due_at": s.due_at.isoformat(),
            }
            for number, s in enumerate(plan.steps, start=1)
        ],
    }


class SimulateView(ApiView):
    permission_classes = [permissions.IsAuthenticated, IsOfficialWithMFA]

    @extend_schema(
        request=SimulateInput,
        responses={200: inline_serializer("RoutingSimulation", {"reason": serializers.CharField()})},
        summary="Dry run: which rule matches, who is notified, when each escalation step falls due",
    )
    def post(self, request: Request) -> Response:
        _government_host()
        given = SimulateInput(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            plan = routing_simulate(**given.validated_data)
        except RoutingNotConfigured as error:
            return _not_configured(error)
        return Response(plan_body(plan))


# --- inbox ---------------------------------------------------------------------------------------


class InboxQuery(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    category_code = serializers.CharField(max_length=40, required=False)
    area_prefix = serializers.RegexField(r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$", required=False)
    sla_state = serializers.ChoiceField(choices=SlaState.choices, required=False)
    ordering = serializers.ChoiceField(choices=list(INBOX_ORDERINGS), default="newest")
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, default=0)


class InboxItem(serializers.Serializer[Any]):
    tracking_number = serializers.CharField()
    type = serializers.CharField()
    category_code = serializers.CharField()
    village_code = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    sla_state = serializers.ChoiceField(choices=SlaState.choices)


class InboxView(ApiView):
    permission_classes = [permissions.IsAuthenticated, IsOfficialWithMFA]

    @extend_schema(
        parameters=[InboxQuery],
        responses={
            200: inline_serializer(
                "InboxPage",
                {
                    "results": InboxItem(many=True),
                    "total": serializers.IntegerField(),
                    "next_offset": serializers.IntegerField(allow_null=True),
                },
            )
        },
        summary="Reports my positions handle or must know about",
    )
    def get(self, request: Request) -> Response:
        _government_host()
        query = InboxQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = inbox_for_official(user_id=_user(request).pk, **query.validated_data)
        end = page.offset + len(page.reports)
        return Response(
            {
                "results": InboxItem(page.reports, many=True).data,
                "total": page.total,
                "next_offset": end if end < page.total else None,
            }
        )


# --- notifications -------------------------------------------------------------------------------


class NotificationOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    report_id = serializers.IntegerField(allow_null=True)
    details = serializers.DictField(source="context")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class PreferenceSerializer(serializers.Serializer[ChannelPreference]):
    in_app = serializers.BooleanField(read_only=True, default=True)
    email = serializers.BooleanField()
    sms = serializers.BooleanField()


class NotificationListView(ApiView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("unread", bool, required=False),
            OpenApiParameter("limit", int, required=False, description="1-100, default 20"),
            OpenApiParameter("offset", int, required=False),
        ],
        responses={200: inline_serializer("NotificationPage", {"results": NotificationOutput(many=True)})},
        summary="My notifications in this government, newest first",
    )
    def get(self, request: Request) -> Response:
        _government_host()
        paging = InboxQuery(data={k: request.query_params[k] for k in ("limit", "offset") if k in request.query_params})
        paging.is_valid(raise_exception=True)
        limit, offset = paging.validated_data["limit"], paging.validated_data["offset"]
        rows = notifications_for_user(
            user_id=_user(request).pk, unread_only=request.query_params.get("unread") in {"1", "true"}
        )
        return Response({"results": NotificationOutput(rows[offset : offset + limit], many=True).data})


class NotificationUnreadCountView(ApiView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})})
    def get(self, request: Request) -> Response:
        _government_host()
        return Response({"unread": notifications_unread_count(user_id=_user(request).pk)})


class NotificationReadView(ApiView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: NotificationOutput}, summary="Mark one notification read")
    def post(self, request: Request, notification_id: int) -> Response:
        _government_host()
        try:
            notification = notification_mark_read(user_id=_user(request).pk, notification_id=notification_id)
        except NotificationNotFound as error:
            return Response(body(code="not_found", message=str(error)), status=status.HTTP_404_NOT_FOUND)
        return Response(NotificationOutput(notification).data)


class NotificationReadAllView(ApiView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None, responses={200: inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})}
    )
    def post(self, request: Request) -> Response:
        _government_host()
        return Response({"marked": notifications_mark_all_read(user_id=_user(request).pk)})


class NotificationPreferenceView(ApiView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: PreferenceSerializer}, summary="My notification channels in this government")
    def get(self, request: Request) -> Response:
        _government_host()
        return Response(PreferenceSerializer(channel_preference_for(user_id=_user(request).pk)).data)

    @extend_schema(request=PreferenceSerializer, responses={200: PreferenceSerializer})
    def put(self, request: Request) -> Response:
        _government_host()
        given = PreferenceSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user_id: uuid.UUID = _user(request).pk
        preference = channel_preference_set(user_id=user_id, **given.validated_data)
        return Response(PreferenceSerializer(preference).data)
