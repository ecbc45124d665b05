"""Routing rules, the simulator and the officials' inbox (government hosts).

Everything here reads and writes the schema of the host's government. Officials' endpoints
require an official of that government with TOTP (warga.access's IsOfficialWithMFA); the inbox
is `inbox.view` and changing the rules `rules.edit` in warga.access.policy. Notifications are
per person and per government: any signed-in person sees their own on the government's host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, signed_in_user
from api.v1.bounds import BoundedSerializer
from tenants.host_kinds import GOVERNMENT
from warga.access.guards import IsOfficialWithMFA, government_of
from warga.access.policy import Action, permission_for, policy_require
from warga.reports.lifecycle import Status
from warga.reports.models import Priority, ReportType
from warga.routing.models import Rule, RuleSet, Target
from warga.routing.selectors import (
    INBOX_COUNT_CAP,
    INBOX_ORDERINGS,
    InboxFilters,
    RoutingNotConfigured,
    RoutingPlan,
    SlaState,
    inbox_for_official,
    routing_simulate,
    rule_as_data,
    rule_set_active,
    rule_sets_list,
    rules_of,
)
from warga.routing.services import rule_set_restore, rule_set_save

# --- rules -------------------------------------------------------------------------------------


class EscalationStepSerializer(BoundedSerializer):
    target = serializers.ChoiceField(choices=Target.choices)
    working_days = serializers.IntegerField(min_value=1, required=False)
    working_minutes = serializers.IntegerField(min_value=1, required=False)


_AT_MOST: dict[str, str | _StrPromise] = {"max_length": "Paling banyak {max_length} isian dalam daftar ini."}


class RuleSerializer(BoundedSerializer):
    order = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    # Every list is capped (docs/security.md, "Request sizes"): far above any real rule, far
    # below what would make a parser work for long.
    category_codes = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=500, error_messages=_AT_MOST
    )
    area_prefix = serializers.CharField(max_length=13, required=False, allow_blank=True)
    area_unit_id = serializers.IntegerField(required=False, allow_null=True)
    # Plain strings here (the service names any unknown value); one enum per choice set keeps
    # the OpenAPI schema free of duplicate enum names.
    report_types = serializers.ListField(
        child=serializers.CharField(max_length=24), required=False, max_length=20, error_messages=_AT_MOST
    )
    priorities = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, max_length=20, error_messages=_AT_MOST
    )
    handling_unit_id = serializers.IntegerField(required=False, allow_null=True)
    notify = serializers.ListField(
        child=serializers.CharField(max_length=24), required=False, max_length=20, error_messages=_AT_MOST
    )
    escalation: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=EscalationStepSerializer(), required=False, max_length=20, error_messages=_AT_MOST
    )


class RuleSetOutput(BoundedSerializer):
    version = serializers.IntegerField()
    is_active = serializers.BooleanField()
    note = serializers.CharField()
    restored_from = serializers.IntegerField(allow_null=True)
    created_by_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()


class RuleSetInput(BoundedSerializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    rules: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=RuleSerializer(), max_length=500, error_messages=_AT_MOST
    )


class RuleSetWithRules(RuleSetOutput):
    rules = RuleSerializer(many=True)


def _rule_set_body(rule_set: RuleSet) -> dict[str, Any]:
    rules: list[Rule] = rules_of(rule_set=rule_set)
    return {**RuleSetOutput(rule_set).data, "rules": [rule_as_data(rule) for rule in rules]}


def _require_rule_editor(request: Request) -> None:
    policy_require(actor=request.user, government=government_of(request), action=Action.RULES_EDIT)


class RuleSetListView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, IsOfficialWithMFA]

    @extend_schema(
        description=openapi.describe(
            "The versions of the routing rules, newest first, with who saved each and why.",
            who=openapi.OFFICIAL,
            host=openapi.GOVERNMENT_HOST,
        ),
        responses={200: RuleSetOutput(many=True)},
        summary="Routing rule versions, newest first",
    )
    def get(self, request: Request) -> Response:
        return Response(RuleSetOutput(rule_sets_list(), many=True).data)


class RulesView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, IsOfficialWithMFA]

    @extend_schema(
        description=openapi.describe(
            (
                "The active routing rules: for each category and area, the unit that handles the report, "
                "who else is told, and the escalation steps."
            ),
            who=openapi.OFFICIAL,
            host=openapi.GOVERNMENT_HOST,
            errors={"409 not_configured": "This government has no active rules yet."},
        ),
        responses={200: RuleSetWithRules},
        summary="The active routing rules",
    )
    def get(self, request: Request) -> Response:
        active = rule_set_active()
        if active is None:
            raise RoutingNotConfigured("Belum ada aturan penerusan aktif.")
        return Response(_rule_set_body(active))

    @extend_schema(
        description=openapi.describe(
            (
                "Saves the whole rule list as a new version (the old one is kept and can be restored); it"
                " applies to reports received afterwards."
            ),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "A rule names an unknown unit, category or area, or no rule catches every report."},
        ),
        request=RuleSetInput,
        responses={201: RuleSetWithRules},
        summary="Save the rules as a new version (admin koordinator)",
    )
    def post(self, request: Request) -> Response:
        _require_rule_editor(request)
        given = RuleSetInput(data=request.data)
        given.is_valid(raise_exception=True)
        rule_set = rule_set_save(
            acting_user=signed_in_user(request).pk,
            rules=given.validated_data["rules"],
            note=given.validated_data["note"],
        )
        return Response(_rule_set_body(rule_set), status=status.HTTP_201_CREATED)


class RuleSetRestoreView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, IsOfficialWithMFA]

    @extend_schema(
        description=openapi.describe(
            "Makes an earlier version active again, as a new version.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "No such version, or it names units that no longer exist."},
        ),
        request=None,
        responses={201: RuleSetWithRules},
        summary="Restore an earlier version as a new version (admin koordinator)",
    )
    def post(self, request: Request, version: int) -> Response:
        _require_rule_editor(request)
        rule_set = rule_set_restore(acting_user=signed_in_user(request).pk, version=version)
        return Response(_rule_set_body(rule_set), status=status.HTTP_201_CREATED)


# --- simulator ---------------------------------------------------------------------------------


class SimulateInput(BoundedSerializer):
    category_code = serializers.CharField(max_length=40)
    village_code = serializers.RegexField(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", max_length=13)
    type = serializers.ChoiceField(choices=ReportType.choices)
    # Left out: the category's default priority, which a new report of it would get.
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)


def _holders(holders: Any) -> list[dict[str, Any]]:
    return [{"user_id": str(h.user_id), "is_acting": h.is_acting} for h in holders]


def plan_body(plan: RoutingPlan) -> dict[str, Any]:
    supervisor = plan.supervisor
    return {
        "rule_set_version": plan.rule_set_version,
        "priority": plan.priority,
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
        "supervisor": (
            {
                "unit": {"id": supervisor.unit.pk, "name": supervisor.unit.name},
                "position_ids": list(supervisor.position_ids),
                "titles": list(supervisor.titles),
                "holders": _holders(supervisor.holders),
                "skipped": list(supervisor.skipped),
            }
            if supervisor is not None
            else None
        ),
    }


class HolderOutput(BoundedSerializer):
    user_id = serializers.UUIDField()
    is_acting = serializers.BooleanField()


class SupervisorOutput(BoundedSerializer):
    unit = inline_serializer("SupervisorUnit", {"id": serializers.IntegerField(), "name": serializers.CharField()})
    position_ids = serializers.ListField(child=serializers.IntegerField())
    titles = serializers.ListField(child=serializers.CharField())
    holders = HolderOutput(many=True)
    skipped = serializers.ListField(
        child=serializers.CharField(), help_text="Levels passed over because nobody held their head seat."
    )


class NotifiedOutput(BoundedSerializer):
    target = serializers.CharField()
    position_id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    holders = HolderOutput(many=True)


class EscalationStepOutput(BoundedSerializer):
    step = serializers.IntegerField(help_text="1 for the first step.")
    target = serializers.CharField()
    position_ids = serializers.ListField(child=serializers.IntegerField())
    titles = serializers.ListField(child=serializers.CharField())
    holders = HolderOutput(many=True)
    due_at = serializers.DateTimeField()


class SimulationOutput(BoundedSerializer):
    rule_set_version = serializers.IntegerField()
    priority = serializers.ChoiceField(choices=Priority.choices, help_text="The priority the rules were checked with.")
    rule = RuleSerializer()
    reason = serializers.CharField()
    skipped = serializers.ListField(child=serializers.CharField())
    handling_unit = inline_serializer(
        "SimulationHandlingUnit", {"id": serializers.IntegerField(), "name": serializers.CharField()}, allow_null=True
    )
    notified = NotifiedOutput(many=True)
    escalation = EscalationStepOutput(many=True)
    supervisor = SupervisorOutput(allow_null=True, help_text="Who a citizen's dispute of the resolution would reach.")


class SimulateView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, IsOfficialWithMFA]

    @extend_schema(
        description=openapi.describe(
            (
                "A dry run for a category, place and time: which rule matches, which unit handles it, who"
                " is notified and when each escalation step falls due. Nothing is written."
            ),
            who=openapi.OFFICIAL,
            host=openapi.GOVERNMENT_HOST,
            errors={"409 not_configured": "This government has no active rules yet."},
        ),
        request=SimulateInput,
        responses={200: SimulationOutput},
        summary="Dry run: which rule matches, who is notified, when each escalation step falls due",
    )
    def post(self, request: Request) -> Response:
        given = SimulateInput(data=request.data)
        given.is_valid(raise_exception=True)
        plan = routing_simulate(**given.validated_data)
        return Response(SimulationOutput(plan_body(plan)).data)


# --- inbox ---------------------------------------------------------------------------------------


class InboxQuery(BoundedSerializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    category_code = serializers.CharField(max_length=40, required=False)
    area_prefix = serializers.RegexField(r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$", required=False)
    sla_state = serializers.ChoiceField(choices=SlaState.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    unit_id = serializers.IntegerField(required=False, help_text="The handling unit.")
    created_from = serializers.DateField(required=False, help_text="Sent on or after this day (local time).")
    created_to = serializers.DateField(required=False, help_text="Sent on or before this day (local time).")
    search = serializers.CharField(
        max_length=200,
        required=False,
        help_text=(
            "Part of a tracking number when shaped like one (e.g. 2026-000123), else words of the "
            "description: each a whole word or its beginning, any case, in any order."
        ),
    )
    ordering = serializers.ChoiceField(choices=list(INBOX_ORDERINGS), default="newest")
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, default=0)


class InboxItem(BoundedSerializer):
    tracking_number = serializers.CharField()
    type = serializers.CharField()
    category_code = serializers.CharField()
    village_code = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    sla_state = serializers.ChoiceField(choices=SlaState.choices)


class InboxView(ApiView):
    host_kinds = GOVERNMENT
    # The inbox holds what the person's own seats handle or were told about: any seat whose
    # kind has an inbox (`inbox.view`) may open it.
    permission_classes = [permissions.IsAuthenticated, permission_for(Action.INBOX_VIEW, anywhere=True)]

    @extend_schema(
        description=openapi.describe(
            (
                "The reports the signed-in official's positions handle or must know about, filtered "
                "(status, category, area, SLA state, priority, unit, dates, words) and ordered, paged "
                "with `limit`/`offset`; `total` is counted up to a cap."
            ),
            who=openapi.OFFICIAL + " Any position with an inbox.",
            host=openapi.GOVERNMENT_HOST,
        ),
        parameters=[InboxQuery],
        responses={
            200: inline_serializer(
                "InboxPage",
                {
                    "results": InboxItem(many=True),
                    "total": serializers.IntegerField(
                        help_text=f"Matching reports, counted up to {INBOX_COUNT_CAP}; past it a lower bound."
                    ),
                    "total_exact": serializers.BooleanField(help_text="False when `total` stopped at the cap."),
                    "next_offset": serializers.IntegerField(allow_null=True),
                },
            )
        },
        summary="Reports my positions handle or must know about",
    )
    def get(self, request: Request) -> Response:
        query = InboxQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        paging = {name: filters.pop(name) for name in ("ordering", "limit", "offset")}
        page = inbox_for_official(user_id=signed_in_user(request).pk, filters=InboxFilters(**filters), **paging)
        end = page.offset + len(page.reports)
        # Past the counting cap, a full page means there may be more.
        more = end < page.total or (not page.total_exact and len(page.reports) == page.limit)
        return Response(
            {
                "results": InboxItem(page.reports, many=True).data,
                "total": page.total,
                "total_exact": page.total_exact,
                "next_offset": end if more else None,
            }
        )
