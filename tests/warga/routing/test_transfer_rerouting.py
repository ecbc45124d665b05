"""A report transferred to another government is routed there by that government's rules."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import submit
from tests.warga.routing.conftest import DLH, seat
from warga.accounts.models import User
from warga.intake.services import report_transfer
from warga.notifications.models import Channel, EventKind, Notification
from warga.organization.models import Position, PositionKind, Unit
from warga.reports.models import Report, ReportEvent
from warga.reports.services import report_transition
from warga.routing.models import ReportRouting, RoutingAuditEvent
from warga.routing.selectors import rule_as_data, rule_set_active, rules_of
from warga.routing.services import escalations_run, rule_set_save
from warga.workcalendar.models import DayOffKind
from warga.workcalendar.selectors import working_calendar_for
from warga.workcalendar.services import day_off_add


def _in_app(government: Government, report_id: int, kind: str) -> set[str]:
    with government_context(government):
        return {
            str(uid)
            for uid in Notification.objects.filter(report_id=report_id, kind=kind, channel=Channel.IN_APP).values_list(
                "recipient_id", flat=True
            )
        }


def test_a_report_moved_from_bandung_to_jakarta_is_routed_by_jakarta_s_rules_and_calendar(
    bandung: Government,
    jakarta: Government,
    bandung_officials: dict[str, User],
    jakarta_officials: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    today = timezone.now().astimezone(ZoneInfo(jakarta.time_zone)).date()
    with government_context(jakarta):
        # Jakarta's own choices, which Bandung does not share: roads go to its environment
        # agency within 10 working hours, and the coming week is a local holiday.
        dlh = Unit.objects.get(name=DLH)
        jakarta_dlh_head = seat(
            Position.objects.get(unit=dlh, kind=PositionKind.KEPALA_DINAS), email="kadis_dlh@jakarta.go.id"
        )
        active = rule_set_active()
        assert active is not None
        rules = [{k: v for k, v in rule_as_data(r).items() if k != "order"} for r in rules_of(rule_set=active)]
        road = {
            "name": "Jalan -> DLH (uji)",
            "category_codes": ["jalan_rusak"],
            "handling_unit_id": dlh.pk,
            "notify": ["head_of_government", "handling_head"],
            "escalation": [{"target": "handling_head", "working_minutes": 600}],
        }
        jakarta_rules = rule_set_save(acting_user=None, rules=[road, *rules], note="uji")
        for offset in range(8):
            day_off_add(
                date=today + datetime.timedelta(days=offset), name="Libur daerah", kind=DayOffKind.LOCAL_HOLIDAY
            )
    number = submit(UserFactory(), category_code="jalan_rusak").tracking_number
    with government_context(bandung):
        old = Report.objects.get(tracking_number=number)
        report_transition(acting_user=bandung_officials["admin"], tracking_number=number, to_status="verified")
        old_routing = ReportRouting.objects.get(report_id=old.pk)
        assert old_routing.current_due_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        report_transfer(
            acting_user=bandung_officials["admin"],
            tracking_number=number,
            from_government=bandung,
            to_government_code="31",
            note="jalan provinsi DKI",
        )

    with government_context(jakarta):
        moved = Report.objects.get(tracking_number=number)
        arrived_at = ReportEvent.objects.get(report=moved, to_status="transferred").at
        routing = ReportRouting.objects.get(report_id=moved.pk)
        assert (routing.rule_set_version, routing.rule.name, routing.handling_unit_id) == (
            jakarta_rules.version,
            "Jalan -> DLH (uji)",
            dlh.pk,
        )
        jakarta_calendar = working_calendar_for(government=jakarta)
        due = jakarta_calendar.due_at(start=arrived_at, working_minutes=600)
        assert routing.current_due_at == due
        assert [step["due_at"] for step in routing.steps] == [due.isoformat()]
        # The clock started at the arrival, on Jakarta's calendar: past the whole local holiday.
        assert due.astimezone(jakarta_calendar.zone).date() > today + datetime.timedelta(days=7)
    with government_context(bandung):
        bandung_due = working_calendar_for(government=bandung).due_at(start=arrived_at, working_minutes=600)
    assert bandung_due < due
    # Jakarta's head and its DLH head are told; Jakarta's PUPR head and anyone in Bandung are not.
    assert _in_app(jakarta, moved.pk, EventKind.REPORT_ROUTED) == {
        str(jakarta_officials["gubernur"].pk),
        str(jakarta_dlh_head.pk),
    }

    # Bandung's pending steps left with the report: nothing of it escalates there any more.
    with government_context(bandung):
        assert not ReportRouting.objects.filter(report_id=old.pk).exists()
        (gone,) = RoutingAuditEvent.objects.filter(report_id=old.pk, kind="report.transferred_out")
        assert gone.detail == {
            "to_government_id": jakarta.pk,
            "current_step": 0,
            "pending_due_at": old_routing.current_due_at.isoformat(),
        }
        late = old_routing.current_due_at + datetime.timedelta(days=60)
        assert escalations_run(now=late).escalated == 0
        assert not RoutingAuditEvent.objects.filter(report_id=old.pk, kind="report.escalated").exists()
    # Jakarta's chain runs on: its one step is overdue after the due time, once.
    with government_context(jakarta):
        run = escalations_run(now=due + datetime.timedelta(minutes=1))
        assert (run.escalated, run.chains_ended) == (0, 1)
