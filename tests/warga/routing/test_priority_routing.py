"""Priority in routing: rule conditions see the report's priority, the simulator answers the
same, and the inbox filters and sorts by it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import BANDUNG_VILLAGE, submit
from tests.warga.routing.conftest import DLH, PUPR
from warga.accounts.models import User
from warga.organization.models import Unit
from warga.reports.models import Report
from warga.reports.services import report_priority_set
from warga.routing.models import ReportRouting, RuleSet
from warga.routing.selectors import (
    InboxFilters,
    inbox_for_official,
    routing_simulate,
    rule_as_data,
    rule_set_active,
    rules_of,
)
from warga.routing.services import RoutingInvalid, rule_set_save


def _urgent_first_rules() -> None:
    """Version 2: urgent reports of any category go to DLH, then the defaults as they were."""
    active = rule_set_active()
    assert active is not None
    defaults = [{k: v for k, v in rule_as_data(r).items() if k != "order"} for r in rules_of(rule_set=active)]
    dlh = Unit.objects.get(name=DLH)
    rule_set_save(
        acting_user=None,
        rules=[{"name": "Darurat -> DLH", "priorities": ["urgent"], "handling_unit_id": dlh.pk}, *defaults],
    )


def _report(number: str) -> Report:
    return Report.objects.get(tracking_number=number)


def test_a_priority_rule_matches_an_urgent_categorys_report_and_not_a_normal_one(bandung: Government) -> None:
    with government_context(bandung):
        _urgent_first_rules()
    flood = submit(UserFactory(), category_code="banjir").tracking_number  # urgent by default
    road = submit(UserFactory(), category_code="jalan_rusak").tracking_number  # normal
    with government_context(bandung):
        flood_routing = ReportRouting.objects.select_related("rule", "handling_unit").get(report_id=_report(flood).pk)
        road_routing = ReportRouting.objects.select_related("rule", "handling_unit").get(report_id=_report(road).pk)
        assert (flood_routing.rule.name, flood_routing.handling_unit.name) == ("Darurat -> DLH", DLH)  # type: ignore[union-attr]
        assert road_routing.handling_unit.name == PUPR  # type: ignore[union-attr]
        assert road_routing.rule.order == 20
        assert road_routing.reason.startswith("Aturan #20 ")

        # The simulator, told nothing about priority, takes the category's default: same answers.
        for number, routing in ((flood, flood_routing), (road, road_routing)):
            report = _report(number)
            plan = routing_simulate(
                category_code=report.category_code,
                village_code=report.village_code,
                type=report.type,
                start=report.created_at,
            )
            assert (plan.priority, plan.rule.pk, plan.rule_set_version) == (
                report.priority,
                routing.rule_id,
                routing.rule_set_version,
            )
            assert plan.handling_unit == routing.handling_unit
            assert [s.due_at.isoformat() for s in plan.steps] == [s["due_at"] for s in routing.steps]
        # Given a priority, it checks that one instead.
        asked = routing_simulate(
            category_code="jalan_rusak", village_code=BANDUNG_VILLAGE, type="pengaduan", priority="urgent"
        )
        assert (asked.priority, asked.rule.name) == ("urgent", "Darurat -> DLH")
        normal_flood = routing_simulate(
            category_code="banjir", village_code=BANDUNG_VILLAGE, type="pengaduan", priority="normal"
        )
        assert normal_flood.skipped[0] == "#10 Darurat -> DLH: prioritas normal tidak termasuk urgent"


def test_changing_the_priority_does_not_route_the_report_again(
    bandung: Government, bandung_officials: dict[str, User]
) -> None:
    with government_context(bandung):
        _urgent_first_rules()
    road = submit(UserFactory(), category_code="jalan_rusak").tracking_number
    with government_context(bandung):
        report = _report(road)
        before = ReportRouting.objects.values().get(report_id=report.pk)
        report_priority_set(
            acting_user=bandung_officials["admin"], report_id=report.pk, priority="urgent", note="Jalur ambulans."
        )
        assert _report(road).priority == "urgent"
        assert ReportRouting.objects.values().get(report_id=report.pk) == before


def test_a_rule_with_an_unknown_priority_is_refused(bandung: Government) -> None:
    with government_context(bandung):
        with pytest.raises(RoutingInvalid) as refused:
            rule_set_save(acting_user=None, rules=[{"name": "x", "priorities": ["tinggi"]}])
        assert (refused.value.field, refused.value.message) == (
            "rules[0].priorities",
            "Prioritas tidak dikenal: tinggi (pilih normal, high, urgent).",
        )
        assert RuleSet.objects.count() == 1


def test_inbox_filters_by_priority_and_sorts_urgent_first(
    bandung: Government, bandung_officials: dict[str, User]
) -> None:
    numbers = {
        code: submit(UserFactory(), category_code=code).tracking_number
        for code in ("jalan_rusak", "banjir", "saluran_tersumbat", "sampah")
    }
    lurah = bandung_officials["lurah"].pk
    with government_context(bandung):
        ids = {code: _report(number).pk for code, number in numbers.items()}
        # Deadlines chosen so that priority, not the deadline, decides between priorities, and
        # the deadline (not the arrival) decides within one.
        now = timezone.now()
        for code, days in (("banjir", 30), ("saluran_tersumbat", 20), ("jalan_rusak", 1), ("sampah", 2)):
            due = now + datetime.timedelta(days=days)
            ReportRouting.objects.filter(report_id=ids[code]).update(current_due_at=due, running_due_at=due)

        def seen(ordering: str = "newest", **filters: Any) -> list[int]:
            return [
                r.pk
                for r in inbox_for_official(
                    user_id=lurah, now=now, filters=InboxFilters(**filters), ordering=ordering
                ).reports
            ]

        assert seen(ordering="priority") == [ids["banjir"], ids["saluran_tersumbat"], ids["jalan_rusak"], ids["sampah"]]
        assert seen() == [ids["sampah"], ids["saluran_tersumbat"], ids["banjir"], ids["jalan_rusak"]]
        assert seen(priority="urgent") == [ids["banjir"]]
        assert seen(priority="high") == [ids["saluran_tersumbat"]]
        assert seen(priority="normal", ordering="priority") == [ids["jalan_rusak"], ids["sampah"]]
        assert inbox_for_official(user_id=lurah, now=now, filters=InboxFilters(priority="normal")).total == 2


@pytest.mark.parametrize("page_size", [2, 50])
def test_inbox_sorted_by_priority_keeps_its_query_count(
    bandung: Government, bandung_officials: dict[str, User], page_size: int, django_assert_num_queries: Any
) -> None:
    for code in ("jalan_rusak", "banjir", "saluran_tersumbat", "jalan_rusak", "banjir"):
        submit(UserFactory(), category_code=code)
    with government_context(bandung):
        Report.objects.exists()  # the schema switch happens at the first query, not counted below
        with django_assert_num_queries(3):
            page = inbox_for_official(
                user_id=bandung_officials["camat"].pk, limit=page_size, ordering="priority", filters=InboxFilters()
            )
            priorities = [r.priority for r in page.reports]
    assert page.total == 5
    assert priorities == ["urgent", "urgent", "high", "normal", "normal"][:page_size]
