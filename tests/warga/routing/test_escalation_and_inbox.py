from __future__ import annotations

import datetime
from typing import Any

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import submit
from warga.accounts.models import User
from warga.notifications.models import Channel, EventKind, Notification
from warga.reports.models import Report
from warga.reports.services import report_transition
from warga.routing.models import ReportRouting, RoutingAuditEvent
from warga.routing.selectors import InboxFilters, SlaState, inbox_for_official
from warga.routing.services import escalations_run


def _report(government: Government, category_code: str = "jalan_rusak") -> Report:
    tracking_number = submit(UserFactory(), category_code=category_code).tracking_number
    with government_context(government):
        return Report.objects.get(tracking_number=tracking_number)


def test_an_overdue_step_escalates_once_to_the_next_position(
    bandung: Government, bandung_officials: dict[str, User]
) -> None:
    report = _report(bandung)
    with government_context(bandung):
        routing = ReportRouting.objects.get(report_id=report.pk)
        first_due = datetime.datetime.fromisoformat(routing.steps[0]["due_at"])
        second_due = datetime.datetime.fromisoformat(routing.steps[1]["due_at"])
        assert routing.current_due_at == first_due
        # Not yet due: nothing happens.
        assert escalations_run(now=first_due - datetime.timedelta(minutes=1)).escalated == 0
        after = first_due + datetime.timedelta(minutes=1)
        assert escalations_run(now=after).escalated == 1
        # Running again (a second beat, a retried task) escalates nothing more.
        assert escalations_run(now=after).escalated == 0
        routing.refresh_from_db()
        assert (routing.current_step, routing.current_due_at) == (1, second_due)
        events = list(RoutingAuditEvent.objects.filter(report_id=report.pk, kind="report.escalated"))
        assert len(events) == 1
        assert events[0].detail["target"] == "admin_koordinator"
        assert events[0].detail["recipients"] == [str(bandung_officials["admin"].pk)]
        escalated_to = Notification.objects.filter(report_id=report.pk, kind=EventKind.REPORT_ESCALATED)
        assert {(str(n.recipient_id), n.channel) for n in escalated_to} == {
            (str(bandung_officials["admin"].pk), Channel.IN_APP),
            (str(bandung_officials["admin"].pk), Channel.EMAIL),
        }
        # The coordinator now finds the report in the inbox.
        page = inbox_for_official(user_id=bandung_officials["admin"].pk, now=after)
        assert [r.pk for r in page.reports] == [report.pk]
        # Past every deadline: the last step escalates, then the chain ends, once.
        late = datetime.datetime.fromisoformat(routing.steps[2]["due_at"]) + datetime.timedelta(days=1)
        run = escalations_run(now=late)
        assert (run.escalated, run.chains_ended) == (1, 0)
        run = escalations_run(now=late)
        assert (run.escalated, run.chains_ended) == (0, 1)
        assert escalations_run(now=late).chains_ended == 0
        routing.refresh_from_db()
        assert (routing.current_step, routing.current_due_at) == (2, None)


def test_a_closed_report_does_not_escalate(bandung: Government, bandung_officials: dict[str, User]) -> None:
    report = _report(bandung)
    with government_context(bandung):
        report_transition(
            acting_user=bandung_officials["admin"],
            tracking_number=report.tracking_number,
            to_status="archived",
            note="ganda",
        )
        routing = ReportRouting.objects.get(report_id=report.pk)
        assert escalations_run(now=routing.current_due_at + datetime.timedelta(days=30)).escalated == 0  # type: ignore[operator]
        assert not RoutingAuditEvent.objects.filter(report_id=report.pk).exists()


def test_inbox_shows_what_my_positions_handle_or_must_know(
    bandung: Government, jakarta: Government, bandung_officials: dict[str, User], jakarta_officials: dict[str, User]
) -> None:
    road, rubbish = _report(bandung, "jalan_rusak"), _report(bandung, "sampah")

    def seen(key: str, ordering: str = "newest", **filters: Any) -> list[int]:
        with government_context(bandung):
            page = inbox_for_official(
                user_id=bandung_officials[key].pk, filters=InboxFilters(**filters), ordering=ordering
            )
            return [r.pk for r in page.reports]

    assert seen("kadis_pupr") == [road.pk]
    assert seen("kadis_dlh") == [rubbish.pk]
    assert seen("lurah") == [rubbish.pk, road.pk]
    assert seen("lurah", ordering="oldest") == [road.pk, rubbish.pk]
    assert seen("lurah", category_code="sampah") == [rubbish.pk]
    assert seen("lurah", area_prefix="32.73.02") == []
    assert seen("lurah", status="verified") == []
    assert seen("other_lurah") == []
    with government_context(jakarta):
        assert inbox_for_official(user_id=jakarta_officials["lurah"].pk).reports == []
        # A Bandung official holds nothing in Jakarta.
        assert inbox_for_official(user_id=bandung_officials["lurah"].pk).total == 0


