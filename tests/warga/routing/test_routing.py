from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import BANDUNG_VILLAGE, submit
from tests.warga.routing.conftest import DLH, PUPR
from warga.accounts.models import User
from warga.notifications.models import Channel, EventKind, Notification
from warga.notifications.services import notification_deliver
from warga.organization.models import Position, PositionKind, Unit, UnitKind
from warga.reports.models import Report
from warga.routing.models import ReportRouting, RoutingAuditEvent, RuleSet
from warga.routing.selectors import routing_simulate, rule_as_data, rule_set_active, rules_of
from warga.routing.services import RoutingInvalid, report_route, routing_seed_defaults, rule_set_restore, rule_set_save
from warga.workcalendar.services import day_off_add


def _recipients(government: Government, report_id: int, kind: str) -> set[str]:
    with government_context(government):
        return {
            str(uid)
            for uid in Notification.objects.filter(report_id=report_id, kind=kind, channel=Channel.IN_APP).values_list(
                "recipient_id", flat=True
            )
        }


def test_provisioning_seeded_default_agencies_with_a_kepala_dinas_each(bandung: Government) -> None:
    with government_context(bandung):
        agencies = Unit.objects.filter(kind=UnitKind.AGENCY)
        assert agencies.count() == 10
        assert set(agencies.values_list("parent__kind", flat=True)) == {UnitKind.GOVERNMENT}
        assert Position.objects.filter(unit__in=agencies, kind=PositionKind.KEPALA_DINAS).count() == 10
        active = rule_set_active()
        assert active is not None
        assert active.version == 1
        assert active.created_by_id is None
        rules = rules_of(rule_set=active)
        assert rules[0].category_codes == ["jalan_rusak", "banjir", "saluran_tersumbat"]
        assert rules[0].handling_unit is not None
        assert rules[0].handling_unit.name == PUPR
        assert rules[-1].category_codes == []
        assert rules[-1].handling_unit_id is None
        # Seeding again changes nothing.
        assert routing_seed_defaults() == {"agencies": 10, "rules": len(rules)}
        assert Unit.objects.filter(kind=UnitKind.AGENCY).count() == 10
        assert RuleSet.objects.count() == 1


def test_a_bandung_report_notifies_exactly_lurah_camat_walikota_and_the_mapped_kepala_dinas(
    bandung: Government, jakarta: Government, bandung_officials: dict[str, User], jakarta_officials: dict[str, User]
) -> None:
    reporter = UserFactory()
    submission = submit(reporter, category_code="jalan_rusak")
    with government_context(bandung):
        report = Report.objects.get(tracking_number=submission.tracking_number)
        routing = ReportRouting.objects.get(report_id=report.pk)
        assert routing.handling_unit is not None
        assert routing.handling_unit.name == PUPR
        assert routing.rule_set_version == 1
    expected = {str(bandung_officials[key].pk) for key in ("lurah", "camat", "walikota", "kadis_pupr")}
    assert _recipients(bandung, report.pk, EventKind.REPORT_ROUTED) == expected
    assert _recipients(bandung, report.pk, EventKind.REPORT_RECEIVED) == {str(reporter.pk)}
    with government_context(jakarta):
        assert not Notification.objects.exists()
    # Email (on by default) goes to the same people and to the reporter once delivered.
    with government_context(bandung):
        queued = Notification.objects.filter(report_id=report.pk, channel=Channel.EMAIL, status="queued")
        assert [notification_deliver(notification_id=pk) for pk in queued.values_list("pk", flat=True)] == ["sent"] * 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [f"{k}@bandung.go.id" for k in ("lurah", "camat", "walikota", "kadis_pupr")] + [reporter.email]
    )


def test_the_category_decides_the_dinas(bandung: Government, bandung_officials: dict[str, User]) -> None:
    submission = submit(UserFactory(), category_code="sampah")
    with government_context(bandung):
        report = Report.objects.get(tracking_number=submission.tracking_number)
    recipients = _recipients(bandung, report.pk, EventKind.REPORT_ROUTED)
    assert str(bandung_officials["kadis_dlh"].pk) in recipients
    assert str(bandung_officials["kadis_pupr"].pk) not in recipients
    assert str(bandung_officials["other_lurah"].pk) not in recipients


