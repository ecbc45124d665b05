"""A citizen's dispute goes to the supervisor of the unit that handled the report."""

from __future__ import annotations

import datetime

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import BANDUNG_VILLAGE, JAKARTA_POINT, JAKARTA_VILLAGE, resolve, submit
from tests.warga.routing.conftest import PUPR
from warga.accounts.models import User
from warga.intake.services import report_dispute
from warga.notifications.models import Channel, EventKind, Notification
from warga.organization.models import Membership, Position, PositionKind, Unit, UnitKind
from warga.organization.selectors import today_in
from warga.reports.models import Report, ReportEvent
from warga.reports.services import report_transition
from warga.routing.models import ReportRouting, RoutingAuditEvent
from warga.routing.selectors import InboxFilters, inbox_for_official, routing_simulate, supervisor_of
from warga.routing.services import escalations_run, report_dispute_escalate
from warga.workcalendar.models import SlaStep
from warga.workcalendar.selectors import working_calendar_for
from warga.workcalendar.services import sla_target_set


def _disputed_notices(government: Government, report_id: int | None = None) -> list[tuple[str, str]]:
    with government_context(government):
        rows = Notification.objects.filter(kind=EventKind.DISPUTE_ESCALATED)
        if report_id is not None:
            rows = rows.filter(report_id=report_id)
        return sorted((str(n.recipient_id), n.channel) for n in rows)


def _resolved(
    government: Government, reporter: User, official: User, *, unit_id: int | None = None, **fields: object
) -> Report:
    number = submit(reporter, **fields).tracking_number
    with government_context(government):
        report_transition(acting_user=official, tracking_number=number, to_status="verified", unit_id=unit_id)
        report_transition(acting_user=official, tracking_number=number, to_status="in_progress")
    resolve(government, number, official)
    with government_context(government):
        return Report.objects.get(tracking_number=number)


def test_a_dispute_goes_to_the_head_of_government_above_a_dinas_once_per_resolution(
    bandung: Government, jakarta: Government, bandung_officials: dict[str, User], jakarta_officials: dict[str, User]
) -> None:
    reporter = UserFactory()
    report = _resolved(bandung, reporter, bandung_officials["kadis_pupr"])  # jalan_rusak: Dinas PUPR
    walikota = bandung_officials["walikota"]

    assert report_dispute(acting_user=reporter, tracking_number=report.tracking_number, note="Masih berlubang.") == (
        "reopened"
    )

    # The walikota (head of the dinas's parent, the government) is told in-app and by email.
    assert _disputed_notices(bandung, report.pk) == [
        (str(walikota.pk), Channel.EMAIL),
        (str(walikota.pk), Channel.IN_APP),
    ]
    with government_context(bandung):
        (event,) = RoutingAuditEvent.objects.filter(report_id=report.pk, kind="report.dispute_escalated")
        resolution = ReportEvent.objects.get(report_id=report.pk, to_status="resolved")
        walikota_seat = Position.objects.get(unit__kind=UnitKind.GOVERNMENT, kind=PositionKind.WALIKOTA)
        due = working_calendar_for(government=bandung).due_at(start=event.at, working_days=5)
        assert event.actor_id == reporter.pk
        assert event.detail == {
            "resolution_event_id": resolution.pk,
            "handling_unit_id": Unit.objects.get(name=PUPR).pk,
            "supervisor_unit_id": Unit.objects.get(kind=UnitKind.GOVERNMENT).pk,
            "position_ids": [walikota_seat.pk],
            "titles": [walikota_seat.title],
            "skipped": [],
            "recipients": [str(walikota.pk)],
            "due_at": due.isoformat(),
            "step": 3,
        }
        # The supervisor now owns the next step: the running deadline is theirs.
        routing = ReportRouting.objects.get(report_id=report.pk)
        assert (routing.current_step, routing.current_due_at) == (3, due)
        assert routing.steps[3] == {
            "target": "supervisor",
            "position_ids": [walikota_seat.pk],
            "due_at": due.isoformat(),
            "resolution_event_id": resolution.pk,
        }
        assert [r.pk for r in inbox_for_official(user_id=walikota.pk).reports] == [report.pk]

        # The same dispute event again (a retried request): nothing new, nobody told twice.
        again = report_dispute_escalate(
            report_id=report.pk, resolution_event_id=resolution.pk, acting_user=reporter.pk, now=event.at
        )
        assert (again.created, again.due_at, again.recipients) == (False, due, (walikota.pk,))
        assert RoutingAuditEvent.objects.filter(report_id=report.pk, kind="report.dispute_escalated").count() == 1
        routing.refresh_from_db()
        assert (len(routing.steps), routing.current_step) == (4, 3)
    assert len(_disputed_notices(bandung, report.pk)) == 2

    # Nobody in Jakarta hears of a Bandung dispute, in either schema.
    assert _disputed_notices(jakarta) == []
    jakarta_ids = {str(user.pk) for user in jakarta_officials.values()}
    assert not {recipient for recipient, _ in _disputed_notices(bandung)} & jakarta_ids

    # The supervisor's deadline passes: the chain ends there (escalated once, then over).
    with government_context(bandung):
        run = escalations_run(now=due + datetime.timedelta(minutes=1))
        assert (run.escalated, run.chains_ended) == (0, 1)

    # Resolved again and disputed again: a new resolution, so a new escalation.
    resolve(bandung, report.tracking_number, bandung_officials["kadis_pupr"])
    report_dispute(acting_user=reporter, tracking_number=report.tracking_number, note="Tetap berlubang.")
    assert len(_disputed_notices(bandung, report.pk)) == 4
    with government_context(bandung):
        assert RoutingAuditEvent.objects.filter(report_id=report.pk, kind="report.dispute_escalated").count() == 2
        assert ReportRouting.objects.get(report_id=report.pk).current_step == 4