def test_inbox_sla_states(bandung: Government, bandung_officials: dict[str, User]) -> None:
    report = _report(bandung)
    with government_context(bandung):
        due = ReportRouting.objects.get(report_id=report.pk).current_due_at
        assert due is not None
        user_id = bandung_officials["kadis_pupr"].pk
        for now, state in (
            (due - datetime.timedelta(days=2), SlaState.ON_TIME),
            (due - datetime.timedelta(hours=2), SlaState.DUE_SOON),
            (due + datetime.timedelta(minutes=1), SlaState.OVERDUE),
        ):
            page = inbox_for_official(user_id=user_id, now=now)
            assert [(r.sla_state, r.due_at) for r in page.reports] == [(state, due)]  # type: ignore[attr-defined]
            assert inbox_for_official(user_id=user_id, now=now, filters=InboxFilters(sla_state=state)).total == 1
            others = [s for s in SlaState if s != state]
            assert [
                inbox_for_official(user_id=user_id, now=now, filters=InboxFilters(sla_state=s)).total for s in others
            ] == [0, 0, 0]


def test_an_ended_report_has_no_running_deadline_in_the_inbox(
    bandung: Government, bandung_officials: dict[str, User]
) -> None:
    report = _report(bandung)
    with government_context(bandung):
        due = ReportRouting.objects.get(report_id=report.pk).current_due_at
        assert due is not None
        Report.objects.filter(pk=report.pk).update(status="closed")
        later = due + datetime.timedelta(days=30)
        user_id = bandung_officials["kadis_pupr"].pk
        page = inbox_for_official(user_id=user_id, now=later)
        assert [(r.sla_state, r.due_at) for r in page.reports] == [(SlaState.NO_DEADLINE, None)]  # type: ignore[attr-defined]
        assert (
            inbox_for_official(user_id=user_id, now=later, filters=InboxFilters(sla_state=SlaState.OVERDUE)).total == 0
        )


@pytest.mark.parametrize("page_size", [5, 50])
def test_inbox_query_count_is_independent_of_page_size(
    bandung: Government, bandung_officials: dict[str, User], page_size: int, django_assert_num_queries: Any
) -> None:
    reports = [_report(bandung) for _ in range(7)]
    with government_context(bandung):
        Report.objects.exists()  # the schema switch happens at the first query, not counted below
        with django_assert_num_queries(3):
            page = inbox_for_official(user_id=bandung_officials["camat"].pk, limit=page_size, ordering="priority")
            due_states = [(r.due_at, r.sla_state) for r in page.reports]  # type: ignore[attr-defined]
        assert page.total == 7
        assert len(due_states) == min(page_size, 7)
        assert {r.pk for r in page.reports} <= {r.pk for r in reports}
        # By due: the page's ids in deadline order, then the reports; one more past the deadlines.
        with django_assert_num_queries(4 if page_size < 7 else 5):
            by_due = inbox_for_official(user_id=bandung_officials["camat"].pk, limit=page_size, ordering="due")
        assert [r.pk for r in by_due.reports] == [r.pk for r in page.reports]


def _deadlines_as_routing_keeps_them(
    *,
    running: list[tuple[Report, datetime.datetime]],
    ran_out: Report,
    ended: Report,
    ended_due: datetime.datetime,
) -> None:
    """Deadlines running on open reports; a chain that ran out (no deadline); and a closed report
    whose routing row keeps its last deadline, which no longer runs."""
    for report, due in running:
        ReportRouting.objects.filter(report_id=report.pk).update(current_due_at=due, running_due_at=due)
    ReportRouting.objects.filter(report_id=ran_out.pk).update(current_due_at=None, running_due_at=None)
    ReportRouting.objects.filter(report_id=ended.pk).update(current_due_at=ended_due, running_due_at=None)
    Report.objects.filter(pk=ended.pk).update(status="closed")


