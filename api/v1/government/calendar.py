"""The working calendar and SLA targets of the host's government (government hosts only).

Officials of the government (with TOTP) read it; changing it is `calendar.edit` in
warga.access.policy (the admin koordinator). Every change is one service call: one
transaction and one audit event. Due times are stored when a report is routed, so a change
applies to the next report only.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView, host_government, signed_in_user
from api.v1.bounds import BoundedSerializer
from tenants.host_kinds import GOVERNMENT
from warga.access.guards import IsOfficialWithMFA
from warga.access.policy import Action, permission_for
from warga.organization.selectors import today_in
from warga.workcalendar.models import SlaStep
from warga.workcalendar.selectors import calendar_overview
from warga.workcalendar.services import (
    DAY_OFF_KINDS_EDITABLE,
    day_off_add,
    day_off_remove,
    day_worked_add,
    day_worked_remove,
    sla_target_set,
)

MAY_EDIT = permission_for(Action.CALENDAR_EDIT)


# --- reading -------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "07:30"})
class ClockTimeField(serializers.TimeField):
    """An office clock time as HH:MM (not RFC 3339's full-time, which needs seconds)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class OfficeHoursOutput(BoundedSerializer):
    weekday = serializers.IntegerField()
    day = serializers.CharField(source="get_weekday_display")
    opens_at = ClockTimeField()
    closes_at = ClockTimeField()


class NationalDayOffOutput(BoundedSerializer):
    date = serializers.DateField()
    name = serializers.CharField()


class DayOffOutput(BoundedSerializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    name = serializers.CharField()
    kind = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # the field named `source`, not Field.source


class DayWorkedOutput(BoundedSerializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    reason = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # the field named `source`, not Field.source
    opens_at = ClockTimeField()
    closes_at = ClockTimeField()


class SlaTargetOutput(BoundedSerializer):
    category_code = serializers.CharField(allow_null=True, help_text="Null: the government's default")
    step = serializers.CharField()
    working_days = serializers.IntegerField(allow_null=True)
    working_minutes = serializers.IntegerField(allow_null=True)


class CalendarOutput(BoundedSerializer):
    time_zone = serializers.CharField()
    year = serializers.IntegerField()
    office_hours = OfficeHoursOutput(many=True)
    national_days_off = NationalDayOffOutput(
        many=True, help_text="National holidays and cuti bersama of the year (the holidays library)"
    )
    days_off = DayOffOutput(many=True, help_text="The government's own days off: decrees, local holidays")
    days_worked = DayWorkedOutput(many=True, help_text="Substitute working days")
    sla_targets = SlaTargetOutput(many=True)


class CalendarQuery(BoundedSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, help_text="Default: this year")


class CalendarView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, IsOfficialWithMFA]

    @extend_schema(
        description=openapi.describe(
            (
                "The government's working calendar for a year (default: this one): office hours, national"
                " holidays and cuti bersama, its own days off and substitute working days, and the SLA "
                "targets every due time is computed from."
            ),
            who=openapi.OFFICIAL,
            host=openapi.GOVERNMENT_HOST,
        ),
        parameters=[CalendarQuery],
        responses={200: CalendarOutput},
        summary="The working calendar and SLA targets for a year",
    )
    def get(self, request: Request) -> Response:
        query = CalendarQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        government = host_government(request)
        year = query.validated_data.get("year") or today_in(government=government).year
        overview = calendar_overview(government=government, year=year)
        return Response(
            CalendarOutput(
                {
                    "time_zone": overview.time_zone,
                    "year": overview.year,
                    "office_hours": overview.office_hours,
                    "national_days_off": [{"date": day, "name": name} for day, name in overview.national_days_off],
                    "days_off": overview.days_off,
                    "days_worked": overview.days_worked,
                    "sla_targets": overview.sla_targets,
                }
            ).data
        )


# --- days off and substitute working days ------------------------------------------------------


class DayOffInput(BoundedSerializer):
    date = serializers.DateField()
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(
        choices=[(kind.value, kind.label) for kind in DAY_OFF_KINDS_EDITABLE],
        help_text="decree: a day off by decree the library lacks; local_holiday: the region's own",
    )
    source = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")  # type: ignore[assignment]  # the field named `source`, not Field.source


class DayOffListView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, MAY_EDIT]

    @extend_schema(
        description=openapi.describe(
            (
                "Adds a day off: a decree the national list lacks, or a local holiday. Due times of "
                "reports received afterwards skip it."
            ),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "A date already off, or a bad date or kind."},
        ),
        request=DayOffInput,
        responses={201: DayOffOutput},
        summary="Add a decree day off or local holiday",
    )
    def post(self, request: Request) -> Response:
        given = DayOffInput(data=request.data)
        given.is_valid(raise_exception=True)
        day_off = day_off_add(acting_user=signed_in_user(request).pk, **given.validated_data)
        return Response(DayOffOutput(day_off).data, status=status.HTTP_201_CREATED)