def test_a_kelurahan_s_supervisor_is_the_camat_and_a_vacant_seat_passes_it_up(
    bandung: Government, bandung_officials: dict[str, User]
) -> None:
    with government_context(bandung):
        kelurahan = Unit.objects.get(region_code=BANDUNG_VILLAGE)
        camat_seat = Position.objects.get(unit__region_code="32.73.01", kind=PositionKind.CAMAT)
        walikota_seat = Position.objects.get(unit__kind=UnitKind.GOVERNMENT, kind=PositionKind.WALIKOTA)
        today = today_in(government=bandung)
        supervisor = supervisor_of(handling_unit=kelurahan, on=today)
        assert (supervisor.unit.region_code, supervisor.position_ids, supervisor.skipped) == (
            "32.73.01",
            (camat_seat.pk,),
            (),
        )
        assert [h.user_id for h in supervisor.holders] == [bandung_officials["camat"].pk]
        # The camat left yesterday: the walikota answers, and the trail says which level was empty.
        Membership.objects.filter(position=camat_seat).update(ends_on=today - datetime.timedelta(days=1))
        supervisor = supervisor_of(handling_unit=kelurahan, on=today)
        assert (supervisor.position_ids, supervisor.skipped) == ((walikota_seat.pk,), (camat_seat.unit.name,))
        # A report the government handles itself goes to its head; with that seat empty too,
        # the admin koordinator answers rather than nobody.
        assert supervisor_of(handling_unit=None, on=today).position_ids == (walikota_seat.pk,)
        Membership.objects.filter(position=walikota_seat).update(ends_on=today - datetime.timedelta(days=1))
        fallback = supervisor_of(handling_unit=None, on=today)
        assert [h.user_id for h in fallback.holders] == [bandung_officials["admin"].pk]

    # Through the real dispute: a report verified to the kelurahan goes to the walikota now
    # (the camat's seat is vacant), due after the category's own follow-up target.
    with government_context(bandung):
        Membership.objects.filter(position=walikota_seat).update(ends_on=None)
        sla_target_set(category_code="jalan_rusak", step=SlaStep.FOLLOW_UP, working_minutes=90)
    reporter = UserFactory()
    # Disposed by the admin koordinator: the lurah has no reach over PUPR, where routing put it.
    report = _resolved(bandung, reporter, bandung_officials["admin"], unit_id=kelurahan.pk)
    report_dispute(acting_user=reporter, tracking_number=report.tracking_number, note="Belum beres.")
    assert {r for r, _ in _disputed_notices(bandung, report.pk)} == {str(bandung_officials["walikota"].pk)}
    with government_context(bandung):
        event = RoutingAuditEvent.objects.get(report_id=report.pk, kind="report.dispute_escalated")
        assert event.detail["skipped"] == [camat_seat.unit.name]
        assert event.detail["due_at"] == (
            working_calendar_for(government=bandung).due_at(start=event.at, working_minutes=90).isoformat()
        )