def test_each_sla_filter_returns_exactly_the_reports_annotated_with_that_state(
    bandung: Government, bandung_officials: dict[str, User]
) -> None:
    # The filter decides on the routing row; the annotation on the report. They must agree for
    # open reports in every clock state, an ended report and a chain that ran out.
    reports = [_report(bandung) for _ in range(5)]
    with government_context(bandung):
        now = ReportRouting.objects.get(report_id=reports[0].pk).routed_at
        dues = [now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=3), now + datetime.timedelta(days=3)]
        _deadlines_as_routing_keeps_them(
            running=list(zip(reports, dues, strict=False)),
            ran_out=reports[3],
            ended=reports[4],
            ended_due=now - datetime.timedelta(days=1),
        )

        user_id = bandung_officials["kadis_pupr"].pk
        annotated = {r.pk: r.sla_state for r in inbox_for_official(user_id=user_id, now=now).reports}  # type: ignore[attr-defined]
        assert sorted(annotated.values()) == sorted(["overdue", "due_soon", "on_time", "no_deadline", "no_deadline"])
        for state in SlaState:
            filtered = inbox_for_official(user_id=user_id, now=now, filters=InboxFilters(sla_state=state))
            assert {r.pk for r in filtered.reports} == {pk for pk, s in annotated.items() if s == state}, state
            assert filtered.total == len(filtered.reports)


def test_ordering_by_due_follows_the_deadline_shown(bandung: Government, bandung_officials: dict[str, User]) -> None:
    """`due` and `priority` put the nearest `due_at` the page shows first, reports without one
    last, newest first among equals, on every page. A closed report keeps an old
    `current_due_at` on its routing row, which must not count; a report that arrived by
    transfer keeps its first creation time, so creation order and id order can differ."""
    reports = [_report(bandung) for _ in range(6)]
    with government_context(bandung):
        now = ReportRouting.objects.get(report_id=reports[0].pk).routed_at
        dues = [now + datetime.timedelta(hours=hours) for hours in (5, -2, 30, 5)]
        _deadlines_as_routing_keeps_them(
            running=list(zip(reports, dues, strict=False)),
            ran_out=reports[4],
            ended=reports[5],
            ended_due=now - datetime.timedelta(days=60),
        )
        # Same deadline as report 0, but created before it although its id is higher.
        Report.objects.filter(pk=reports[3].pk).update(created_at=reports[0].created_at - datetime.timedelta(hours=1))
        created = dict(Report.objects.values_list("pk", "created_at"))

        user_id = bandung_officials["kadis_pupr"].pk
        for ordering in ("due", "priority"):
            page = inbox_for_official(user_id=user_id, now=now, ordering=ordering).reports
            shown = [(r.pk, r.due_at) for r in page]  # type: ignore[attr-defined]
            expected = sorted(
                shown, key=lambda row: (row[1] is None, row[1] or now, -created[row[0]].timestamp(), -row[0])
            )
            assert shown == expected, ordering
            whole = [pk for pk, _ in shown]
            assert whole[:4] == [reports[1].pk, reports[0].pk, reports[3].pk, reports[2].pk]
            assert set(whole[4:]) == {reports[4].pk, reports[5].pk}
            for limit in (1, 2, 3, 5):
                for offset in range(len(whole) + 1):
                    page = inbox_for_official(user_id=user_id, now=now, ordering=ordering, limit=limit, offset=offset)
                    assert [r.pk for r in page.reports] == whole[offset : offset + limit], (ordering, limit, offset)


def test_the_inbox_count_stops_at_the_cap(
    bandung: Government, bandung_officials: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("warga.routing.selectors.inbox.INBOX_COUNT_CAP", 3)
    for _ in range(5):
        _report(bandung)
    with government_context(bandung):
        user_id = bandung_officials["camat"].pk
        capped = inbox_for_official(user_id=user_id, limit=2, offset=2)
        assert (capped.total, capped.total_exact, len(capped.reports)) == (3, False, 2)
        # The pages past the cap are still there.
        assert len(inbox_for_official(user_id=user_id, limit=2, offset=4).reports) == 1
        none_overdue = inbox_for_official(user_id=user_id, filters=InboxFilters(sla_state=SlaState.OVERDUE))
        assert (none_overdue.total, none_overdue.total_exact) == (0, True)


def test_the_open_statuses_backfilled_into_routing_are_todays() -> None:
    # Routing keeps the running deadline only for open reports (running_due_at), filled for old
    # rows by migration 0002 with the statuses frozen in it. Changing what counts as open needs
    # a new backfill of that column; this fails until one is written.
    from importlib import import_module

    from warga.reports.lifecycle import OPEN_STATUSES

    migration = import_module("warga.routing.migrations.0002_routing_running_due_at")
    assert set(migration.OPEN_STATUSES) == {status.value for status in OPEN_STATUSES}