def test_a_rule_change_takes_effect_for_the_next_report_only(
    bandung: Government, bandung_officials: dict[str, User]
) -> None:
    first = submit(UserFactory(), category_code="jalan_rusak")
    with government_context(bandung):
        active = rule_set_active()
        assert active is not None
        dlh = Unit.objects.get(name=DLH)
        rules = [{k: v for k, v in rule_as_data(r).items() if k != "order"} for r in rules_of(rule_set=active)]
        rules[0]["handling_unit_id"] = dlh.pk
        actor = bandung_officials["admin"]
        new = rule_set_save(acting_user=actor.pk, rules=rules, note="jalan ke DLH (uji)")
        assert new.version == 2
        event = RoutingAuditEvent.objects.get(rule_set_version=2)
        assert event.kind == "rule_set.saved"
        assert event.actor_id == actor.pk
        assert event.detail["diff"] == {
            "added": [],
            "removed": [],
            "changed": [
                {
                    "order": 10,
                    "fields": {
                        "handling_unit_id": {"before": rules_of(rule_set=active)[0].handling_unit_id, "after": dlh.pk}
                    },
                }
            ],
        }
    second = submit(UserFactory(), category_code="jalan_rusak")
    with government_context(bandung):
        one = ReportRouting.objects.get(report_id=Report.objects.get(tracking_number=first.tracking_number).pk)
        two = ReportRouting.objects.get(report_id=Report.objects.get(tracking_number=second.tracking_number).pk)
        assert (one.rule_set_version, one.handling_unit.name if one.handling_unit else None) == (1, PUPR)
        assert (two.rule_set_version, two.handling_unit.name if two.handling_unit else None) == (2, DLH)
        restored = rule_set_restore(acting_user=actor.pk, version=1)
        assert (restored.version, restored.restored_from) == (3, 1)
        assert [rule_as_data(r) for r in rules_of(rule_set=restored)] == [
            rule_as_data(r) for r in rules_of(rule_set=RuleSet.objects.get(version=1))
        ]
        assert RuleSet.objects.filter(is_active=True).count() == 1


def test_invalid_rules_are_refused_and_nothing_is_written(bandung: Government) -> None:
    with government_context(bandung):
        for rules, field in (
            ([], "rules"),
            ([{"name": "x", "category_codes": ["tidak_ada"]}], "rules[0].category_codes"),
            ([{"name": "x", "notify": ["bupati_lain"]}], "rules[0].notify"),
            ([{"name": "x", "handling_unit_id": 999999}], "rules[0].handling_unit_id"),
            ([{"name": "x", "escalation": [{"target": "camat"}]}], "rules[0].escalation"),
        ):
            with pytest.raises(RoutingInvalid) as refused:
                rule_set_save(acting_user=None, rules=rules)
            assert refused.value.field == field
        assert RuleSet.objects.count() == 1