def test_the_simulator_names_the_supervisor(bandung: Government, bandung_officials: dict[str, User]) -> None:
    with government_context(bandung):
        plan = routing_simulate(category_code="jalan_rusak", village_code=BANDUNG_VILLAGE, type="pengaduan")
        assert plan.supervisor is not None
        assert plan.supervisor.titles == (
            Position.objects.get(unit__kind=UnitKind.GOVERNMENT, kind=PositionKind.WALIKOTA).title,
        )
        assert [h.user_id for h in plan.supervisor.holders] == [bandung_officials["walikota"].pk]


def test_a_jakarta_dispute_stays_in_jakarta(
    bandung: Government,
    jakarta: Government,
    bandung_officials: dict[str, User],
    jakarta_officials: dict[str, User],
) -> None:
    reporter = UserFactory()
    report = _resolved(
        jakarta,
        reporter,
        jakarta_officials["kadis_pupr"],
        village_code=JAKARTA_VILLAGE,
        latitude=JAKARTA_POINT[0],
        longitude=JAKARTA_POINT[1],
    )
    report_dispute(acting_user=reporter, tracking_number=report.tracking_number, note="Masih rusak.")
    assert {r for r, _ in _disputed_notices(jakarta, report.pk)} == {str(jakarta_officials["gubernur"].pk)}
    assert _disputed_notices(bandung) == []


def test_the_deadline_runs_only_while_the_report_is_open(
    bandung: Government, bandung_officials: dict[str, User]
) -> None:
    # The running deadline follows every status change, in its transaction: a resolved report
    # is neither overdue in the inbox nor escalated; a dispute starts the clock again.
    reporter = UserFactory()
    kadis = bandung_officials["kadis_pupr"]
    overdue = InboxFilters(sla_state="overdue")
    report = _resolved(bandung, reporter, kadis)
    with government_context(bandung):
        routing = ReportRouting.objects.get(report_id=report.pk)
        assert routing.current_due_at is not None
        assert routing.running_due_at is None
        later = routing.current_due_at + datetime.timedelta(days=60)
        assert inbox_for_official(user_id=kadis.pk, now=later, filters=overdue).total == 0
        assert escalations_run(now=later).escalated == 0
        assert ReportRouting.objects.get(report_id=report.pk).current_step == routing.current_step

    report_dispute(acting_user=reporter, tracking_number=report.tracking_number, note="Masih berlubang.")
    with government_context(bandung):
        routing = ReportRouting.objects.get(report_id=report.pk)
        # The supervisor's step, whose deadline runs now.
        assert routing.running_due_at == routing.current_due_at
        assert routing.running_due_at is not None
        later = routing.running_due_at + datetime.timedelta(minutes=1)
        assert [r.pk for r in inbox_for_official(user_id=kadis.pk, now=later, filters=overdue).reports] == [report.pk]
        assert escalations_run(now=later).chains_ended == 1
        routing.refresh_from_db()
        assert (routing.current_due_at, routing.running_due_at) == (None, None)