class DayOffDetailView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, MAY_EDIT]

    @extend_schema(
        description=openapi.describe(
            "Removes a day off the government added.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"404 not_found": "No such day off here."},
        ),
        request=None,
        responses={204: None},
        summary="Remove a day off",
    )
    def delete(self, request: Request, day_off_id: int) -> Response:
        day_off_remove(day_off_id=day_off_id, acting_user=signed_in_user(request).pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DayWorkedInput(BoundedSerializer):
    date = serializers.DateField()
    reason = serializers.CharField(max_length=200)
    source = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")  # type: ignore[assignment]  # the field named `source`, not Field.source
    opens_at = serializers.TimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.TimeField(required=False, allow_null=True, default=None)


class DayWorkedListView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, MAY_EDIT]

    @extend_schema(
        description=openapi.describe(
            (
                "Adds a substitute working day (e.g. a Saturday worked instead of a cuti bersama), with "
                "its hours or, without them, that weekday's (Monday's for a weekend)."
            ),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"400 invalid": "Already a working day, or hours that do not make sense."},
        ),
        request=DayWorkedInput,
        responses={201: DayWorkedOutput},
        summary="Add a substitute working day (without hours: that weekday's, or Monday's)",
    )
    def post(self, request: Request) -> Response:
        given = DayWorkedInput(data=request.data)
        given.is_valid(raise_exception=True)
        day = day_worked_add(acting_user=signed_in_user(request).pk, **given.validated_data)
        return Response(DayWorkedOutput(day).data, status=status.HTTP_201_CREATED)


class DayWorkedDetailView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, MAY_EDIT]

    @extend_schema(
        description=openapi.describe(
            "Removes a substitute working day.",
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={"404 not_found": "No such working day here."},
        ),
        request=None,
        responses={204: None},
        summary="Remove a substitute working day",
    )
    def delete(self, request: Request, day_worked_id: int) -> Response:
        day_worked_remove(day_worked_id=day_worked_id, acting_user=signed_in_user(request).pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- SLA targets -------------------------------------------------------------------------------


SLA_MAX_WORKING_DAYS = 366


class SlaTargetInput(BoundedSerializer):
    category_code = serializers.CharField(
        max_length=40, required=False, allow_null=True, default=None, help_text="Omit or null: the default"
    )
    step = serializers.ChoiceField(choices=SlaStep.choices)
    # A target longer than a year of work is a typo, and the due-time arithmetic would overflow.
    working_days = serializers.IntegerField(
        min_value=1, max_value=SLA_MAX_WORKING_DAYS, required=False, allow_null=True, default=None
    )
    working_minutes = serializers.IntegerField(
        min_value=1, max_value=SLA_MAX_WORKING_DAYS * 24 * 60, required=False, allow_null=True, default=None
    )


class SlaTargetView(ApiView):
    host_kinds = GOVERNMENT
    permission_classes = [permissions.IsAuthenticated, MAY_EDIT]

    @extend_schema(
        description=openapi.describe(
            (
                "Sets how long a step (`step`) may take, in working days or working minutes, for a "
                "category or (without `category_code`) by default. It applies to reports received "
                "afterwards."
            ),
            who=openapi.ADMIN,
            host=openapi.GOVERNMENT_HOST,
            errors={
                "400 invalid": (
                    "Neither or both of `working_days` and `working_minutes`, out of range, or an unknown category."
                )
            },
        ),
        request=SlaTargetInput,
        responses={200: SlaTargetOutput},
        summary="Set the SLA target of a step, for a category or by default (applies to the next report)",
    )
    def put(self, request: Request) -> Response:
        given = SlaTargetInput(data=request.data)
        given.is_valid(raise_exception=True)
        target = sla_target_set(acting_user=signed_in_user(request).pk, **given.validated_data)
        return Response(SlaTargetOutput(target).data)