def test_the_simulator_answers_what_routing_then_does(bandung: Government, bandung_officials: dict[str, User]) -> None:
    with government_context(bandung):
        start = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)
        plan = routing_simulate(
            category_code="jalan_rusak", village_code=BANDUNG_VILLAGE, type="pengaduan", start=start
        )
        assert plan.rule.order == 10
        assert plan.skipped == ()
        assert "jalan_rusak" in plan.reason
        assert [n.target for n in plan.notified] == ["village_head", "camat", "head_of_government", "handling_head"]
        assert [s.target for s in plan.steps] == ["handling_head", "admin_koordinator", "head_of_government"]
        assert [s.due_at < t.due_at for s, t in zip(plan.steps, plan.steps[1:], strict=False)] == [True, True]
        # Count the queries of a simulation: the category, the configuration's version (the
        # rest comes from the per-process cache) and the supervisor's unit, seat and holders.
        with CaptureQueriesContext(connection) as queries:
            routing_simulate(category_code="lainnya", village_code=BANDUNG_VILLAGE, type="pengaduan", start=start)
        assert len(queries) <= 5
    submission = submit(UserFactory(), category_code="jalan_rusak")
    with government_context(bandung):
        report = Report.objects.get(tracking_number=submission.tracking_number)
        plan = routing_simulate(
            category_code="jalan_rusak", village_code=BANDUNG_VILLAGE, type="pengaduan", start=report.created_at
        )
        routing = ReportRouting.objects.get(report_id=report.pk)
        assert routing.rule_id == plan.rule.pk
        assert routing.rule_set_version == plan.rule_set_version
        assert routing.handling_unit_id == (plan.handling_unit.pk if plan.handling_unit else None)
        assert routing.notified_position_ids == [n.position_id for n in plan.notified]
        assert [s["due_at"] for s in routing.steps] == [s.due_at.isoformat() for s in plan.steps]
        assert {str(u) for u in plan.recipients} == _recipients(bandung, report.pk, EventKind.REPORT_ROUTED)
        # Routing the same report again changes nothing.
        assert report_route(report=report) == routing
        assert ReportRouting.objects.filter(report_id=report.pk).count() == 1


def test_catch_all_explains_why_earlier_rules_did_not_match(bandung: Government) -> None:
    with government_context(bandung):
        plan = routing_simulate(category_code="listrik", village_code=BANDUNG_VILLAGE, type="pengaduan")
        assert plan.handling_unit is None
        assert plan.rule.category_codes == []
        assert len(plan.skipped) == len(rules_of(rule_set=RuleSet.objects.get(is_active=True))) - 1
        assert plan.skipped[0].startswith("#10 ")
        assert "kategori listrik tidak termasuk" in plan.skipped[0]


def test_rules_of_one_government_are_invisible_to_another(bandung: Government, jakarta: Government) -> None:
    with government_context(bandung):
        dlh = Unit.objects.get(name=DLH)
        rule_set_save(acting_user=None, rules=[{"name": "semua ke DLH", "handling_unit_id": dlh.pk}])
        assert rule_set_active().version == 2  # type: ignore[union-attr]
    with government_context(jakarta):
        assert rule_set_active().version == 1  # type: ignore[union-attr]
        # A Bandung unit id means nothing in Jakarta's schema: refused unless it exists there.
        plan = routing_simulate(category_code="jalan_rusak", village_code="31.71.01.1001", type="pengaduan")
        assert plan.handling_unit is not None
        assert plan.handling_unit.name == PUPR


def test_escalation_due_times_skip_a_local_holiday(bandung: Government) -> None:
    # Friday 11 December 2026, 10:00 WIB.
    start = datetime.datetime(2026, 12, 11, 3, 0, tzinfo=datetime.UTC)
    with government_context(bandung):
        before = routing_simulate(
            category_code="jalan_rusak", village_code=BANDUNG_VILLAGE, type="pengaduan", start=start
        )
        day_off_add(date=datetime.date(2026, 12, 14), name="Hari Jadi Kota (uji)", kind="local_holiday")
        after = routing_simulate(
            category_code="jalan_rusak", village_code=BANDUNG_VILLAGE, type="pengaduan", start=start
        )
    wib = ZoneInfo("Asia/Jakarta")
    assert [s.due_at.astimezone(wib).isoformat() for s in before.steps] == [
        "2026-12-18T10:00:00+07:00",
        "2026-12-22T10:00:00+07:00",
        # Two working days after the 22nd: the 24th (cuti bersama) and Christmas do not count.
        "2026-12-28T10:00:00+07:00",
    ]
    # Monday the 14th no longer counts: every step moves one working day later.
    assert [s.due_at.astimezone(wib).isoformat() for s in after.steps] == [
        "2026-12-21T10:00:00+07:00",
        "2026-12-23T10:00:00+07:00",
        "2026-12-29T10:00:00+07:00",
    ]
